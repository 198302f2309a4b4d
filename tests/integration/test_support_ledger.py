"""The COP-2 ledger through HTTP and the real broker: what each partner does for the
secretariat, on which basis, and what the secretariat owes, exactly, per currency."""
import csv
import io
from collections import defaultdict
from decimal import Decimal

from tests.support import wait_for
from tests.support_support import (
    agree, announce_meeting, ask, dsa, error_code, ok, ticket, travel_event, walk,
)

FUNDED_REGIONS = ["africa", "asia-pacific", "grulac"]


def money(amount, currency):
    return {"amount": amount, "currency": currency}


def record_cop2_agreements(support, meeting_id):
    agree(support, meeting_id, "chb", "dsa_payment", "reciprocity")
    agree(support, meeting_id, "chb", "onsite_registration", "reciprocity")
    agree(support, meeting_id, "chb", "technical", "reciprocity")
    agree(support, meeting_id, "brs", "travel", "reimbursement", FUNDED_REGIONS)
    agree(support, meeting_id, "brs", "onsite_registration", "reimbursement")
    agree(support, meeting_id, "brs", "it_equipment", "reimbursement")
    agree(support, meeting_id, "brs", "technical", "reciprocity")
    agree(support, meeting_id, "mc", "travel", "own", ["eastern-europe", "weog"])
    overlapping = support.client.post("/agreements", json={
        "meeting_id": meeting_id, "provider": "rc-pretoria", "category": "travel",
        "basis": "reimbursement", "regions": ["africa"]})
    assert error_code(overlapping, 409) == "overlapping_agreement"


def walk_cop2_requests(support, meeting_id, invoices):
    """COP-2's support requests, the first two invoiced with `invoices`, the first settled."""
    it_loan = ask(support, meeting_id, "brs", "it_equipment", 30, "Laptops and printers")
    walk(support, it_loan, "accept", "deliver", ("invoice", {"amount": invoices[0]}), "settle")
    onsite = ask(support, meeting_id, "brs", "onsite_registration", 4, "Registration desk")
    walk(support, onsite, "accept", "deliver", ("invoice", {"amount": invoices[1]}))
    walk(support, ask(support, meeting_id, "chb", "onsite_registration", 6), "accept", "deliver")
    walk(support, ask(support, meeting_id, "chb", "technical", 2), ("decline", {
        "reason": "Staff are at the OEWG that week."}))
    walk(support, ask(support, meeting_id, "brs", "technical", 1), "accept", "deliver")


def cop2_travel_events(meeting_id):
    fares = [("brs", "africa", money("1834.20", "USD")),
             ("brs", "asia-pacific", money("2210.65", "USD")),
             ("brs", "africa", money("980.00", "CHF")),
             ("mc", "weog", money("450.00", "EUR"))]
    tickets = [ticket(meeting_id, actor, region, fare, travel_basis="reimbursement")
               for actor, region, fare in fares]
    # The travel service's word is a fallback: our agreement says brs is reimbursed.
    tickets.append(ticket(meeting_id, "brs", "grulac", money("1499.99", "USD"),
                          travel_basis="reciprocity"))
    payments = [dsa(meeting_id, "chb", region, amount, dsa_basis="reciprocity")
                for region, amount in (("africa", money("1540.00", "USD")),
                                       ("grulac", money("1320.00", "USD")),
                                       ("asia-pacific", money("990.00", "CHF")))]
    cancelled_case = tickets[2]["subject"]["id"]
    cancellation = travel_event("travel_case_cancelled", meeting_id, "mc", region="africa",
                                case_id=cancelled_case, refund_due=True, owner="brs")
    return tickets, payments, cancellation


def sums_by_currency(moneys):
    totals = defaultdict(Decimal)
    for item in moneys:
        totals[item["currency"]] += Decimal(item["amount"])
    return totals


def amounts_of(ledger, provider, basis):
    line = next(line for line in ledger["lines"]
                if (line["provider"], line["basis"]) == (provider, basis))
    return line, {entry["currency"]: {k: Decimal(v) for k, v in entry.items() if k != "currency"}
                  for entry in line["amounts"]}


def fetch_ledger(support, meeting_id):
    return ok(support.client.get("/ledger", params={"meeting_id": meeting_id}, as_="mc"))


def test_the_cop2_ledger_equals_the_sums_of_its_inputs_and_survives_replays(services):
    support = services.start("support")
    meeting_id, scheduled = announce_meeting(services, support)
    record_cop2_agreements(support, meeting_id)
    invoices = [money("12450.75", "USD"), money("3200.40", "CHF")]
    walk_cop2_requests(support, meeting_id, invoices)
    tickets, payments, cancellation = cop2_travel_events(meeting_id)
    travel_events = tickets + payments + [cancellation]
    for envelope in travel_events:
        services.publish("travel", envelope)

    ledger = wait_for(lambda: (ledger := fetch_ledger(support, meeting_id)) and sum(
        line["travel"]["tickets"] + line["travel"]["dsa_payments"] + line["travel"][
            "refunds_pending"] for line in ledger["lines"]) == 9 and ledger,
        message="five tickets, three DSA payments and a refund in the ledger")

    brs_tickets = sums_by_currency(t["data"]["fare"] for t in tickets if t["actor"] == "brs")
    brs, brs_amounts = amounts_of(ledger, "brs", "reimbursement")
    assert brs_amounts == {
        "USD": {"tickets": brs_tickets["USD"], "dsa": 0, "invoiced": Decimal("12450.75"),
                "owed": brs_tickets["USD"] + Decimal("12450.75"),
                "settled": Decimal("12450.75"), "outstanding": brs_tickets["USD"],
                "refunds_pending": 0, "refunded": 0},
        "CHF": {"tickets": Decimal("980.00"), "dsa": 0, "invoiced": Decimal("3200.40"),
                "owed": Decimal("4180.40"), "settled": 0, "outstanding": Decimal("4180.40"),
                "refunds_pending": Decimal("980.00"), "refunded": 0},
    }
    assert brs["requests"] == {"requested": 2, "accepted": 2, "declined": 0, "delivered": 2,
                               "invoiced": 2, "settled": 1}
    assert brs["items"]["delivered"] == 34
    assert brs["travel"] == {"tickets": 4, "dsa_payments": 0, "refunds_pending": 1,
                             "refunded": 0}

    chb, chb_amounts = amounts_of(ledger, "chb", "reciprocity")
    received = sums_by_currency(p["data"]["amount"] for p in payments)
    assert {c: (a["dsa"], a["owed"]) for c, a in chb_amounts.items()} == {
        currency: (total, 0) for currency, total in received.items()}
    assert (chb["requests"]["accepted"], chb["requests"]["declined"]) == (1, 1)
    assert amounts_of(ledger, "mc", "own")[1]["EUR"]["tickets"] == Decimal("450.00")
    assert amounts_of(ledger, "brs", "reciprocity")[0]["requests"]["delivered"] == 1

    sheet = support.client.get("/ledger.csv", params={"meeting_id": meeting_id})
    assert sheet.headers["Content-Type"].startswith("text/csv")
    rows = {(r["provider"], r["basis"], r["currency"]): r
            for r in csv.DictReader(io.StringIO(sheet.text))}
    assert rows[("brs", "reimbursement", "USD")]["outstanding"] == str(brs_tickets["USD"])
    assert rows[("chb", "reciprocity", "CHF")]["dsa"] == "990.00"
    assert len(rows) == 5

    for _ in range(2):
        services.publish("registration", scheduled)
        for envelope in travel_events:
            services.publish("travel", envelope)
    # markers, one per queue, published after the replays: once they are in, so are those
    marker_meeting, _ = announce_meeting(services, support, code="BUR-1")
    services.publish("travel", ticket(marker_meeting, "mc", "weog", money("1.00", "EUR")))
    wait_for(lambda: fetch_ledger(support, marker_meeting)["lines"], message="the marker")
    assert fetch_ledger(support, meeting_id) == ledger
