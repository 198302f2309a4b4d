"""Travel's service layer on a scratch database (no broker): events in any order and
any number of times, rates, tickets, payments and the work queues."""
import json
import logging
import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from coord.db import OUTBOX, UnitOfWork, make_engine
from coord.errors import Conflict, Forbidden, Invalid
from coord.events import handle_deliveries
from coord.http import encode_cursor
from services.travel import usecases
from services.travel.models import Base
from services.travel.schemas import (
    DsaPaymentCreateSchema, DsaRateSetSchema, RefundCreateSchema, TicketCreateSchema,
)
from tests.support import deliver
from tests.travel_support import (
    TICKET, agreement, confirmed, cop2_agreements, meeting_scheduled, withdrawn,
)

MEETING = "meeting-cop2"
TODAY = date(2018, 10, 1)


class Travel:
    """The travel service layer on its own database, driven as the entrypoints drive it."""

    def __init__(self, url):
        self.engine = make_engine(url)

    def uow(self):
        return UnitOfWork(self.engine, Base.metadata, "travel")

    def deliver(self, *envelopes):
        for envelope in envelopes:
            handle = (usecases.handle_support_event if envelope["producer"] == "support"
                      else usecases.handle_registration_event)
            deliver(self.uow, lambda uow, event: handle(uow, event, TODAY), envelope)

    def deliver_together(self, *envelopes):
        """Registration's `envelopes` as one batch of deliveries, one unit of work."""
        assert handle_deliveries(self.uow, lambda uow, event: usecases.handle_registration_event(
            uow, event, TODAY), list(envelopes)) == [None] * len(envelopes)

    def events(self, event_type=None):
        with self.engine.connect() as connection:
            rows = connection.execute(select(Base.metadata.tables[OUTBOX].c.payload)
                                      .order_by(Base.metadata.tables[OUTBOX].c.seq)).all()
        events = [json.loads(row.payload) for row in rows]
        return [e for e in events if event_type in (None, e["type"])]

    def cases(self, **query):
        with self.uow() as uow:
            return usecases.list_cases(uow, "mc", {"limit": 500, "cursor": None, **query}, TODAY)[
                "items"]

    def case_of(self, confirmation):
        (case,) = self.cases(registration_id=confirmation["subject"]["id"])
        return case

    def set_rate(self, city="Geneva", amount="400.00", valid_from="2018-01-01", **extra):
        body = DsaRateSetSchema().load({"daily": {"amount": amount, "currency": "CHF"},
                                        "valid_from": valid_from, **extra})
        with self.uow() as uow:
            return usecases.set_dsa_rate(uow, "mc", city, body, TODAY)

    def ticket(self, case, caller="brs", **overrides):
        body = TicketCreateSchema().load({**TICKET, **overrides})
        with self.uow() as uow:
            return usecases.issue_ticket(uow, caller, case.id, body, TODAY)

    def refund(self, case, caller="brs", amount="1000.00", currency="USD"):
        body = RefundCreateSchema().load({"amount": {"amount": amount, "currency": currency},
                                          "received_on": "2018-12-01"})
        with self.uow() as uow:
            return usecases.record_refund(uow, caller, case.id, body, TODAY)

    def pay(self, case, caller="brs", amount="2400.00", currency="CHF", reason=None):
        body = DsaPaymentCreateSchema().load({
            "amount": {"amount": amount, "currency": currency}, "paid_on": "2018-11-19",
            **({"reason": reason} if reason else {})})
        with self.uow() as uow:
            return usecases.pay_dsa(uow, caller, case.id, body, TODAY)


@pytest.fixture
def travel(tmp_path, sqlite_databases):
    return Travel(sqlite_databases.copy("travel", tmp_path))


def test_a_funded_confirmation_opens_one_routed_case_with_its_entitlement(travel):
    travel.set_rate()
    travel.deliver(meeting_scheduled(MEETING), *cop2_agreements(MEETING))
    grulac, weog = confirmed(MEETING, "grulac"), confirmed(MEETING, "weog")
    travel.deliver(grulac, weog, confirmed(MEETING, "africa", funded=False))

    case = travel.case_of(grulac)
    assert (case.travel_owner, case.travel_basis, case.dsa_owner, case.dsa_basis) == (
        "brs", "reimbursement", "brs", "reimbursement")
    assert case.entitlement == {"amount": Decimal("2400.00"), "currency": "CHF"}
    assert case.entitlement_basis == {
        "daily_rate": {"amount": Decimal("400.00"), "currency": "CHF"}, "meeting_days": 5,
        "travel_days": 1, "city": "Geneva", "valid_from": date(2018, 1, 1)}
    other = travel.case_of(weog)
    assert (other.travel_owner, other.travel_basis, other.dsa_owner, other.dsa_basis) == (
        "mc", "own", "chb", "reciprocity")
    assert len(travel.cases()) == 2

    opened = travel.events("travel_case_opened")
    assert [e["owner"] for e in opened] == ["brs", "mc"]
    assert opened[0]["data"]["entitlement"] == {"amount": "2400.00", "currency": "CHF"}
    assert opened[0]["data"]["travel_agreement_id"] == case.travel_agreement_id


def test_redelivered_and_repeated_events_open_no_extra_case(travel):
    confirmation = confirmed(MEETING)
    travel.deliver(confirmation, confirmation, meeting_scheduled(MEETING))
    travel.deliver({**confirmation, "event_id": "00000000-0000-0000-0000-000000000001"})
    assert len(travel.cases()) == 1
    assert len(travel.events("travel_case_opened")) == 1


def test_a_confirmation_before_its_meeting_is_completed_when_the_meeting_arrives(travel):
    travel.set_rate()
    confirmation = confirmed(MEETING)
    travel.deliver(confirmation)
    assert travel.case_of(confirmation).entitlement is None
    assert not travel.case_of(confirmation).dsa_rate_missing

    travel.deliver(meeting_scheduled(MEETING))
    assert travel.case_of(confirmation).entitlement["amount"] == Decimal("2400.00")
    (fixed,) = travel.events("dsa_entitlement_fixed")
    assert fixed["data"]["entitlement_basis"]["daily_rate"] == {"amount": "400.00",
                                                                 "currency": "CHF"}


def test_a_missing_rate_is_flagged_once_and_the_entitlement_fixed_when_it_is_set(travel):
    travel.set_rate(city="Geneva", valid_from="2019-01-01")  # too late for COP-2
    travel.deliver(meeting_scheduled(MEETING))
    confirmation = confirmed(MEETING)
    travel.deliver(confirmation)
    assert travel.case_of(confirmation).dsa_rate_missing
    (missing,) = travel.events("dsa_rate_missing")
    assert (missing["owner"], missing["data"]["city"]) == ("mc", "Geneva")

    travel.set_rate(city="Lima", amount="250.00")
    assert travel.case_of(confirmation).dsa_rate_missing

    travel.set_rate(city=" geneva", amount="380.00", valid_from="2018-11-01", travel_days=2)
    case = travel.case_of(confirmation)
    assert not case.dsa_rate_missing
    assert case.entitlement["amount"] == Decimal("2660.00")
    assert case.entitlement_basis["valid_from"] == date(2018, 11, 1)
    assert len(travel.events("dsa_entitlement_fixed")) == 1

    travel.set_rate(city="Geneva", amount="999.00", valid_from="2018-11-01")
    assert travel.case_of(confirmation).entitlement["amount"] == Decimal("2660.00")


def test_cases_opened_before_the_agreement_are_rerouted_when_it_lands(travel):
    travel.deliver(meeting_scheduled(MEETING))
    africa, weog = confirmed(MEETING, "africa"), confirmed(MEETING, "weog")
    travel.deliver(africa, weog)
    assert travel.case_of(africa).travel_owner == "mc"

    travel.deliver(*cop2_agreements(MEETING))
    assert (travel.case_of(africa).travel_owner, travel.case_of(africa).dsa_owner) == (
        "brs", "brs")
    assert (travel.case_of(weog).travel_owner, travel.case_of(weog).dsa_owner) == (
        "mc", "chb")
    rerouted = travel.events("travel_case_rerouted")
    assert [(e["data"]["previous_travel_owner"], e["data"]["travel_owner"], e["owner"])
            for e in rerouted if e["subject"]["id"] == travel.case_of(africa).id] == [
        ("mc", "brs", "brs"), ("brs", "brs", "brs")]
    assert len(rerouted) == 3  # africa twice (travel, then DSA), weog once (DSA)


def test_a_ticketed_case_keeps_its_travel_owner_when_an_agreement_lands_late(travel):
    travel.deliver(meeting_scheduled(MEETING))
    confirmation = confirmed(MEETING, "africa")
    travel.deliver(confirmation)
    travel.ticket(travel.case_of(confirmation), caller="mc")
    travel.deliver(*cop2_agreements(MEETING))
    case = travel.case_of(confirmation)
    assert (case.travel_owner, case.dsa_owner, case.status) == ("mc", "brs", "ticketed")


def test_ticket_then_payment_close_the_case_and_say_who_acts_next(travel):
    travel.set_rate()
    travel.deliver(meeting_scheduled(MEETING), *cop2_agreements(MEETING))
    confirmation = confirmed(MEETING, "grulac")
    travel.deliver(confirmation)
    case = travel.ticket(travel.case_of(confirmation))
    assert (case.status, case.ticket.fare) == (
        "ticketed", {"amount": Decimal("1234.50"), "currency": "USD"})
    case = travel.pay(case)
    assert case.status == "closed"
    issued, paid = travel.events("ticket_issued")[0], travel.events("dsa_paid")[0]
    assert (issued["actor"], issued["owner"], issued["data"]["fare"]) == (
        "brs", "brs", {"amount": "1234.50", "currency": "USD"})
    assert issued["data"]["travel_basis"] == "reimbursement"
    assert (paid["owner"], paid["data"]["amount"], paid["data"]["reason"]) == (
        None, {"amount": "2400.00", "currency": "CHF"}, None)


def test_refused_work_changes_nothing_and_emits_nothing(travel):
    travel.set_rate()
    travel.deliver(meeting_scheduled(MEETING), *cop2_agreements(MEETING))
    weog = confirmed(MEETING, "weog")  # travel: mc; DSA: chb
    travel.deliver(weog)
    case = travel.case_of(weog)
    before = len(travel.events())

    with pytest.raises(Forbidden, match="chb"):
        travel.pay(case, caller="brs")
    with pytest.raises(Forbidden):
        travel.ticket(case, caller="chb")
    with pytest.raises(Invalid):
        travel.ticket(case, caller="mc", outbound_on="2018-11-20", return_on="2018-11-19")
    with pytest.raises(Invalid) as no_reason:
        travel.pay(case, caller="chb", amount="2000.00")
    assert no_reason.value.code == "reason_required"
    assert len(travel.events()) == before
    assert travel.case_of(weog).status == "open"

    travel.ticket(case, caller="mc")
    with pytest.raises(Conflict):
        travel.ticket(case, caller="mc")
    assert travel.case_of(weog).ticket.ticket_number == TICKET["ticket_number"]
    travel.pay(case, caller="chb", amount="2000.00", reason="Left a day early.")
    assert travel.case_of(weog).dsa_payment.reason == "Left a day early."


def test_a_withdrawal_cancels_and_a_ticketed_case_is_due_for_refund(travel):
    travel.deliver(meeting_scheduled(MEETING), *cop2_agreements(MEETING))
    plain, ticketed = confirmed(MEETING, "africa", 0), confirmed(MEETING, "africa", 1)
    travel.deliver(plain, ticketed)
    travel.ticket(travel.case_of(ticketed))
    travel.deliver(withdrawn(plain), withdrawn(ticketed), withdrawn(ticketed))

    assert (travel.case_of(plain).status, travel.case_of(plain).refund_due) == (
        "cancelled", False)
    assert (travel.case_of(ticketed).status, travel.case_of(ticketed).refund_due) == (
        "cancelled", True)
    cancelled = travel.events("travel_case_cancelled")
    assert [(e["owner"], e["data"]["refund_due"]) for e in cancelled] == [
        (None, False), ("brs", True)]
    with pytest.raises(Conflict):
        travel.pay(travel.case_of(plain))


def test_a_withdrawal_that_overtakes_its_confirmation_keeps_the_case_from_opening(travel):
    confirmation = confirmed(MEETING)
    travel.deliver(withdrawn(confirmation), confirmation)
    assert travel.cases() == []
    assert travel.events() == []


def test_in_one_batch_each_registration_opens_at_most_one_case_and_a_withdrawal_holds(
        travel, caplog):
    caplog.set_level(logging.INFO, logger="coord.events")
    travel.deliver(meeting_scheduled(MEETING), *cop2_agreements(MEETING))
    earlier, again, gone, late = (confirmed(MEETING, "africa", number) for number in range(4))
    travel.deliver(earlier)  # its case is in the table before the batch
    travel.deliver_together(
        {**earlier, "event_id": str(uuid.uuid4())},  # the same registration confirmed again
        again, {**again, "event_id": str(uuid.uuid4())}, withdrawn(again),
        withdrawn(late), late,  # withdrawn before its confirmation came
        gone)
    travel.deliver_together(withdrawn(gone), {**gone, "event_id": str(uuid.uuid4())})

    statuses = {case.registration_id: case.status for case in travel.cases()}
    assert statuses == {earlier["subject"]["id"]: "open", again["subject"]["id"]: "cancelled",
                        gone["subject"]["id"]: "cancelled"}
    assert len(travel.events("travel_case_opened")) == 3
    assert len(travel.events("travel_case_cancelled")) == 2
    # the batches held together: none failed and was handled again one event at a time
    assert "one by one" not in caplog.text


def test_work_queues_show_what_each_owner_still_has_to_do_and_what_is_overdue(travel):
    travel.deliver(meeting_scheduled(MEETING), *cop2_agreements(MEETING))
    travel.deliver(meeting_scheduled("meeting-later", code="BUR-9", starts_on="2019-03-01",
                                     ends_on="2019-03-02"))
    africa, grulac, weog = (confirmed(MEETING, "africa"), confirmed(MEETING, "grulac"),
                            confirmed(MEETING, "weog"))
    later = confirmed("meeting-later", "weog")
    travel.deliver(africa, grulac, weog, later)
    travel.ticket(travel.case_of(africa))
    travel.pay(travel.case_of(weog), caller="chb", reason="Rate not set yet.")

    def ids(**query):
        return {case.registration_id for case in travel.cases(**query)}

    def of(*confirmations):
        return {c["subject"]["id"] for c in confirmations}

    assert ids(owner="brs") == of(africa, grulac)  # africa's DSA, grulac's ticket and DSA
    assert ids(owner="chb") == set()
    assert ids(owner="mc") == of(weog, later)
    assert ids(owner="brs", status="ticketed") == of(africa)
    assert ids(meeting_id=MEETING, status="open") == of(grulac)
    today = date(2018, 11, 10)  # COP-2's tickets were due on 2018-11-05
    with travel.uow() as uow:
        overdue = usecases.list_cases(uow, "mc", {"limit": 50, "cursor": None, "overdue": True},
                                      today)["items"]
    assert {case.registration_id for case in overdue} == of(grulac, weog)
    assert all(case.overdue and case.ticket_due_on == date(2018, 11, 5) for case in overdue)
    assert ids(overdue=True) == set()  # on TODAY (2018-10-01) nothing is late yet
    assert ids(overdue=False) == of(africa, grulac, weog, later)


def test_the_case_list_pages_with_a_cursor(travel):
    confirmations = [confirmed(MEETING, "grulac", number) for number in range(5)]
    travel.deliver(*confirmations)
    seen, cursor = [], None
    while True:
        with travel.uow() as uow:
            result = usecases.list_cases(uow, "mc", {"limit": 2, "cursor": cursor}, TODAY)
        seen += [case.registration_id for case in result["items"]]
        cursor = result["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(of["subject"]["id"] for of in confirmations)
    assert len(seen) == 5
    for tampered in (encode_cursor(["2018-01-01"]), encode_cursor(["not a time", "x"])):
        with travel.uow() as uow, pytest.raises(Invalid) as refused:
            usecases.list_cases(uow, "mc", {"limit": 2, "cursor": tampered}, TODAY)
        assert refused.value.code == "malformed_cursor"


def test_an_agreement_for_another_category_or_redelivered_changes_nothing(travel):
    travel.deliver(meeting_scheduled(MEETING))
    confirmation = confirmed(MEETING, "africa")
    travel.deliver(confirmation, agreement(MEETING, "brs", "it_equipment", "reciprocity"))
    assert travel.case_of(confirmation).travel_owner == "mc"
    brs = agreement(MEETING, "brs", "travel", "reimbursement", ["africa"])
    travel.deliver(brs, brs, {**brs, "event_id": "00000000-0000-0000-0000-000000000002"})
    assert len(travel.events("travel_case_rerouted")) == 1


def test_a_refund_closes_a_cancelled_ticketed_case_once_and_never_exceeds_the_fare(travel):
    travel.deliver(meeting_scheduled(MEETING), *cop2_agreements(MEETING))
    plain, ticketed = confirmed(MEETING, "africa", 0), confirmed(MEETING, "africa", 1)
    travel.deliver(plain, ticketed)
    with pytest.raises(Conflict):  # not cancelled yet
        travel.refund(travel.case_of(plain))
    travel.ticket(travel.case_of(ticketed))
    travel.deliver(withdrawn(plain), withdrawn(ticketed))

    case = travel.case_of(ticketed)
    assert (case.owner, case.waiting_for) == ("brs", "record the ticket refund")
    assert [c.id for c in travel.cases(owner="brs")] == [case.id]
    with pytest.raises(Conflict):  # no ticket, nothing to refund
        travel.refund(travel.case_of(plain))
    with pytest.raises(Forbidden):
        travel.refund(case, caller="chb")
    with pytest.raises(Invalid) as too_much:
        travel.refund(case, amount="1234.51")
    assert too_much.value.code == "refund_exceeds_fare"
    with pytest.raises(Invalid):  # the fare was paid in USD
        travel.refund(case, amount="100.00", currency="EUR")

    refunded = travel.refund(case, amount="1000.00")
    assert (refunded.owner, refunded.refund_due, refunded.ticket.refund["amount"]) == (
        None, False, {"amount": Decimal("1000.00"), "currency": "USD"})
    assert travel.cases(owner="brs") == []
    (event,) = travel.events("refund_recorded")
    assert (event["owner"], event["data"]["waiting"], event["data"]["amount"]) == (
        None, None, {"amount": "1000.00", "currency": "USD"})
    with pytest.raises(Conflict):
        travel.refund(case, amount="1.00")


def test_an_overdue_ticket_is_said_once_by_the_daily_check_and_cleared_by_the_ticket(travel):
    travel.deliver(meeting_scheduled(MEETING), *cop2_agreements(MEETING))
    confirmation = confirmed(MEETING, "africa")
    travel.deliver(confirmation)
    (opened,) = travel.events("travel_case_opened")
    assert opened["data"]["waiting"] == {"action": "issue the ticket",
                                         "due_on": "2018-11-05", "late": False}

    late_day = date(2018, 11, 6)
    assert usecases.notice_overdue_cases(travel.uow, TODAY) == 0
    assert usecases.notice_overdue_cases(travel.uow, late_day) == 1
    assert usecases.notice_overdue_cases(travel.uow, late_day) == 0
    (overdue,) = travel.events("travel_case_overdue")
    assert (overdue["owner"], overdue["data"]["waiting"]["late"]) == ("brs", True)

    travel.ticket(travel.case_of(confirmation))
    (issued,) = travel.events("ticket_issued")
    assert (issued["owner"], issued["data"]["waiting"]) == (
        "brs", {"action": "pay the DSA", "due_on": None, "late": False})


def test_a_case_opened_after_its_ticket_deadline_says_so_at_once(travel):
    travel.deliver(meeting_scheduled(MEETING))
    confirmation = confirmed(MEETING)
    with travel.uow() as uow:
        usecases.handle_registration_event(uow, confirmation, date(2018, 11, 10))
    (opened,) = travel.events("travel_case_opened")
    assert opened["data"]["waiting"]["late"] is True
    (overdue,) = travel.events("travel_case_overdue")
    assert (overdue["owner"], overdue["data"]["ticket_due_on"]) == ("mc", "2018-11-05")
    assert usecases.notice_overdue_cases(travel.uow, date(2018, 11, 10)) == 0


def test_a_declined_agreement_sends_its_open_cases_back_to_mc(travel):
    travel.deliver(meeting_scheduled(MEETING), *cop2_agreements(MEETING))
    confirmation = confirmed(MEETING, "africa")
    travel.deliver(confirmation)
    case = travel.case_of(confirmation)
    assert (case.travel_owner, case.dsa_owner) == ("brs", "brs")
    declined = {"event_id": "00000000-0000-0000-0000-0000000000d1", "type": "agreement_declined",
                "subject": {"kind": "agreement", "id": case.travel_agreement_id},
                "producer": "support", "meeting_id": MEETING, "actor": "brs", "owner": None,
                "occurred_at": "2018-10-02T09:00:00+00:00", "version": 1,
                "data": {"provider": "brs", "category": "travel", "basis": "reimbursement",
                         "regions": None, "status": "declined"}}
    travel.deliver(declined)
    case = travel.case_of(confirmation)
    assert (case.travel_owner, case.dsa_owner, case.owner) == ("mc", "brs", "mc")
    (rerouted,) = travel.events("travel_case_rerouted")
    assert rerouted["owner"] == "mc"


def test_corrected_meeting_dates_recompute_unpaid_entitlements_only(travel):
    travel.set_rate(amount="400.00")
    travel.deliver(meeting_scheduled(MEETING), *cop2_agreements(MEETING))
    unpaid, paid = confirmed(MEETING, "grulac", 0), confirmed(MEETING, "grulac", 1)
    travel.deliver(unpaid, paid)
    travel.pay(travel.case_of(paid))
    updated = meeting_scheduled(MEETING, starts_on="2018-11-26", ends_on="2018-11-28")
    travel.deliver({**updated, "type": "meeting_updated"})

    assert travel.case_of(unpaid).entitlement["amount"] == Decimal("1600.00")  # 3 + 1 days
    assert travel.case_of(paid).entitlement["amount"] == Decimal("2400.00")
    assert [e["subject"]["id"] for e in travel.events("travel_case_updated")] == [
        travel.case_of(unpaid).id, travel.case_of(paid).id]  # its ticket deadline moved
