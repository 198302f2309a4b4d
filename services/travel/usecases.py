"""Travel's service layer: each function is one request's or one event's work in one unit
of work. Entrypoints call these; tests can too, with a unit of work on a scratch database.

Events arrive at least once and in any order, so every handler stores what it learns and
completes what was waiting on it, rather than refusing (which would only retry):
- a confirmation before its meeting opens the case with its entitlement pending, fixed
  when `meeting_scheduled` arrives;
- a confirmation before its agreement opens the case routed to `mc`, re-routed when the
  agreement arrives (`travel_case_rerouted`);
- a case whose city has no DSA rate is flagged (`dsa_rate_missing`), and its entitlement
  is fixed when the secretariat sets the rate (`dsa_entitlement_fixed`).
"""
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from marshmallow import ValidationError
from sqlalchemy import and_, not_, or_, select

from coord import scope, waiting
from coord.db import utcnow
from coord.envelope import Event
from coord.errors import Conflict, Forbidden, NotFound
from coord.http import cursor_position, keyset_slice, page, utc_timestamp
from coord.vocabulary import ORGANISER
from services.travel import domain
from services.travel.models import (
    PARTIES, Agreement, DsaPayment, DsaRate, Meeting, Ticket, TravelCase, Withdrawal,
)
from services.travel.schemas import AgreementData, MeetingScheduledData, RegistrationData

log = logging.getLogger(__name__)


class MalformedEventData(Exception):
    """An event's `data` lacks what travel needs; retried, then dead-lettered."""


def _load(schema, envelope):
    try:
        return schema().load(envelope["data"])
    except ValidationError as exc:
        raise MalformedEventData(f"{envelope['type']} {envelope['event_id']}: "
                                 f"{exc.messages}") from exc


# Events in.

def handle_registration_event(uow, envelope, today):
    handlers = {"meeting_scheduled": meeting_scheduled,
                "meeting_updated": meeting_updated,
                "registration_confirmed": registration_confirmed,
                "registration_withdrawn": registration_withdrawn}
    _handle(uow, envelope, handlers, today)


def handle_support_event(uow, envelope, today):
    _handle(uow, envelope, {"agreement_recorded": agreement_recorded,
                            "agreement_updated": agreement_recorded,
                            "agreement_declined": agreement_declined}, today)


def _handle(uow, envelope, handlers, today):
    handler = handlers.get(envelope["type"])
    if handler is not None:
        handler(uow, envelope, today)


def meeting_scheduled(uow, envelope, today):
    """Keep the meeting's dates and city; fix the entitlements that were waiting for them."""
    meeting = _keep_meeting(uow, envelope)
    pending = uow.session.scalars(select(TravelCase).where(
        TravelCase.meeting_id == meeting.id, TravelCase.entitlement_amount.is_(None),
        TravelCase.status != domain.CANCELLED)).all()
    for case in pending:
        _settle_entitlement(uow, case, meeting, actor=ORGANISER, today=today)


def meeting_updated(uow, envelope, today):
    """A corrected meeting: new dates or city recompute the entitlement of every case
    whose DSA is not paid yet, and move its ticket deadline (`travel_case_updated`)."""
    meeting = _keep_meeting(uow, envelope)
    cases = uow.session.scalars(select(TravelCase).where(
        TravelCase.meeting_id == meeting.id,
        TravelCase.status.in_(domain.AWAITING_DSA + (domain.DSA_PAID,)))).all()
    for case in cases:
        if case.status in domain.AWAITING_DSA:
            case.dsa_rate_missing = False
            _apply_rate(uow, case, meeting)
        case.updated_at = utcnow()
        _emit_case(uow, "travel_case_updated", case, actor=envelope["actor"],
                   today=today, meeting=meeting)


def _keep_meeting(uow, envelope):
    data = _load(MeetingScheduledData, envelope)
    meeting = _locked_meeting(uow, envelope["subject"]["id"])
    meeting.code, meeting.city, meeting.city_key = (
        data["code"], data["city"], domain.city_key(data["city"]))
    meeting.starts_on, meeting.ends_on = data["starts_on"], data["ends_on"]
    return meeting


def registration_confirmed(uow, envelope, today):
    """Open the case of a funded confirmation, once per registration."""
    data = _load(RegistrationData, envelope)
    if not data["funded"]:
        return
    meeting = _locked_meeting(uow, _meeting_id(envelope), code=data["meeting_code"])
    registration_id = envelope["subject"]["id"]
    if _case_of_registration(uow, meeting, registration_id) or _withdrawn(
            uow, meeting, registration_id):
        return
    agreements = _agreements(uow, meeting.id)
    now = utcnow()
    case = TravelCase(
        id=str(uuid.uuid4()), registration_id=registration_id, meeting_id=meeting.id,
        meeting_code=data["meeting_code"], given_name=data["given_name"],
        family_name=data["family_name"], country=data["country"], region=data["region"],
        status=domain.OPEN, dsa_rate_missing=False, refund_due=False,
        opened_at=now, updated_at=now)
    case.travel_route = domain.route(domain.TRAVEL, case.region, agreements)
    case.dsa_route = domain.route(domain.DSA_PAYMENT, case.region, agreements)
    if meeting.scheduled:
        _apply_rate(uow, case, meeting)
    uow.session.add(case)
    _registrations(uow, meeting, registration_id).cases[registration_id] = case
    _emit_case(uow, "travel_case_opened", case, actor=ORGANISER, today=today,
               meeting=meeting)
    if case.dsa_rate_missing:
        _emit_rate_missing(uow, case, meeting, actor=ORGANISER, today=today)


def registration_withdrawn(uow, envelope, today):
    """Cancel the case; a ticket already issued is to be refunded. Whether the withdrawal
    still says `funded` does not matter: a case, if any, is cancelled; without one, the
    withdrawal is remembered so that a confirmation arriving late opens none."""
    data = _load(RegistrationData, envelope)
    meeting = _locked_meeting(uow, _meeting_id(envelope), code=data["meeting_code"])
    registration_id = envelope["subject"]["id"]
    case = _case_of_registration(uow, meeting, registration_id)
    if case is None:
        if not _withdrawn(uow, meeting, registration_id):
            uow.session.add(Withdrawal(registration_id=registration_id, withdrawn_at=utcnow()))
            _registrations(uow, meeting, registration_id).withdrawn.add(registration_id)
        return
    if case.status == domain.CANCELLED:
        return
    case.status, case.refund_due, case.updated_at = (
        domain.CANCELLED, case.ticket is not None, utcnow())
    _emit_case(uow, "travel_case_cancelled", case, actor=ORGANISER, today=today,
               meeting=meeting, refund_due=case.refund_due)


def agreement_recorded(uow, envelope, today):
    """Keep a travel or DSA-payment agreement (as recorded, or as corrected) and
    re-route the meeting's open work."""
    data = _load(AgreementData, envelope)
    if data["category"] not in domain.ROUTED_CATEGORIES:
        return
    meeting = _locked_meeting(uow, _meeting_id(envelope))
    agreement = uow.session.get(Agreement, envelope["subject"]["id"])
    if agreement is None:
        agreement = Agreement(
            id=envelope["subject"]["id"], meeting_id=meeting.id, provider=data["provider"],
            category=data["category"],
            recorded_at=datetime.fromisoformat(envelope["occurred_at"]))
        uow.session.add(agreement)
    elif envelope["type"] == "agreement_recorded":
        return  # a redelivery, or overtaken by its correction: what we hold is newer
    agreement.basis, agreement.regions = data["basis"], data["regions"]
    uow.session.flush()
    _reroute_meeting(uow, meeting, today)


def agreement_declined(uow, envelope, today):
    """A provider declined the agreement: it routes nothing any more, so its open work
    goes back to whoever else applies (`mc` where nobody does)."""
    agreement = uow.session.get(Agreement, envelope["subject"]["id"])
    if agreement is None:
        return
    meeting = _locked_meeting(uow, agreement.meeting_id)
    uow.session.delete(agreement)
    uow.session.flush()
    _reroute_meeting(uow, meeting, today)


def _reroute_meeting(uow, meeting, today):
    _once_a_unit_of_work(uow, "agreements").pop(meeting.id, None)  # they just changed
    agreements = _agreements(uow, meeting.id)
    cases = uow.session.scalars(select(TravelCase).where(
        TravelCase.meeting_id == meeting.id, TravelCase.status != domain.CANCELLED)).all()
    for case in cases:
        _reroute(uow, case, agreements, meeting, today)


def _reroute(uow, case, agreements, meeting, today):
    change = domain.reroute(
        case.status, case.travel_route, case.dsa_route,
        domain.route(domain.TRAVEL, case.region, agreements),
        domain.route(domain.DSA_PAYMENT, case.region, agreements))
    if not change:
        return
    previous_travel_owner, previous_dsa_owner = case.travel_owner, case.dsa_owner
    if change.travel:
        case.travel_route = change.travel
    if change.dsa:
        case.dsa_route = change.dsa
    case.updated_at = utcnow()
    _emit_case(uow, "travel_case_rerouted", case, actor=ORGANISER, today=today,
               meeting=meeting, previous_travel_owner=previous_travel_owner,
               previous_dsa_owner=previous_dsa_owner)


def _meeting_id(envelope):
    if not envelope.get("meeting_id"):
        raise MalformedEventData(f"{envelope['type']} {envelope['event_id']} names no meeting")
    return envelope["meeting_id"]


def _once_a_unit_of_work(uow, kind):
    """A dict of reads kept for the rest of this unit of work, so a batch of a meeting's
    events locks and reads the meeting, its agreements and its rate once, not once an
    event. A locked meeting cannot change under the lock; agreements change only in this
    service's own handlers (which forget them); a rate recorded meanwhile by another
    transaction is not seen until the next one, the same as if the batch had read it
    first (`settle_rates_recorded_meanwhile` catches up either way)."""
    return uow.session.info.setdefault(kind, {})


def _locked_meeting(uow, meeting_id, code=None):
    """The meeting's row, created if travel has not heard of it yet, and locked so that
    handlers of one meeting's events run one after the other (on PostgreSQL; SQLite
    runs every unit of work one at a time anyway). Read once a unit of work: the lock holds
    until it ends, so a batch of the meeting's events does not read it again."""
    locked = _once_a_unit_of_work(uow, "locked_meetings")
    meeting = locked.get(meeting_id)
    if meeting is None:
        meeting = uow.session.scalar(
            select(Meeting).where(Meeting.id == meeting_id).with_for_update(of=Meeting))
    if meeting is None:
        meeting = Meeting(id=meeting_id, code=code)
        uow.session.add(meeting)
        uow.session.flush()  # in the table before any case that names it
    locked[meeting_id] = meeting
    if meeting.code is None:
        meeting.code = code
    return meeting


def _agreements(uow, meeting_id):
    kept = _once_a_unit_of_work(uow, "agreements")
    if meeting_id not in kept:
        kept[meeting_id] = uow.session.scalars(
            select(Agreement).where(Agreement.meeting_id == meeting_id)).all()
    return kept[meeting_id]


def _case_of_registration(uow, meeting, registration_id):
    """The registration's case, locked: a withdrawal may cancel it while its travel owner
    issues the ticket."""
    return _registrations(uow, meeting, registration_id).cases.get(registration_id)


def _withdrawn(uow, meeting, registration_id):
    """Whether the registration was withdrawn before any case opened for it."""
    return registration_id in _registrations(uow, meeting, registration_id).withdrawn


@dataclass
class _Registrations:
    """What travel holds on the registrations of this unit of work's events: their cases
    (locked) and withdrawals. Read at the first event of a meeting that asks, for all the
    batch's events of that meeting, in two statements where each event took two of its
    own; the handlers add what they record. Only under the meeting's lock
    (`_locked_meeting`, taken first): a case or withdrawal of another meeting's
    registration may still be on its way in a transaction that holds that lock."""
    read: set = field(default_factory=set)
    cases: dict = field(default_factory=dict)
    withdrawn: set = field(default_factory=set)


def _registrations(uow, meeting, registration_id):
    known = uow.session.info.setdefault("registrations", _Registrations())
    if registration_id not in known.read:
        ids = sorted({registration_id} | {
            envelope["subject"]["id"] for envelope in uow.deliveries
            if envelope["subject"]["kind"] == "registration"
            and envelope.get("meeting_id") == meeting.id} - known.read)
        known.cases.update((case.registration_id, case) for case in uow.session.scalars(
            select(TravelCase).where(TravelCase.registration_id.in_(ids))
            .order_by(TravelCase.registration_id)
            .with_for_update(of=TravelCase).execution_options(populate_existing=True)))
        known.withdrawn.update(uow.session.scalars(
            select(Withdrawal.registration_id).where(Withdrawal.registration_id.in_(ids))))
        known.read.update(ids)
    return known


# The DSA entitlement.

def _apply_rate(uow, case, meeting):
    """Fix the entitlement from the rate valid on the meeting's opening day, or flag the
    case when there is none. Returns True when the entitlement was fixed."""
    kept, key = _once_a_unit_of_work(uow, "dsa_rates"), (meeting.city_key, meeting.starts_on)
    if key not in kept:
        kept[key] = uow.session.scalar(
            select(DsaRate).where(DsaRate.city_key == meeting.city_key,
                                  DsaRate.valid_from <= meeting.starts_on)
            .order_by(DsaRate.valid_from.desc()).limit(1))
    rate = kept[key]
    if rate is None:
        case.dsa_rate_missing = True
        return False
    case.owed = domain.entitlement(rate, meeting.starts_on, meeting.ends_on)
    return True


def _settle_entitlement(uow, case, meeting, actor, today):
    """For a case opened earlier: fix its entitlement now (`dsa_entitlement_fixed`), or
    say once that its rate is missing (`dsa_rate_missing`)."""
    was_flagged = case.dsa_rate_missing
    fixed = _apply_rate(uow, case, meeting)
    case.updated_at = utcnow()
    if fixed:
        _emit_case(uow, "dsa_entitlement_fixed", case, actor=actor, today=today,
                   meeting=meeting)
    elif not was_flagged:
        _emit_rate_missing(uow, case, meeting, actor=actor, today=today)


def set_dsa_rate(uow, caller, city, body, today):
    """Record a city's rate from a date (replacing one set for the same date), then fix
    the entitlements that were waiting for a rate in that city."""
    city = domain.check_city(city)
    key = domain.city_key(city)
    rate = uow.session.scalar(select(DsaRate).where(
        DsaRate.city_key == key, DsaRate.valid_from == body["valid_from"]))
    if rate is None:
        rate = DsaRate(id=str(uuid.uuid4()), city_key=key, valid_from=body["valid_from"])
        uow.session.add(rate)
    rate.city, rate.daily_amount, rate.currency = (
        city, body["daily"]["amount"], body["daily"]["currency"])
    rate.travel_days, rate.set_by, rate.set_at = body["travel_days"], caller, utcnow()
    uow.session.flush()
    flagged = uow.session.execute(
        _flagged_cases(TravelCase, Meeting).where(Meeting.city_key == key)).all()
    for case, meeting in flagged:
        _settle_entitlement(uow, case, meeting, actor=caller, today=today)
    return rate


def settle_rates_recorded_meanwhile(unit_of_work, today):
    """The frequent check: fix the entitlement of each case still flagged
    `dsa_rate_missing` though its city has a rate for its meeting by now. Returns how
    many were fixed.

    `set_dsa_rate` fixes the flagged cases it can see, but on PostgreSQL a case opened
    (or a meeting moved to the city) while the rate was being recorded read "no rate"
    before the rate's commit, and committed its flag after the rate looked for flagged
    cases: without this check it would wait for the next rate of its city. Locking the
    city's meetings or cases in `set_dsa_rate` would close the window but deadlock with a
    consumer's batch that holds a meeting and waits on a case, so the window is closed
    after the fact, each case under its own lock."""
    with unit_of_work() as uow:
        rate_exists = select(DsaRate.id).where(
            DsaRate.city_key == Meeting.city_key,
            DsaRate.valid_from <= Meeting.starts_on).exists()
        late = uow.session.scalars(_flagged_cases(TravelCase.id).where(rate_exists)).all()
    fixed = 0
    for case_id in late:
        with unit_of_work() as uow:
            case = _case(uow, case_id, lock=True)
            if not case.dsa_rate_missing or case.status == domain.CANCELLED:
                continue  # settled or cancelled since it was read
            meeting = uow.session.get(Meeting, case.meeting_id)
            _settle_entitlement(uow, case, meeting, actor=ORGANISER, today=today)
            fixed += not case.dsa_rate_missing
    if fixed:
        log.info("fixed %s entitlements whose city's DSA rate was recorded while their case "
                 "opened", fixed)
    return fixed


def _flagged_cases(*columns):
    """Cases waiting for their city's rate, with the meeting joined for its city."""
    return (select(*columns).join(Meeting, Meeting.id == TravelCase.meeting_id)
            .where(TravelCase.dsa_rate_missing.is_(True),
                   TravelCase.status != domain.CANCELLED))


def list_dsa_rates(uow, query):
    """Rates by city, newest first within a city: the current one and its history."""
    statement = select(DsaRate).order_by(DsaRate.city_key, DsaRate.valid_from.desc())
    if query.get("city"):
        statement = statement.where(DsaRate.city_key == domain.city_key(query["city"]))
    position = cursor_position(query["cursor"], str, date.fromisoformat)
    if position:
        last_city, last_valid_from = position
        statement = statement.where(
            (DsaRate.city_key > last_city) |
            ((DsaRate.city_key == last_city) & (DsaRate.valid_from < last_valid_from)))
    rates = uow.session.scalars(statement.limit(query["limit"] + 1)).all()
    return page(rates, query["limit"], lambda r: [r.city_key, r.valid_from.isoformat()])


# Work on a case.

def issue_ticket(uow, caller, case_id, body, today):
    case = _case(uow, case_id, lock=True)
    _require_owner(caller, case.travel_owner, "issue its ticket")
    new_status = domain.status_after_ticket(case.status)
    meeting = uow.session.get(Meeting, case.meeting_id)
    if not meeting.scheduled:
        raise Conflict("The meeting's dates are not known here yet; try again shortly.",
                       code="meeting_unknown")
    domain.check_ticket_dates(body["outbound_on"], body["return_on"],
                              meeting.starts_on, meeting.ends_on)
    now = utcnow()
    case.ticket = Ticket(
        id=str(uuid.uuid4()), carrier=body["carrier"], ticket_number=body["ticket_number"],
        fare_amount=body["fare"]["amount"], fare_currency=body["fare"]["currency"],
        outbound_on=body["outbound_on"], return_on=body["return_on"],
        issued_by=caller, issued_at=now)
    case.status, case.updated_at = new_status, now
    uow.session.flush()
    _emit_case(uow, "ticket_issued", case, actor=caller, today=today, meeting=meeting,
               **_jsonable({"carrier": body["carrier"], "ticket_number": body["ticket_number"],
                            "fare": case.ticket.fare, "outbound_on": body["outbound_on"],
                            "return_on": body["return_on"]}))
    return CaseOnDay(case, meeting, today)


def pay_dsa(uow, caller, case_id, body, today):
    case = _case(uow, case_id, lock=True)
    _require_owner(caller, case.dsa_owner, "pay its DSA")
    new_status = domain.status_after_dsa_payment(case.status)
    amount = body["amount"]
    domain.check_dsa_payment(amount["amount"], amount["currency"], case.owed, body["reason"])
    now = utcnow()
    case.dsa_payment = DsaPayment(
        id=str(uuid.uuid4()), amount_value=amount["amount"], currency=amount["currency"],
        paid_on=body["paid_on"], reason=body["reason"], paid_by=caller, recorded_at=now)
    case.status, case.updated_at = new_status, now
    uow.session.flush()
    meeting = uow.session.get(Meeting, case.meeting_id)
    _emit_case(uow, "dsa_paid", case, actor=caller, today=today, meeting=meeting,
               **_jsonable({"amount": case.dsa_payment.amount,
                            "paid_on": body["paid_on"], "reason": body["reason"]}))
    return CaseOnDay(case, meeting, today)


def record_refund(uow, caller, case_id, body, today):
    """What the carrier returned for the ticket of a cancelled case: the last piece of
    work on it. Support moves the fare from pending refunds to refunded."""
    case = _case(uow, case_id, lock=True)
    _require_owner(caller, case.travel_owner, "record its ticket refund")
    ticket, amount = case.ticket, body["amount"]
    domain.check_refund(case.status, case.refund_due,
                        ticket.fare_amount if ticket else None,
                        ticket.fare_currency if ticket else None,
                        amount["amount"], amount["currency"])
    now = utcnow()
    ticket.refund_amount, ticket.refund_received_on = amount["amount"], body["received_on"]
    ticket.refund_recorded_by, ticket.refund_recorded_at = caller, now
    case.refund_due, case.updated_at = False, now
    uow.session.flush()
    meeting = uow.session.get(Meeting, case.meeting_id)
    _emit_case(uow, "refund_recorded", case, actor=caller, today=today, meeting=meeting,
               **_jsonable({"amount": ticket.refund["amount"], "fare": ticket.fare,
                            "received_on": body["received_on"]}))
    return CaseOnDay(case, meeting, today)


def notice_overdue_cases(unit_of_work, today):
    """The daily check: say once of each case whose ticket has become late that it is
    (`travel_case_overdue`, waiting on its travel owner). Returns how many were told.
    A case that moves on (ticketed, cancelled, new meeting dates) says so in its own
    event, which clears or restates the lateness."""
    with unit_of_work() as uow:
        late = uow.session.scalars(
            select(TravelCase.id).join(Meeting, Meeting.id == TravelCase.meeting_id)
            .where(TravelCase.status.in_(domain.AWAITING_TICKET),
                   TravelCase.overdue_stated.is_(False),
                   Meeting.starts_on < domain.overdue_if_starting_before(today))).all()
    told = 0
    for case_id in late:
        with unit_of_work() as uow:
            case = _case(uow, case_id, lock=True)
            meeting = uow.session.get(Meeting, case.meeting_id)
            if case.overdue_stated or not domain.is_overdue(
                    case.status, meeting.starts_on, today):
                continue
            uow.emit(_overdue_event(case, meeting, today))
            told += 1
    return told


def _require_owner(caller, owner, action):
    """Only the organisation the agreements gave this work to (or mc) may record it."""
    if caller not in (owner, ORGANISER):
        raise Forbidden(f"This work belongs to {owner}: only {owner} or {ORGANISER} may "
                        f"{action}; the token is {caller}'s.")


def _case(uow, case_id, *, lock=False):
    """`lock`: for a change, so that concurrent changes of one case decide one after the
    other on its current state (uow.locked)."""
    case = (uow.locked if lock else uow.session.get)(TravelCase, case_id)
    if case is None:
        raise NotFound(f"No travel case with id {case_id}.")
    return case


# Reading cases.

@dataclass(frozen=True)
class CaseOnDay:
    """A case as seen on a given day: what it stores, plus its ticket deadline and whether
    that deadline has passed (which depends on the day, so it is never stored)."""

    case: TravelCase
    meeting: Meeting | None
    today: date

    def __getattr__(self, name):
        return getattr(self.case, name)

    @property
    def ticket_due_on(self):
        return domain.ticket_due_on(self.meeting.starts_on if self.meeting else None)

    @property
    def overdue(self):
        return domain.is_overdue(self.case.status, self._starts_on, self.today)

    @property
    def waiting_for(self):
        wait = domain.waiting(self.case.status, self.case.travel_owner, self.case.dsa_owner,
                              self.case.refund_due, self._starts_on, self.today)
        return wait.action if wait else None

    @property
    def _starts_on(self):
        return self.meeting.starts_on if self.meeting else None


def get_case(uow, caller, case_id, today):
    case = scope.readable(uow.session, PARTIES, caller, "travel_case",
                          uow.session.get(TravelCase, case_id),
                          f"No travel case with id {case_id}.")
    return CaseOnDay(case, uow.session.get(Meeting, case.meeting_id), today)


def list_cases(uow, caller, query, today):
    """The cases `caller` may read, oldest first, filtered; `owner` keeps the cases where
    that organisation still has work to do, `overdue` those still without a ticket past
    their deadline."""
    statement = scope.scoped(
        select(TravelCase, Meeting).join(Meeting, Meeting.id == TravelCase.meeting_id,
                                         isouter=True),
        caller, PARTIES, "travel_case", TravelCase.id)
    for column in ("meeting_id", "registration_id", "region", "status"):
        if query.get(column):
            statement = statement.where(getattr(TravelCase, column) == query[column])
    if query.get("owner"):
        statement = statement.where(_awaits(query["owner"]))
    if query.get("overdue") is not None:
        overdue = and_(TravelCase.status.in_(domain.AWAITING_TICKET),
                       Meeting.starts_on < domain.overdue_if_starting_before(today))
        statement = statement.where(overdue if query["overdue"] else not_(overdue))
    rows = uow.session.execute(keyset_slice(
        statement, query, TravelCase.opened_at, TravelCase.id, utc_timestamp)).all()
    cases = [CaseOnDay(case, meeting, today) for case, meeting in rows]
    return page(cases, query["limit"], lambda c: [c.opened_at.isoformat(), c.id])


def _awaits(organisation):
    """`domain.next_owner(...) == organisation` as SQL: the ticket first, then the DSA,
    after a cancellation the refund."""
    return or_(
        and_(TravelCase.travel_owner == organisation,
             TravelCase.status.in_(domain.AWAITING_TICKET)),
        and_(TravelCase.dsa_owner == organisation, TravelCase.status == domain.TICKETED),
        and_(TravelCase.travel_owner == organisation, TravelCase.status == domain.CANCELLED,
             TravelCase.refund_due.is_(True)))


# Events out.

def _case_event(event_type, case, *, actor, today, meeting, **extra):
    """A travel event: the case fields of docs/events.md plus the type's own fields, and
    what the case now waits for (coord.waiting), which also gives its `owner`."""
    wait = domain.waiting(case.status, case.travel_owner, case.dsa_owner, case.refund_due,
                          meeting.starts_on if meeting else None, today)
    case.overdue_stated = bool(wait and wait.late)
    data = _jsonable({
        "registration_id": case.registration_id, "meeting_code": case.meeting_code,
        "given_name": case.given_name, "family_name": case.family_name,
        "country": case.country, "region": case.region,
        "travel_owner": case.travel_owner, "dsa_owner": case.dsa_owner,
        "travel_basis": case.travel_basis, "dsa_basis": case.dsa_basis,
        "travel_agreement_id": case.travel_agreement_id,
        "dsa_agreement_id": case.dsa_agreement_id,
        "entitlement": case.entitlement, "entitlement_basis": case.entitlement_basis,
        "dsa_rate_missing": case.dsa_rate_missing, "refund_due": case.refund_due,
        "status": case.status, "waiting": waiting.as_data(wait)})
    return Event(event_type, "travel_case", case.id, actor=actor, owner=waiting.owner_of(wait),
                 meeting_id=case.meeting_id, data={**data, **extra})


def _emit_case(uow, event_type, case, *, actor, today, meeting, **extra):
    """Emit a case's event; when the change makes its ticket late (the case opened, or
    its meeting was scheduled or moved, past the deadline), say so at once as well
    (`travel_case_overdue`), rather than at the next daily check."""
    was_late = case.overdue_stated
    # Whoever the case is routed to reads it from now on, and still after a re-routing.
    scope.become_parties(uow.session, PARTIES, "travel_case", case.id,
                         case.travel_owner, case.dsa_owner)
    uow.emit(_case_event(event_type, case, actor=actor, today=today, meeting=meeting, **extra))
    if case.overdue_stated and not was_late:
        uow.emit(_overdue_event(case, meeting, today))


def _overdue_event(case, meeting, today):
    return _case_event("travel_case_overdue", case, actor=ORGANISER, today=today,
                       meeting=meeting, ticket_due_on=_jsonable(
                           domain.ticket_due_on(meeting.starts_on)))


def _emit_rate_missing(uow, case, meeting, actor, today):
    _emit_case(uow, "dsa_rate_missing", case, actor=actor, today=today, meeting=meeting,
               city=meeting.city)


def _jsonable(value):
    """Decimals and dates as the strings the contract uses, inside dicts."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
