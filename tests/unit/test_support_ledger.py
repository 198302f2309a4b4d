"""Money and the ledger: exact Decimal sums, per currency, never across currencies."""
import csv
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest

from coord.errors import Conflict, Invalid
from coord import money
from services.support import domain, reports


@pytest.mark.parametrize("amount, currency, expected", [
    ("1234.5", "USD", "1234.50"), ("100", "CHF", "100.00"), ("15000", "JPY", "15000"),
    ("1.234", "KWD", "1.234"), ("0.01", "EUR", "0.01"), ("12.500", "USD", "12.50"),
])
def test_valid_money_is_written_to_its_minor_units(amount, currency, expected):
    assert money.money(amount, currency) == money.Money(Decimal(expected), currency)
    assert str(money.money(amount, currency).amount) == expected


@pytest.mark.parametrize("amount, currency, field", [
    ("-5.00", "USD", "amount"), ("0", "USD", "amount"), ("12.345", "USD", "amount"),
    ("1.5", "JPY", "amount"), ("1.2345", "KWD", "amount"), (12.5, "USD", "amount"),
    ("1e3", "USD", "amount"), ("NaN", "USD", "amount"), ("", "USD", "amount"),
    ("10.00", "XXX", "currency"), ("10.00", "usd", "currency"), ("10.00", None, "currency"),
])
def test_invalid_money_is_refused_on_its_field(amount, currency, field):
    with pytest.raises(Invalid) as refused:
        money.money(amount, currency)
    assert field in refused.value.fields


def test_the_currency_list_is_data_with_iso_minor_units():
    units = money.minor_units()
    assert {"USD", "EUR", "CHF", "KES", "JPY"} <= set(units)
    assert (units["USD"], units["JPY"], units["BHD"], units["IQD"]) == (2, 0, 3, 3)


def test_money_in_an_event_is_validated_too():
    assert money.money_from_event({"amount": "10.10", "currency": "EUR"}, "fare").amount == \
        Decimal("10.10")
    with pytest.raises(Invalid):
        money.money_from_event(None, "fare")


def request(provider, basis, status, quantity=1, invoice=None):
    amount, currency = (Decimal(invoice[0]), invoice[1]) if invoice else (None, None)
    return SimpleNamespace(provider=provider, basis=basis, status=status, quantity=quantity,
                           invoice_amount=amount, invoice_currency=currency,
                           settlement_id=None)


def charge(provider, basis, kind, amount, currency, case="case-1"):
    return SimpleNamespace(provider=provider, basis=basis, kind=kind, amount=Decimal(amount),
                           currency=currency, travel_case_id=case)


def cop2_ledger():
    agreements = [SimpleNamespace(provider="chb", basis="reciprocity"),
                  SimpleNamespace(provider="brs", basis="reimbursement"),
                  SimpleNamespace(provider="law", basis="reciprocity")]
    requests = [
        request("brs", "reimbursement", "settled", 20, ("4000.10", "USD")),
        request("brs", "reimbursement", "invoiced", 2, ("1500.05", "CHF")),
        request("brs", "reimbursement", "accepted", 3),
        request("chb", "reciprocity", "delivered", 6),
        request("chb", "reciprocity", "declined", 1),
    ]
    charges = [
        charge("brs", "reimbursement", "ticket", "1200.33", "USD", "c1"),
        charge("brs", "reimbursement", "ticket", "800.10", "CHF", "c2"),
        charge("brs", "reimbursement", "dsa", "0.07", "USD", "c1"),
        charge("chb", "reciprocity", "dsa", "1540.00", "USD", "c3"),
    ]
    pending = SimpleNamespace(refund_amount=None)
    return domain.build_ledger(agreements, requests, charges, refunds={"c2": pending})


def amounts(line):
    return {currency: {column: getattr(totals, column) for column in reports.MONEY_COLUMNS}
            for currency, totals in line.amounts.items()}


def test_reimbursement_owes_invoices_tickets_and_dsa_per_currency():
    brs = next(line for line in cop2_ledger() if line.provider == "brs")
    assert amounts(brs) == {
        "USD": {"tickets": Decimal("1200.33"), "dsa": Decimal("0.07"),
                "invoiced": Decimal("4000.10"), "owed": Decimal("5200.50"),
                "settled": Decimal("4000.10"), "outstanding": Decimal("1200.40"),
                "refunds_pending": 0, "refunded": 0},
        "CHF": {"tickets": Decimal("800.10"), "dsa": 0, "invoiced": Decimal("1500.05"),
                "owed": Decimal("2300.15"), "settled": 0, "outstanding": Decimal("2300.15"),
                "refunds_pending": Decimal("800.10"), "refunded": 0},
    }
    assert brs.requests == {"requested": 3, "accepted": 3, "delivered": 2, "invoiced": 2,
                            "settled": 1}
    assert brs.items["requested"] == 25 and brs.items["delivered"] == 22
    assert brs.travel == {"tickets": 2, "dsa_payments": 1, "refunds_pending": 1}


def test_reciprocity_is_counted_as_services_received_and_owes_nothing():
    chb = next(line for line in cop2_ledger() if line.provider == "chb")
    usd = chb.amounts["USD"]
    assert (usd.dsa, usd.owed, usd.outstanding) == (Decimal("1540.00"), 0, 0)
    assert chb.requests == {"requested": 2, "accepted": 1, "delivered": 1, "declined": 1}


def test_every_agreement_has_a_line_even_before_any_work():
    lines = cop2_ledger()
    assert [(line.provider, line.basis) for line in lines] == [
        ("brs", "reimbursement"), ("chb", "reciprocity"), ("law", "reciprocity")]
    assert lines[2].amounts == {} and sum(lines[2].requests.values()) == 0


def test_the_csv_has_one_row_per_provider_basis_and_currency():
    meeting = SimpleNamespace(id="m-1", code="COP-2")
    document = reports.ledger_document(meeting, cop2_ledger())
    rows = list(csv.DictReader(io.StringIO(reports.ledger_csv(document))))
    assert [(r["provider"], r["basis"], r["currency"]) for r in rows] == [
        ("brs", "reimbursement", "CHF"), ("brs", "reimbursement", "USD"),
        ("chb", "reciprocity", "USD")]
    assert rows[1]["owed"] == "5200.50" and rows[2]["owed"] == "0.00"
    assert rows[0]["dsa"] == "0.00" and rows[0]["meeting_code"] == "COP-2"
    assert reports.csv_filename({"meeting_code": "COP-2/x"}) == "ledger-COP-2_x.csv"


def test_a_recorded_refund_and_settlements_bring_the_ledger_to_zero():
    charges = [charge("brs", "reimbursement", "ticket", "800.10", "CHF", "c2"),
               charge("brs", "reimbursement", "dsa", "2400.00", "CHF", "c3")]
    refund = SimpleNamespace(refund_amount=Decimal("700.00"))
    settlements = [SimpleNamespace(provider="brs", amount=Decimal("2500.10"), currency="CHF")]
    (brs,) = domain.build_ledger([], [], charges, {"c2": refund}, settlements)
    totals = brs.amounts["CHF"]
    assert (totals.refunds_pending, totals.refunded, totals.owed, totals.settled,
            totals.outstanding) == (0, Decimal("700.00"), Decimal("2500.10"),
                                    Decimal("2500.10"), 0)
    assert brs.travel["refunded"] == 1
    with pytest.raises(Conflict):
        domain.check_settlement(Decimal("0.01"), "CHF", totals.outstanding)


def test_settlements_pay_off_what_is_owed_oldest_first():
    older, newer = SimpleNamespace(name="older"), SimpleNamespace(name="newer")
    owed = [(3, Decimal("50"), newer), (1, Decimal("100"), None), (2, Decimal("20"), older)]
    assert domain.settled_invoices(owed, Decimal("119.99")) == []
    assert domain.settled_invoices(owed, Decimal("120")) == [older]
    assert domain.settled_invoices(owed, Decimal("170")) == [older, newer]
