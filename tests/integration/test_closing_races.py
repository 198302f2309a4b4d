"""Closing work and corrections racing on PostgreSQL: of two concurrent requests that
cannot both hold, one wins and the other is refused, and only one event goes out."""
import threading

import pytest

from tests.support import nominate, schedule_meeting, wait_for
from tests.support_support import agree, announce_meeting, ticket, usd
from tests.travel_support import (
    TICKET, EventTap, confirmed, cop2_agreements, meeting_scheduled, withdrawn,
)

pytestmark = pytest.mark.parametrize("database_kind", ["postgresql"])


def race(*requests):
    """Send the requests at once; their status codes, sorted."""
    statuses = []
    racers = [threading.Thread(target=lambda r=request: statuses.append(r().status_code))
              for request in requests]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    return sorted(statuses)


def test_two_corrections_from_one_reading_cannot_both_apply(services):
    registration = services.start("registration")
    nominee = nominate(registration, schedule_meeting(registration)["id"])
    path = f"/registrations/{nominee['id']}"

    def correct(name):
        return lambda: registration.client.request(
            "PATCH", path, json={"family_name": name}, headers={"If-Match": nominee["etag"]})

    assert race(correct("Perez"), correct("Pérez Soto")) == [200, 412]
    assert len(registration.client.get(f"{path}/history").json()["items"]) == 1
    registration.stop()


def test_two_settlements_of_everything_owed_cannot_both_pass(services):
    support = services.start("support")
    meeting_id, _ = announce_meeting(services, support)
    agree(support, meeting_id, "brs", "travel", "reimbursement", ["grulac"])
    services.publish("travel", ticket(meeting_id, "brs", "grulac", usd("800.00")))
    wait_for(lambda: support.client.get("/ledger", params={"meeting_id": meeting_id}).json()[
        "lines"][0]["amounts"], message="the fare in the ledger")

    def settle():
        return support.client.post("/settlements", json={
            "meeting_id": meeting_id, "provider": "brs", "amount": usd("800.00"),
            "reference": "TR-1"})

    assert race(settle, settle) == [201, 409]
    support.stop()


def test_two_refunds_of_one_ticket_cannot_both_be_recorded(services):
    travel = services.start("travel", TRAVEL_TODAY="2018-09-01")
    tap = EventTap(services.amqp_uri, "travel")
    meeting_id = "cop2-race"
    confirmation = confirmed(meeting_id, "africa")
    for envelope in (meeting_scheduled(meeting_id), *cop2_agreements(meeting_id), confirmation):
        services.publish("support" if envelope["producer"] == "support" else "registration",
                         envelope)

    def case():
        items = travel.client.get("/travel-cases", params={
            "registration_id": confirmation["subject"]["id"]}).json()["items"]
        return items and items[0]

    case_id = wait_for(lambda: (c := case()) and c["travel_owner"] == "brs" and c,
                       message="the routed case")["id"]
    issued = travel.client.post(f"/travel-cases/{case_id}/ticket", json=TICKET, as_="brs")
    assert issued.status_code == 201, issued.text
    services.publish("registration", withdrawn(confirmation))
    wait_for(lambda: case()["status"] == "cancelled", message="the cancellation")

    def refund():
        return travel.client.post(f"/travel-cases/{case_id}/refund", as_="brs", json={
            "amount": {"amount": "1000.00", "currency": "USD"}, "received_on": "2018-12-01"})

    assert race(refund, refund) == [201, 409]
    wait_for(lambda: len(tap.events("refund_recorded")) == 1, message="one refund event")
    tap.close()
    travel.stop()
