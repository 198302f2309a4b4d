"""Travel's plain rules: statuses, routing, entitlement, ticket dates, payments, money."""
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from marshmallow import ValidationError

from coord.errors import Conflict, Invalid
from services.travel import domain
from services.travel.schemas import DsaRateSetSchema, MoneySchema


@pytest.mark.parametrize("status, after_ticket, after_payment", [
    ("open", "ticketed", "dsa_paid"), ("ticketed", None, "closed"),
    ("dsa_paid", "closed", None), ("closed", None, None), ("cancelled", None, None),
])
def test_a_case_closes_once_ticketed_and_paid_in_either_order(status, after_ticket,
                                                               after_payment):
    for move, expected in ((domain.status_after_ticket, after_ticket),
                           (domain.status_after_dsa_payment, after_payment)):
        if expected:
            assert move(status) == expected
        else:
            with pytest.raises(Conflict):
                move(status)


def test_a_second_ticket_or_payment_and_work_on_a_cancelled_case_are_named():
    with pytest.raises(Conflict) as second_ticket:
        domain.status_after_ticket("ticketed")
    assert second_ticket.value.code == "already_ticketed"
    with pytest.raises(Conflict) as second_payment:
        domain.status_after_dsa_payment("closed")
    assert second_payment.value.code == "already_paid"
    with pytest.raises(Conflict) as cancelled:
        domain.status_after_ticket("cancelled")
    assert cancelled.value.code == "case_cancelled"


@pytest.mark.parametrize("status, refund_due, expected", [
    ("open", False, "brs"), ("dsa_paid", False, "brs"), ("ticketed", False, "chb"),
    ("closed", False, None), ("cancelled", True, "brs"), ("cancelled", False, None),
])
def test_the_next_owner_is_the_ticket_then_the_dsa_then_a_refund(status, refund_due,
                                                                 expected):
    assert domain.next_owner(status, "brs", "chb", refund_due) == expected


@dataclass
class FakeAgreement:
    id: str
    provider: str
    category: str
    basis: str
    regions: list | None
    recorded_at: datetime = datetime(2018, 6, 1, tzinfo=timezone.utc)


BRS_TRAVEL = FakeAgreement("a1", "brs", "travel", "reimbursement",
                           ["africa", "asia-pacific", "grulac"])
CHB_DSA_ALL = FakeAgreement("a2", "chb", "dsa_payment", "reciprocity", None)
BRS_DSA = FakeAgreement("a3", "brs", "dsa_payment", "reimbursement", ["africa"])


def test_routing_follows_the_agreement_for_the_region_else_mc_on_its_own():
    agreements = [BRS_TRAVEL, CHB_DSA_ALL]
    assert domain.route("travel", "grulac", agreements) == domain.Route(
        "brs", "reimbursement", "a1")
    assert domain.route("travel", "weog", agreements) == domain.Route("mc", "own", None)
    assert domain.route("dsa_payment", "weog", agreements) == domain.Route(
        "chb", "reciprocity", "a2")
    assert domain.route("travel", "grulac", []) == domain.DEFAULT_ROUTE


def test_an_agreement_naming_the_region_beats_one_for_all_and_a_newer_one_an_older():
    agreements = [BRS_DSA, CHB_DSA_ALL]
    assert domain.route("dsa_payment", "africa", agreements).owner == "brs"
    assert domain.route("dsa_payment", "grulac", agreements).owner == "chb"
    newer = FakeAgreement("a4", "rc-pretoria", "dsa_payment", "reimbursement", ["africa"],
                          recorded_at=datetime(2018, 7, 1, tzinfo=timezone.utc))
    assert domain.route("dsa_payment", "africa", agreements + [newer]).owner == "rc-pretoria"


def test_rerouting_moves_only_the_work_still_to_do():
    mc, brs, chb = (domain.DEFAULT_ROUTE, domain.Route("brs", "reimbursement", "a1"),
                    domain.Route("chb", "reciprocity", "a2"))
    assert domain.reroute("open", mc, mc, brs, chb) == domain.Reroute(brs, chb)
    assert domain.reroute("ticketed", mc, mc, brs, chb) == domain.Reroute(None, chb)
    assert domain.reroute("dsa_paid", mc, mc, brs, chb) == domain.Reroute(brs, None)
    assert not domain.reroute("closed", mc, mc, brs, chb)
    assert not domain.reroute("cancelled", mc, mc, brs, chb)
    assert not domain.reroute("open", brs, chb, brs, chb)


@dataclass
class FakeRate:
    daily_amount: Decimal
    currency: str = "CHF"
    travel_days: int = 1
    city: str = "Geneva"
    valid_from: date = date(2018, 1, 1)


def test_the_entitlement_is_the_daily_rate_for_meeting_and_travel_days():
    owed = domain.entitlement(FakeRate(Decimal("412.50")), date(2018, 11, 19),
                              date(2018, 11, 23))
    assert (owed.amount, owed.currency) == (Decimal("2475.00"), "CHF")
    assert (owed.meeting_days, owed.travel_days) == (5, 1)
    one_day = domain.entitlement(FakeRate(Decimal("300"), travel_days=2), date(2018, 6, 27),
                                 date(2018, 6, 27))
    assert one_day.amount == Decimal("900")


def test_cities_match_whatever_their_case_and_spacing():
    assert domain.city_key(" Geneva ") == domain.city_key("GENEVA") == "geneva"
    assert domain.city_key("São  Paulo") == "são paulo"
    assert domain.check_city(" São  Paulo ") == "São Paulo"
    for nothing in ("  ", "x" * 101):
        with pytest.raises(Invalid) as refused:
            domain.check_city(nothing)
        assert "city" in refused.value.fields


COP2 = (date(2018, 11, 19), date(2018, 11, 23))


@pytest.mark.parametrize("outbound, back", [
    (date(2018, 11, 18), date(2018, 11, 24)), (date(2018, 11, 5), date(2018, 12, 7)),
    (date(2018, 11, 23), date(2018, 11, 23)),
])
def test_trips_around_the_meeting_are_accepted(outbound, back):
    domain.check_ticket_dates(outbound, back, *COP2)


@pytest.mark.parametrize("outbound, back, bad_fields", [
    (date(2018, 11, 20), date(2018, 11, 19), {"return_on"}),
    (date(2018, 11, 4), date(2018, 11, 24), {"outbound_on"}),
    (date(2018, 11, 18), date(2018, 12, 8), {"return_on"}),
    (date(2018, 11, 24), date(2018, 11, 25), {"outbound_on"}),
    (date(2018, 11, 1), date(2018, 11, 18), {"outbound_on", "return_on"}),
])
def test_trips_outside_the_window_are_refused_per_field(outbound, back, bad_fields):
    with pytest.raises(Invalid) as refused:
        domain.check_ticket_dates(outbound, back, *COP2)
    assert set(refused.value.fields) == bad_fields


def test_a_payment_other_than_the_entitlement_needs_a_reason():
    owed = domain.entitlement(FakeRate(Decimal("400.00")), *COP2)
    domain.check_dsa_payment(Decimal("2400.00"), "CHF", owed, None)
    domain.check_dsa_payment(Decimal("2400"), "CHF", owed, None)
    domain.check_dsa_payment(Decimal("2000.00"), "CHF", owed, "left a day early")
    for amount, currency, owed_now in ((Decimal("2000.00"), "CHF", owed),
                                       (Decimal("2400.00"), "USD", owed),
                                       (Decimal("2400.00"), "CHF", None)):
        with pytest.raises(Invalid) as refused:
            domain.check_dsa_payment(amount, currency, owed_now, None)
        assert refused.value.fields == {"reason": ["Required."]}


def test_a_ticket_is_overdue_from_the_day_after_two_weeks_before_the_opening():
    starts = date(2018, 11, 19)
    assert domain.ticket_due_on(starts) == date(2018, 11, 5)
    assert not domain.is_overdue("open", starts, date(2018, 11, 5))
    assert domain.is_overdue("open", starts, date(2018, 11, 6))
    assert domain.is_overdue("dsa_paid", starts, date(2018, 11, 6))
    assert not domain.is_overdue("ticketed", starts, date(2018, 11, 30))
    assert not domain.is_overdue("open", None, date(2018, 11, 30))
    assert domain.overdue_if_starting_before(date(2018, 11, 6)) == date(2018, 11, 20)


@pytest.mark.parametrize("money, field", [
    ({"amount": "10.00", "currency": "XYZ"}, "currency"),
    ({"amount": "10.00", "currency": "XAU"}, "currency"),
    ({"amount": "10.005", "currency": "USD"}, "amount"),
    ({"amount": "10.5", "currency": "JPY"}, "amount"),
    ({"amount": 10.5, "currency": "USD"}, "amount"),
    ({"amount": "0", "currency": "USD"}, "amount"),
    ({"amount": "1e3", "currency": "USD"}, "amount"),
    ({"amount": "10", "currency": "usd"}, "currency"),
])
def test_money_is_a_positive_decimal_string_in_a_payable_iso_4217_currency(money, field):
    with pytest.raises(ValidationError) as refused:
        MoneySchema().load(money)
    assert field in refused.value.messages


def test_money_keeps_its_exact_decimal():
    loaded = MoneySchema().load({"amount": "1234.505", "currency": "KWD"})
    assert loaded == {"amount": Decimal("1234.505"), "currency": "KWD"}
    assert MoneySchema().load({"amount": "15000", "currency": "JPY"})["amount"] == 15000


def test_a_rate_defaults_to_one_travel_day():
    rate = DsaRateSetSchema().load({"daily": {"amount": "412.00", "currency": "CHF"},
                                    "valid_from": "2018-01-01"})
    assert rate["travel_days"] == 1
