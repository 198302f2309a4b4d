"""Support's service layer: each function is one request's (or one event's) work in one
unit of work. Entrypoints call these; rules live in `domain`, money in `money`."""
import uuid
from datetime import datetime

from sqlalchemy import select

from coord.auth import require
from coord.db import utcnow
from coord.envelope import Event
from coord.errors import Invalid, NotFound
from coord.http import keyset_slice, page, utc_timestamp
from services.support import domain, reports
from services.support.models import Agreement, Meeting, RefundDue, SupportRequest, TravelCharge
from coord.money import money_from_event


# Meetings, as registration announces them

def record_registration_event(uow, envelope):
    """Keep a copy of each scheduled meeting, so agreements can name only real meetings."""
    if envelope["type"] != "meeting_scheduled" or not uow.first_delivery(envelope["event_id"]):
        return
    data = envelope["data"]
    meeting = uow.session.get(Meeting, envelope["subject"]["id"])
    if meeting is None:
        meeting = Meeting(id=envelope["subject"]["id"], learned_at=utcnow())
        uow.session.add(meeting)
    meeting.code, meeting.title = data["code"], data.get("title") or data["code"]


def _meeting_named_in_body(uow, meeting_id, lock=False):
    """The meeting a request body names; `lock` serialises agreements per meeting on
    databases that lock rows, so two overlapping agreements cannot both pass the check."""
    meeting = (uow.locked if lock else uow.session.get)(Meeting, meeting_id)
    if meeting is None:
        raise Invalid(f"No meeting with id {meeting_id} is known to support; schedule it with "
                      "the registration service first (support hears of it within seconds).",
                      code="unknown_meeting", fields={"meeting_id": ["Unknown meeting."]})
    return meeting


# Agreements

def record_agreement(uow, caller, data):
    meeting = _meeting_named_in_body(uow, data["meeting_id"], lock=True)
    domain.check_parties(data["provider"], data["basis"])
    domain.check_regions(data["regions"])
    existing = uow.session.scalars(select(Agreement).where(
        Agreement.meeting_id == meeting.id, Agreement.category == data["category"])).all()
    domain.check_no_overlap(existing, provider=data["provider"], category=data["category"],
                            regions=data["regions"])
    agreement = Agreement(id=str(uuid.uuid4()), recorded_by=caller, created_at=utcnow(), **data)
    uow.session.add(agreement)
    uow.session.flush()
    uow.emit(Event(
        "agreement_recorded", "agreement", agreement.id, actor=caller,
        owner=agreement.provider, meeting_id=meeting.id,
        data={"provider": agreement.provider, "category": agreement.category,
              "basis": agreement.basis, "regions": agreement.regions,
              "meeting_code": meeting.code}))
    return agreement


def get_agreement(uow, agreement_id):
    return _get(uow, Agreement, agreement_id, "agreement")


def list_agreements(uow, query):
    return _page_by_creation(uow, Agreement, query, ("meeting_id", "provider", "category"))


# Support requests

def request_support(uow, caller, data):
    meeting = _meeting_named_in_body(uow, data["meeting_id"])
    agreements = uow.session.scalars(select(Agreement).where(
        Agreement.meeting_id == meeting.id, Agreement.provider == data["provider"],
        Agreement.category == data["category"])).all()
    agreement = domain.choose_agreement(agreements, provider=data["provider"],
                                        category=data["category"], region=data["region"])
    now = utcnow()
    support_request = SupportRequest(
        id=str(uuid.uuid4()), agreement_id=agreement.id, basis=agreement.basis,
        status=domain.REQUESTED, requested_by=caller, created_at=now, updated_at=now, **data)
    uow.session.add(support_request)
    uow.session.flush()
    uow.emit(_support_event(support_request, caller, meeting))
    return support_request


def get_support_request(uow, request_id):
    return _get(uow, SupportRequest, request_id, "support request")


def list_support_requests(uow, query):
    """Oldest first, so a partner's queue reads in the order the work arrived."""
    return _page_by_creation(uow, SupportRequest, query,
                             ("provider", "status", "meeting_id", "category"))


def accept(uow, caller, request_id):
    return _advance(uow, caller, request_id, "accept")


def decline(uow, caller, request_id, reason):
    return _advance(uow, caller, request_id, "decline", decline_reason=reason)


def deliver(uow, caller, request_id):
    return _advance(uow, caller, request_id, "deliver")


def invoice(uow, caller, request_id, amount):
    return _advance(uow, caller, request_id, "invoice", invoice_amount=amount.amount,
                    invoice_currency=amount.currency, invoiced_at=utcnow())


def settle(uow, caller, request_id):
    """The organiser records that it paid the invoice in full."""
    return _advance(uow, caller, request_id, "settle", settled_at=utcnow())


def _advance(uow, caller, request_id, action, **changes):
    """One step of a request's life: who may take it, whether it is allowed, its event.
    The row is locked (where the database can), so a double click cannot settle twice."""
    support_request = _get(uow, SupportRequest, request_id, "support request", lock=True)
    require(caller, domain.who_acts(action, support_request.provider),
            action=f"{action} this {support_request.provider} support request")
    support_request.status = domain.next_status(support_request.status, action,
                                                basis=support_request.basis)
    support_request.updated_at = utcnow()
    for name, value in changes.items():
        setattr(support_request, name, value)
    uow.session.flush()
    uow.emit(_support_event(support_request, caller,
                            uow.session.get(Meeting, support_request.meeting_id)))
    return support_request


def _support_event(support_request, caller, meeting):
    """`support_<status>`, owned by whoever must act next (docs/events.md)."""
    data = {"provider": support_request.provider, "category": support_request.category,
            "basis": support_request.basis, "description": support_request.description,
            "quantity": support_request.quantity, "status": support_request.status,
            "region": support_request.region, "meeting_code": meeting.code}
    if support_request.status == domain.DECLINED:
        data["reason"] = support_request.decline_reason
    if support_request.invoice is not None:
        data["amount"] = support_request.invoice.as_json()
    return Event(f"support_{support_request.status}", "support_request", support_request.id,
                 actor=caller, owner=support_request.owner,
                 meeting_id=support_request.meeting_id, data=data)


# Travel work, as the travel service reports it

def record_travel_event(uow, envelope):
    """Count a ticket or DSA payment once, on the basis our own agreements give it; note
    cancelled cases whose fare should be refunded."""
    kind = envelope["type"]
    if kind not in domain.TRAVEL_CHARGES and kind != "travel_case_cancelled":
        return
    if not uow.first_delivery(envelope["event_id"]):
        return
    if kind == "travel_case_cancelled":
        _record_cancellation(uow, envelope)
    else:
        _record_charge(uow, envelope, domain.TRAVEL_CHARGES[kind])


def _record_charge(uow, envelope, source):
    data, actor = envelope["data"], envelope["actor"]
    amount = money_from_event(data.get(source.money_field), source.money_field)
    agreement = _agreement_covering(uow, envelope["meeting_id"], source.category,
                                    data.get("region"), provider=actor)
    basis = domain.travel_basis(agreement, actor=actor, event_owner=data.get(source.owner_field),
                                event_basis=data.get(source.basis_field))
    uow.session.add(TravelCharge(
        event_id=envelope["event_id"], meeting_id=envelope["meeting_id"],
        travel_case_id=envelope["subject"]["id"], kind=source.kind, provider=actor,
        basis=basis, agreement_id=agreement.id if agreement else None,
        region=data.get("region"), amount=amount.amount, currency=amount.currency,
        occurred_at=datetime.fromisoformat(envelope["occurred_at"])))


def _agreement_covering(uow, meeting_id, category, region, *, provider):
    agreements = uow.session.scalars(select(Agreement).where(
        Agreement.meeting_id == meeting_id, Agreement.category == category,
        Agreement.provider == provider)).all()
    return next((a for a in agreements if domain.covers(a.regions, region)), None)


def _record_cancellation(uow, envelope):
    if envelope["data"].get("refund_due"):
        uow.session.merge(RefundDue(
            travel_case_id=envelope["subject"]["id"], meeting_id=envelope["meeting_id"],
            cancelled_at=datetime.fromisoformat(envelope["occurred_at"])))


# The ledger

def ledger(uow, meeting_id):
    meeting = uow.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"No meeting with id {meeting_id} is known to support.")

    def of_meeting(model):
        return uow.session.scalars(select(model).where(model.meeting_id == meeting_id)).all()

    lines = domain.build_ledger(
        of_meeting(Agreement), of_meeting(SupportRequest), of_meeting(TravelCharge),
        {refund.travel_case_id for refund in of_meeting(RefundDue)})
    return reports.ledger_document(meeting, lines)


# Shared helpers

def _get(uow, model, id_, name, lock=False):
    found = (uow.locked if lock else uow.session.get)(model, id_)
    if found is None:
        raise NotFound(f"No {name} with id {id_}.")
    return found


def _page_by_creation(uow, model, query, filters):
    """A page of `model` rows oldest first, filtered by equality on `filters`."""
    statement = select(model)
    for column in filters:
        if query.get(column):
            statement = statement.where(getattr(model, column) == query[column])
    rows = uow.session.scalars(keyset_slice(
        statement, query, model.created_at, model.id, utc_timestamp)).all()
    return page(rows, query["limit"], lambda row: [row.created_at.isoformat(), row.id])


