"""Helpers for the support service's integration tests: a known meeting, agreements,
requests walked through their steps, and travel events as the travel service sends them."""
import uuid

from coord.envelope import Event
from tests.support import COP2, wait_for


def created(response):
    assert response.status_code == 201, response.text
    return response.json()


def ok(response):
    assert response.status_code == 200, response.text
    return response.json()


def error_code(response, status):
    assert response.status_code == status, response.text
    return response.json()["error"]["code"]


def announce_meeting(services, support, code="COP-2"):
    """Publish `meeting_scheduled` as registration would; wait until support knows it."""
    meeting_id = str(uuid.uuid4())
    envelope = Event("meeting_scheduled", "meeting", meeting_id, actor="mc",
                     meeting_id=meeting_id, data={**COP2, "code": code}).envelope("registration")
    services.publish("registration", envelope)
    wait_for(lambda: ledger_status(support, meeting_id) == 200, message=f"{code} in support")
    return meeting_id, envelope


def ledger_status(support, meeting_id):
    return support.client.get("/ledger", params={"meeting_id": meeting_id}).status_code


def agree(support, meeting_id, provider, category, basis, regions=None):
    body = {"meeting_id": meeting_id, "provider": provider, "category": category,
            "basis": basis}
    if regions is not None:
        body["regions"] = regions
    return created(support.client.post("/agreements", json=body))


def ask(support, meeting_id, provider, category, quantity=1, description="Support"):
    return created(support.client.post("/support-requests", json={
        "meeting_id": meeting_id, "provider": provider, "category": category,
        "description": description, "quantity": quantity}))


def walk(support, support_request, *steps):
    """Take each step (`"accept"`, `("invoice", body)`...) as its rightful actor."""
    current = support_request
    for step in steps:
        action, body = step if isinstance(step, tuple) else (step, None)
        actor = "mc" if action == "settle" else current["provider"]
        current = ok(support.client.post(f"/support-requests/{current['id']}/{action}",
                                         json=body, as_=actor))
    return current


def usd(amount):
    return {"amount": amount, "currency": "USD"}


def travel_event(event_type, meeting_id, actor, *, region, money_field=None, money=None,
                 case_id=None, owner=None, **case_fields):
    """A travel-service event for a case in `region`, done by `actor`."""
    data = {"registration_id": str(uuid.uuid4()), "meeting_code": "COP-2",
            "given_name": "Ana", "family_name": "Pérez", "country": "PER", "region": region,
            "travel_owner": actor, "dsa_owner": actor, "travel_basis": None,
            "dsa_basis": None, "travel_agreement_id": None, "dsa_agreement_id": None,
            "entitlement": None, "status": "open", **case_fields}
    if money_field:
        data[money_field] = money
    return Event(event_type, "travel_case", case_id or str(uuid.uuid4()), actor=actor,
                 owner=owner, meeting_id=meeting_id, data=data).envelope("travel")


def ticket(meeting_id, actor, region, fare, **case_fields):
    return travel_event("ticket_issued", meeting_id, actor, region=region, money_field="fare",
                        money=fare, carrier="KQ", ticket_number="706-1234567890",
                        outbound_on="2018-11-17", return_on="2018-11-24", **case_fields)


def dsa(meeting_id, actor, region, amount, **case_fields):
    return travel_event("dsa_paid", meeting_id, actor, region=region, money_field="amount",
                        money=amount, paid_on="2018-11-19", reason=None, **case_fields)
