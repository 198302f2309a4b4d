"""Support's closing work through HTTP and the broker: providers acknowledge or decline
their agreements, corrected agreements keep their history, and mc's settlements pay down
fares and invoices oldest first."""
from decimal import Decimal

from tests.support import wait_for
from tests.support_support import (
    agree, announce_meeting, ask, error_code, ok, ticket, usd, walk,
)


def created(response):
    assert response.status_code == 201, response.text
    return response.json()


def queue(support, path, owner):
    return [item["id"] for item in ok(support.client.get(path, params={"owner": owner}))[
        "items"]]


def test_agreements_wait_on_their_provider_until_acknowledged_or_declined(services):
    support = services.start("support")
    meeting_id, _ = announce_meeting(services, support)
    travel = agree(support, meeting_id, "brs", "travel", "reimbursement", ["grulac"])
    onsite = agree(support, meeting_id, "chb", "onsite_registration", "reciprocity")
    own = agree(support, meeting_id, "mc", "logistics", "own")
    assert (travel["status"], travel["owner"]) == ("recorded", "brs")
    assert (own["status"], own["owner"]) == ("acknowledged", None)
    assert queue(support, "/agreements", "brs") == [travel["id"]]

    path = f"/agreements/{travel['id']}"
    assert error_code(support.client.post(f"{path}/acknowledge", as_="chb"), 403) == "forbidden"
    acknowledged = ok(support.client.post(f"{path}/acknowledge", as_="brs"))
    assert (acknowledged["status"], acknowledged["owner"]) == ("acknowledged", None)
    assert error_code(support.client.post(f"{path}/acknowledge", as_="brs"), 409) == \
        "illegal_transition"
    assert queue(support, "/agreements", "brs") == []

    declined = ok(support.client.post(f"/agreements/{onsite['id']}/decline", as_="chb",
                                      json={"reason": "No staff on site this time."}))
    assert (declined["status"], declined["decline_reason"], declined["owner"]) == (
        "declined", "No staff on site this time.", None)
    assert error_code(support.client.post("/support-requests", json={
        "meeting_id": meeting_id, "provider": "chb", "category": "onsite_registration",
        "description": "Desk", "quantity": 1}), 409) == "no_agreement"
    # The region it left is free for another provider.
    agree(support, meeting_id, "brs", "onsite_registration", "reciprocity")

    # Corrections: with the etag, the history; a stale etag, a declined agreement refused.
    widened = ok(support.client.request("PATCH", path, json={"regions": ["grulac", "africa"]},
                                        headers={"If-Match": travel["etag"]}))
    assert widened["regions"] == ["grulac", "africa"]
    assert error_code(support.client.request(
        "PATCH", path, json={"basis": "reciprocity"}, headers={"If-Match": travel["etag"]}),
        412) == "stale_etag"
    assert error_code(support.client.request("PATCH", path, json={"provider": "chb"}),
                      409) == "not_correctable"
    assert error_code(support.client.request(
        "PATCH", f"/agreements/{onsite['id']}", json={"regions": ["weog"]}), 409) == \
        "not_correctable"
    (change,) = ok(support.client.get(f"{path}/history"))["items"]
    assert change["changes"] == {"regions": {"before": ["grulac"],
                                             "after": ["grulac", "africa"]}}


def test_a_settlement_pays_what_is_owed_oldest_first_and_settles_the_invoices_it_covers(
        services):
    support = services.start("support")
    meeting_id, _ = announce_meeting(services, support)
    agree(support, meeting_id, "brs", "travel", "reimbursement", ["grulac"])
    agree(support, meeting_id, "brs", "it_equipment", "reimbursement")
    services.publish("travel", ticket(meeting_id, "brs", "grulac", usd("1000.00")))

    def outstanding():
        ledger = ok(support.client.get("/ledger", params={"meeting_id": meeting_id}))
        line = next(line for line in ledger["lines"]
                    if (line["provider"], line["basis"]) == ("brs", "reimbursement"))
        return {a["currency"]: a for a in line["amounts"]}.get("USD", {}).get("outstanding")

    wait_for(lambda: outstanding() == "1000.00", message="the fare in the ledger")
    laptops = walk(support, ask(support, meeting_id, "brs", "it_equipment", 5, "Laptops"),
                   "accept", "deliver", ("invoice", {"amount": usd("500.00")}))
    assert queue(support, "/support-requests", "mc") == [laptops["id"]]
    assert outstanding() == "1500.00"

    def settle(amount, reference):
        return support.client.post("/settlements", json={
            "meeting_id": meeting_id, "provider": "brs", "amount": usd(amount),
            "reference": reference})

    assert error_code(settle("1500.01", "T-0"), 409) == "more_than_owed"
    assert error_code(support.client.post("/settlements", as_="brs", json={
        "meeting_id": meeting_id, "provider": "brs", "amount": usd("1.00"),
        "reference": "T"}), 403) == "forbidden"
    created(settle("1200.00", "T-1"))  # the older fare first; the invoice not yet covered
    assert ok(support.client.get(f"/support-requests/{laptops['id']}"))["status"] == "invoiced"
    created(settle("300.00", "T-2"))
    settled = ok(support.client.get(f"/support-requests/{laptops['id']}"))
    assert (settled["status"], settled["owner"]) == ("settled", None)
    assert queue(support, "/support-requests", "mc") == []
    assert Decimal(outstanding()) == 0
    listed = ok(support.client.get("/settlements", params={"meeting_id": meeting_id}))
    assert [s["reference"] for s in listed["items"]] == ["T-1", "T-2"]
