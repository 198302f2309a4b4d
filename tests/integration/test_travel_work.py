"""Partners' work on travel cases through HTTP: DSA rates, tickets, DSA payments,
withdrawals and the work queues, with the events each step publishes."""
import uuid

import pytest

from tests.support import wait_for
from tests.travel_support import (
    TICKET, EventTap, confirmed, cop2_agreements, meeting_scheduled, withdrawn,
)

RATE = {"daily": {"amount": "412.00", "currency": "CHF"}, "valid_from": "2018-01-01"}


@pytest.fixture
def published(services):
    tap = EventTap(services.amqp_uri, "travel")
    yield tap.events
    tap.close()


def error(response, status, code=None):
    assert response.status_code == status, response.text
    body = response.json()["error"]
    if code:
        assert body["code"] == code
    return body


def case_of(travel, confirmation):
    response = travel.client.get("/travel-cases", params={
        "registration_id": confirmation["subject"]["id"]})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    return items[0] if items else None


def test_partners_work_their_cases_and_bad_input_changes_nothing(services, published):
    travel = services.start("travel", TRAVEL_TODAY="2018-11-10")  # COP-2 tickets due 11-05
    client = travel.client
    meeting = str(uuid.uuid4())
    africa, weog = confirmed(meeting, "africa"), confirmed(meeting, "weog")
    for envelope in [meeting_scheduled(meeting), *cop2_agreements(meeting), africa, weog]:
        services.publish(envelope["producer"], envelope)
    wait_for(lambda: (case_of(travel, africa) or {}).get("dsa_owner") == "brs"
             and (case_of(travel, weog) or {}).get("dsa_owner") == "chb",
             message="every agreement applied")
    grulac = confirmed(meeting, "grulac")  # opens routed: the agreements are in
    services.publish("registration", grulac)
    wait_for(lambda: case_of(travel, grulac), message="grulac's case")

    # No Geneva rate yet: flagged, then fixed when the secretariat sets it.
    assert case_of(travel, grulac)["dsa_rate_missing"] is True
    assert case_of(travel, grulac)["entitlement"] is None
    error(client.put("/dsa-rates/Geneva", json=RATE, as_="brs"), 403, "forbidden")
    bad = error(client.put("/dsa-rates/Geneva", json={
        "daily": {"amount": 412, "currency": "XYZ"}, "valid_from": "soon"}), 400)
    assert set(bad["fields"]) == {"daily", "valid_from"}
    rate = client.put("/dsa-rates/Geneva", json=RATE)
    assert rate.status_code == 200, rate.text
    assert rate.json()["daily"] == RATE["daily"] and rate.json()["travel_days"] == 1
    case = case_of(travel, grulac)
    assert case["entitlement"] == {"amount": "2472.00", "currency": "CHF"}
    assert case["entitlement_basis"] == {
        "daily_rate": {"amount": "412.00", "currency": "CHF"}, "meeting_days": 5,
        "travel_days": 1, "city": "Geneva", "valid_from": "2018-01-01"}
    rates = client.get("/dsa-rates", params={"city": "geneva"}).json()["items"]
    assert [r["valid_from"] for r in rates] == ["2018-01-01"]

    # Work queues: brs books and pays for africa and grulac; every ticket is overdue. A
    # case waits on one organisation at a time, the ticket first: weog's on mc, not chb.
    queue = client.get("/travel-cases", params={"owner": "brs", "status": "open"}).json()
    assert {c["registration_id"] for c in queue["items"]} == {
        africa["subject"]["id"], grulac["subject"]["id"]}
    assert client.get("/travel-cases", params={"owner": "chb"}).json()["items"] == []
    (mcs,) = client.get("/travel-cases", params={"owner": "mc"}).json()["items"]
    assert (mcs["registration_id"], mcs["waiting_for"]) == (
        weog["subject"]["id"], "issue the ticket")
    overdue = client.get("/travel-cases", params={"overdue": "true"}).json()["items"]
    assert len(overdue) == 3 and all(c["overdue"] for c in overdue)
    assert overdue[0]["ticket_due_on"] == "2018-11-05"

    ticket_url = f"/travel-cases/{case['id']}/ticket"
    error(client.post(ticket_url, json=TICKET, as_="chb"), 403, "forbidden")
    error(client.post(ticket_url, json=TICKET, as_=None), 401)
    backwards = error(client.post(ticket_url, as_="brs", json={
        **TICKET, "outbound_on": "2018-11-20", "return_on": "2018-11-18"}), 400)
    assert "return_on" in backwards["fields"]
    unknown_currency = error(client.post(ticket_url, as_="brs", json={
        **TICKET, "fare": {"amount": "900.00", "currency": "XYZ"}}), 400)
    assert unknown_currency["fields"] == {
        "fare": {"currency": ["Not an active ISO 4217 currency code, e.g. USD."]}}
    error(client.post("/travel-cases/nope/ticket", json=TICKET, as_="brs"), 404)
    assert client.get(f"/travel-cases/{case['id']}").json()["status"] == "open"

    ticketed = client.post(ticket_url, json=TICKET, as_="brs")
    assert ticketed.status_code == 201, ticketed.text
    assert ticketed.json()["status"] == "ticketed"
    assert ticketed.json()["ticket"]["fare"] == TICKET["fare"]
    assert ticketed.json()["owner"] == "brs" and ticketed.json()["overdue"] is False
    error(client.post(ticket_url, json=TICKET, as_="brs"), 409, "already_ticketed")

    # DSA: the DSA owner only, and a different amount needs a reason.
    other = case_of(travel, weog)
    pay_other = f"/travel-cases/{other['id']}/dsa-payment"
    payment = {"amount": {"amount": "2472.00", "currency": "CHF"}, "paid_on": "2018-11-19"}
    error(client.post(pay_other, json=payment, as_="brs"), 403, "forbidden")
    short = {**payment, "amount": {"amount": "2060.00", "currency": "CHF"}}
    error(client.post(pay_other, json=short, as_="chb"), 400, "reason_required")
    paid = client.post(pay_other, json={**short, "reason": "Arrived a day late."}, as_="chb")
    assert paid.status_code == 201, paid.text
    assert (paid.json()["status"], paid.json()["owner"]) == ("dsa_paid", "mc")

    closed = client.post(f"/travel-cases/{case['id']}/dsa-payment", json=payment, as_="brs")
    assert closed.status_code == 201, closed.text
    assert (closed.json()["status"], closed.json()["owner"]) == ("closed", None)
    assert [c["registration_id"] for c in client.get(
        "/travel-cases", params={"owner": "brs"}).json()["items"]] == [africa["subject"]["id"]]

    # Withdrawal after the ticket: cancelled, the ticket to be refunded by brs.
    services.publish("registration", withdrawn(grulac))
    cancelled = wait_for(lambda: (c := case_of(travel, grulac))["status"] == "cancelled" and c,
                         message="the cancelled case")
    assert cancelled["refund_due"] is True

    def events_of(case_id):
        return [(e["type"], e["actor"], e["owner"]) for e in published(meeting_id=meeting)
                if e["subject"]["id"] == case_id]

    wait_for(lambda: len(events_of(case["id"])) == 7, message="seven events of the case")
    assert events_of(case["id"]) == [
        ("travel_case_opened", "mc", "brs"),
        ("travel_case_overdue", "mc", "brs"),  # it opened past its ticket deadline
        ("dsa_rate_missing", "mc", "brs"),
        ("dsa_entitlement_fixed", "mc", "brs"), ("ticket_issued", "brs", "brs"),
        ("dsa_paid", "brs", None), ("travel_case_cancelled", "mc", "brs")]
    # It may have opened before chb's agreement, or before its meeting was known here.
    assert [event[0] for event in events_of(other["id"])
            if event[0] not in ("travel_case_rerouted", "travel_case_overdue")] == [
        "travel_case_opened", "dsa_rate_missing", "dsa_entitlement_fixed", "dsa_paid"]
    assert [event[0] for event in events_of(other["id"])].count("travel_case_overdue") == 1
    issued = published("ticket_issued", meeting)[0]["data"]
    assert (issued["travel_owner"], issued["travel_basis"], issued["fare"]) == (
        "brs", "reimbursement", TICKET["fare"])
