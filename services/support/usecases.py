"""Support's service layer: each function is one request's (or one event's) work in one
unit of work. Entrypoints call these; rules live in `domain`, money in `money`."""
import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, or_, select

from coord import corrections, scope, waiting
from coord.auth import require
from coord.db import utcnow
from coord.envelope import Event
from coord.errors import Conflict, Invalid, NotFound
from coord.http import keyset_slice, page, utc_timestamp
from coord.vocabulary import ORGANISER
from services.support import domain, reports
from services.support.models import (
    CORRECTIONS, PARTIES, Agreement, Meeting, RefundDue, Settlement, SupportRequest, TravelCharge,
)
from coord.money import money_from_event


# Meetings, as registration announces them

def record_registration_event(uow, envelope):
    """Keep a copy of each scheduled (or corrected) meeting, so agreements can name only
    real meetings."""
    if envelope["type"] not in ("meeting_scheduled", "meeting_updated"):
        return
    keep_meeting(uow, envelope)


def keep_meeting(uow, envelope):
    """Store a meeting as its event (or registration's RPC answer, coord.rpc) names it."""
    data = envelope["data"]
    meeting = uow.session.get(Meeting, envelope["subject"]["id"])
    if meeting is None:
        meeting = Meeting(id=envelope["subject"]["id"], learned_at=utcnow())
        uow.session.add(meeting)
    meeting.code, meeting.title = data["code"], data.get("title") or data["code"]


def meeting_known(uow, meeting_id):
    return uow.session.get(Meeting, meeting_id) is not None


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
    domain.check_no_overlap(_live_agreements(uow, meeting.id, data["category"]),
                            provider=data["provider"], category=data["category"],
                            regions=data["regions"])
    agreement = Agreement(id=str(uuid.uuid4()), recorded_by=caller, created_at=utcnow(),
                          status=domain.initial_agreement_status(data["basis"]), **data)
    uow.session.add(agreement)
    uow.session.flush()
    _becomes_party(uow, "agreement", agreement)
    uow.emit(_agreement_event("agreement_recorded", agreement, caller, meeting))
    return agreement


def _live_agreements(uow, meeting_id, category):
    """The meeting's agreements for `category` that a provider has not declined."""
    return uow.session.scalars(select(Agreement).where(
        Agreement.meeting_id == meeting_id, Agreement.category == category,
        Agreement.status != domain.AGREEMENT_DECLINED)).all()


def acknowledge_agreement(uow, caller, agreement_id):
    return _answer_agreement(uow, caller, agreement_id, "acknowledge")


def decline_agreement(uow, caller, agreement_id, reason):
    """The provider will not do this work: the agreement routes nothing any more (travel
    sends its cases back to mc) and leaves room for another provider's."""
    return _answer_agreement(uow, caller, agreement_id, "decline", decline_reason=reason)


def _answer_agreement(uow, caller, agreement_id, action, **changes):
    agreement = _get(uow, Agreement, agreement_id, "agreement", lock=True)
    require(caller, agreement.provider, action=f"{action} {agreement.provider}'s agreement")
    agreement.status = domain.next_agreement_status(agreement.status, action)
    agreement.answered_at = utcnow()
    for name, value in changes.items():
        setattr(agreement, name, value)
    uow.session.flush()
    uow.emit(_agreement_event(f"agreement_{agreement.status}", agreement, caller,
                              uow.session.get(Meeting, agreement.meeting_id)))
    return agreement


def _agreement_event(event_type, agreement, caller, meeting, **extra):
    wait = domain.agreement_waiting(agreement.status, agreement.provider)
    return Event(
        event_type, "agreement", agreement.id, actor=caller, owner=waiting.owner_of(wait),
        meeting_id=meeting.id,
        data={"provider": agreement.provider, "category": agreement.category,
              "basis": agreement.basis, "regions": agreement.regions,
              "status": agreement.status, "reason": agreement.decline_reason,
              "meeting_code": meeting.code, "waiting": waiting.as_data(wait), **extra})


AGREEMENT_CORRECTABLE = ("regions", "basis")


def correct_agreement(uow, caller, agreement_id, changes, if_match):
    """Correct the regions or basis of an agreement not declined (`agreement_updated`):
    travel re-routes the open cases it covered or now covers."""
    agreement = _get(uow, Agreement, agreement_id, "agreement", lock=True)
    corrections.check_if_match(if_match, agreement.version, "agreement")
    corrections.check_correctable(changes, AGREEMENT_CORRECTABLE, "agreement")
    if agreement.status == domain.AGREEMENT_DECLINED:
        raise Conflict("The provider declined this agreement; record a new one instead.",
                       code="not_correctable")
    meeting = _meeting_named_in_body(uow, agreement.meeting_id, lock=True)
    regions, basis = changes.get("regions", agreement.regions), changes.get("basis",
                                                                           agreement.basis)
    domain.check_parties(agreement.provider, basis)
    domain.check_regions(regions)
    domain.check_no_overlap(
        [a for a in _live_agreements(uow, meeting.id, agreement.category) if a.id != agreement.id],
        provider=agreement.provider, category=agreement.category, regions=regions)
    changed = corrections.apply(agreement, changes)
    if changed:
        corrections.record(uow.session, CORRECTIONS, "agreement", agreement, caller, changed)
        uow.emit(_agreement_event("agreement_updated", agreement, caller, meeting,
                                  changes=changed))
    return agreement


def agreement_history(uow, caller, agreement_id, query):
    get_agreement(uow, caller, agreement_id)
    return corrections.history(uow.session, CORRECTIONS, "agreement", agreement_id, query)


def get_agreement(uow, caller, agreement_id):
    return _readable(uow, caller, Agreement, agreement_id, "agreement")


def list_agreements(uow, caller, query):
    """Oldest first; `owner`: those waiting on that organisation's answer."""
    extra = []
    if query.get("owner"):
        extra.append(and_(Agreement.provider == query["owner"],
                          Agreement.status == domain.RECORDED))
    return _page_by_creation(uow, caller, Agreement, query,
                             ("meeting_id", "provider", "category"), extra)


# Support requests

def request_support(uow, caller, data):
    meeting = _meeting_named_in_body(uow, data["meeting_id"])
    agreements = [a for a in _live_agreements(uow, meeting.id, data["category"])
                  if a.provider == data["provider"]]
    agreement = domain.choose_agreement(agreements, provider=data["provider"],
                                        category=data["category"], region=data["region"])
    now = utcnow()
    support_request = SupportRequest(
        id=str(uuid.uuid4()), agreement_id=agreement.id, basis=agreement.basis,
        status=domain.REQUESTED, requested_by=caller, created_at=now, updated_at=now, **data)
    uow.session.add(support_request)
    uow.session.flush()
    _becomes_party(uow, "support_request", support_request)
    uow.emit(_support_event(support_request, caller, meeting))
    return support_request


def get_support_request(uow, caller, request_id):
    return _readable(uow, caller, SupportRequest, request_id, "support_request")


def list_support_requests(uow, caller, query):
    """Oldest first, so a partner's queue reads in the order the work arrived; `owner`
    keeps those waiting on that organisation now (`domain.next_owner` as SQL)."""
    extra = []
    if query.get("owner"):
        owner, provider = query["owner"], SupportRequest.provider == query["owner"]
        extra.append(or_(
            and_(provider, SupportRequest.status.in_((domain.REQUESTED, domain.ACCEPTED))),
            and_(provider, SupportRequest.status == domain.DELIVERED,
                 SupportRequest.basis == domain.REIMBURSEMENT),
            and_(SupportRequest.status == domain.INVOICED, owner == ORGANISER)))
    return _page_by_creation(uow, caller, SupportRequest, query,
                             ("provider", "status", "meeting_id", "category"), extra)


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
    wait = domain.request_waiting(support_request.status, provider=support_request.provider,
                                  basis=support_request.basis)
    data["waiting"] = waiting.as_data(wait)
    return Event(f"support_{support_request.status}", "support_request", support_request.id,
                 actor=caller, owner=waiting.owner_of(wait),
                 meeting_id=support_request.meeting_id, data=data)


# Travel work, as the travel service reports it

def record_travel_event(uow, envelope):
    """Count a ticket or DSA payment once, on the basis our own agreements give it; note
    cancelled cases whose fare should be refunded."""
    kind = envelope["type"]
    if kind not in domain.TRAVEL_CHARGES and kind not in (
            "travel_case_cancelled", "refund_recorded"):
        return
    if kind == "travel_case_cancelled":
        _record_cancellation(uow, envelope)
    elif kind == "refund_recorded":
        _record_refund(uow, envelope)
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
    if envelope["data"].get("refund_due") and not uow.session.get(
            RefundDue, envelope["subject"]["id"]):
        uow.session.add(RefundDue(
            travel_case_id=envelope["subject"]["id"], meeting_id=envelope["meeting_id"],
            cancelled_at=datetime.fromisoformat(envelope["occurred_at"])))


def _record_refund(uow, envelope):
    """The carrier returned (part of) a cancelled ticket's fare to the travel owner: that
    much is no longer owed to it. It may arrive before the cancellation it follows."""
    amount = money_from_event(envelope["data"].get("amount"), "amount")
    refund = uow.session.get(RefundDue, envelope["subject"]["id"])
    if refund is None:
        refund = RefundDue(travel_case_id=envelope["subject"]["id"],
                           meeting_id=envelope["meeting_id"],
                           cancelled_at=datetime.fromisoformat(envelope["occurred_at"]))
        uow.session.add(refund)
    refund.refund_amount = amount.amount
    refund.refunded_at = datetime.fromisoformat(envelope["occurred_at"])


# Settlements

def record_settlement(uow, caller, data):
    """The organiser paid a provider for a meeting: it pays down what is owed under
    reimbursement, oldest first; invoices it pays off in full are settled
    (`support_settled`). More than is outstanding is a 409."""
    meeting = _meeting_named_in_body(uow, data["meeting_id"], lock=True)
    amount = data["amount"]
    outstanding = _totals(uow, meeting.id, data["provider"], amount.currency).outstanding
    domain.check_settlement(amount.amount, amount.currency, outstanding)
    settlement = Settlement(
        id=str(uuid.uuid4()), meeting_id=meeting.id, provider=data["provider"],
        amount=amount.amount, currency=amount.currency, reference=data["reference"],
        recorded_by=caller, recorded_at=utcnow())
    uow.session.add(settlement)
    uow.session.flush()
    _becomes_party(uow, "settlement", settlement)
    uow.emit(Event("settlement_recorded", "settlement", settlement.id, actor=caller,
                   meeting_id=meeting.id, data={
                       "provider": settlement.provider, "amount": settlement.money.as_json(),
                       "reference": settlement.reference, "meeting_code": meeting.code,
                       "outstanding": str(outstanding - amount.amount), "waiting": None}))
    for request in _invoices_paid_off(uow, meeting.id, settlement):
        request.settlement_id = settlement.id
        _advance(uow, caller, request.id, "settle", settled_at=settlement.recorded_at)
    return settlement


def _totals(uow, meeting_id, provider, currency):
    """The provider's reimbursement totals in `currency` at the meeting, as the ledger
    shows them."""
    line = next((line for line in _ledger_lines(uow, meeting_id)
                 if (line.provider, line.basis) == (provider, domain.REIMBURSEMENT)), None)
    return (line.totals(currency) if line else
            domain.CurrencyTotals(reimbursable=True))


def _invoices_paid_off(uow, meeting_id, settlement):
    """Invoiced requests that the provider's settlements now cover, oldest owed first."""
    def of_provider(model, *conditions):
        return uow.session.scalars(select(model).where(
            model.meeting_id == meeting_id, model.provider == settlement.provider,
            *conditions)).all()

    refunds = {r.travel_case_id: r for r in uow.session.scalars(
        select(RefundDue).where(RefundDue.meeting_id == meeting_id))}
    owed = [(charge.occurred_at, charge.amount - _refunded(refunds, charge), None)
            for charge in of_provider(TravelCharge, TravelCharge.basis == domain.REIMBURSEMENT,
                                      TravelCharge.currency == settlement.currency)]
    owed += [(request.invoiced_at, request.invoice_amount, request)
             for request in of_provider(SupportRequest,
                                        SupportRequest.invoice_currency == settlement.currency,
                                        or_(SupportRequest.status == domain.INVOICED,
                                            SupportRequest.settlement_id.is_not(None)))]
    paid = sum((s.amount for s in of_provider(Settlement,
                                              Settlement.currency == settlement.currency)),
               Decimal(0))
    return [request for request in domain.settled_invoices(owed, paid)
            if request.status == domain.INVOICED]


def _refunded(refunds, charge):
    refund = refunds.get(charge.travel_case_id) if charge.kind == domain.TICKET else None
    return refund.refund_amount if refund and refund.refund_amount is not None else 0


def list_settlements(uow, caller, query):
    return _page_by_creation(uow, caller, Settlement, query, ("meeting_id", "provider"),
                             created=Settlement.recorded_at)


# The ledger

def ledger(uow, caller, meeting_id):
    """The meeting's ledger; a provider reads its own lines only (coord.scope)."""
    meeting = uow.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"No meeting with id {meeting_id} is known to support.")
    lines = [line for line in _ledger_lines(uow, meeting_id)
             if scope.reads_everything(caller) or line.provider == caller]
    return reports.ledger_document(meeting, lines)


def _ledger_lines(uow, meeting_id):
    def of_meeting(model):
        return uow.session.scalars(select(model).where(model.meeting_id == meeting_id)).all()

    return domain.build_ledger(
        of_meeting(Agreement), of_meeting(SupportRequest), of_meeting(TravelCharge),
        {refund.travel_case_id: refund for refund in of_meeting(RefundDue)},
        of_meeting(Settlement))


# Shared helpers

SUBJECT_TYPES = {Agreement: "agreement", SupportRequest: "support_request",
                 Settlement: "settlement"}


def _get(uow, model, id_, name, lock=False):
    found = (uow.locked if lock else uow.session.get)(model, id_)
    if found is None:
        raise NotFound(f"No {name} with id {id_}.")
    return found


def _becomes_party(uow, subject_type, subject):
    """Its provider reads it from now on (coord.scope)."""
    scope.become_parties(uow.session, PARTIES, subject_type, subject.id, subject.provider)


def _readable(uow, caller, model, id_, subject_type):
    return scope.readable(uow.session, PARTIES, caller, subject_type,
                          uow.session.get(model, id_),
                          f"No {subject_type.replace('_', ' ')} with id {id_}.")


def _page_by_creation(uow, caller, model, query, filters, conditions=(), created=None):
    """A page of the `model` rows `caller` may read, oldest first, filtered by equality on
    `filters` and by `conditions`; `created`: the column that orders them (default
    created_at)."""
    created = model.created_at if created is None else created
    statement = scope.scoped(select(model).where(*conditions), caller, PARTIES,
                             SUBJECT_TYPES[model], model.id)
    for column in filters:
        if query.get(column):
            statement = statement.where(getattr(model, column) == query[column])
    rows = uow.session.scalars(keyset_slice(
        statement, query, created, model.id, utc_timestamp)).all()
    return page(rows, query["limit"],
                lambda row: [getattr(row, created.key).isoformat(), row.id])


