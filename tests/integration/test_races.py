"""Every transition of the contract fired many ways at once, on PostgreSQL.

SQLite's single connection runs one unit of work at a time, so only PostgreSQL shows what
concurrent requests do. For each row of the table: the legal moves succeed once each, every
other request is the contract's 409, none is a 500, and the events on the bus match the
answers one for one and end in the subject's final state.
"""
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine, text

from tests.documents_support import announce_meeting, register_when_known, working_document
from tests.support import nominate, schedule_meeting, wait_for
from tests.travel_support import TICKET, EventTap, confirmed, meeting_scheduled

pytestmark = pytest.mark.parametrize("database_kind", ["postgresql"])


@dataclass
class Race:
    """Concurrent `requests` (method, path, body, organisation) against `subjects`."""

    service: object
    requests: list
    subjects: list
    legal: set  # how many requests may succeed: one per legal move
    event_types: tuple
    status_path: str = ""  # GET path of a subject, "{id}" filled in
    extra: dict = field(default_factory=dict)


def fire(service, requests):
    """All requests at once (released together by a barrier); [(status, body)]."""
    barrier = threading.Barrier(len(requests))

    def send(request):
        method, path, body, organisation = request
        barrier.wait()
        response = service.client.request(method, path, json=body, as_=organisation)
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def published_everything(service):
    engine = create_engine(service.config["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.scalar(text(
                "SELECT count(*) FROM outbox WHERE published_at IS NULL")) == 0
    finally:
        engine.dispose()


# The subjects of each row, brought to the state the race starts from.

def _registration(services, *, confirm=False, **nominee):
    registration = services.start("registration")
    meeting = schedule_meeting(registration)
    nominees = [nominate(registration, meeting["id"], number, **nominee) for number in range(2)]
    if confirm:
        for person in nominees:
            assert registration.client.post(f"/registrations/{person['id']}/confirm",
                                             json={"funded": False}).status_code == 200
    return registration, meeting, nominees[0]


def confirm_twenty(services):
    registration, _, person = _registration(services)
    path = f"/registrations/{person['id']}/confirm"
    return Race(registration, [("POST", path, {"funded": False}, "mc")] * 20, [person["id"]],
                {1}, ("registration_confirmed",), "/registrations/{id}")


def reject_ten(services):
    registration, _, person = _registration(services)
    return Race(registration, [("POST", f"/registrations/{person['id']}/reject", None, "mc")]
                * 10, [person["id"]], {1}, ("registration_rejected",), "/registrations/{id}")


def withdraw_ten(services):
    registration, _, person = _registration(services)
    return Race(registration, [("POST", f"/registrations/{person['id']}/withdraw", None, "mc")]
                * 10, [person["id"]], {1}, ("registration_withdrawn",), "/registrations/{id}")


def check_in_ten(services):
    registration, _, person = _registration(services, confirm=True)
    desks = ["mc", "chb", "brs"] * 4
    return Race(registration, [("POST", f"/registrations/{person['id']}/check-in", None, desk)
                               for desk in desks[:10]],
                [person["id"]], {1}, ("participant_checked_in",), "/registrations/{id}")


def confirms_racing_withdrawals(services):
    registration, _, person = _registration(services)
    base = f"/registrations/{person['id']}"
    requests = ([("POST", base + "/confirm", {"funded": False}, "mc")] * 5
                + [("POST", base + "/withdraw", None, "mc")] * 5)
    # confirm then withdraw (2 moves), or withdraw first (1 move, no confirm after it)
    return Race(registration, requests, [person["id"]], {1, 2},
                ("registration_confirmed", "registration_withdrawn"), "/registrations/{id}")


def funding_one_per_country(services):
    registration = services.start("registration")
    meeting = schedule_meeting(registration)
    kenyans = [nominate(registration, meeting["id"], number, country="KEN")
               for number in range(4)]
    requests = [("POST", f"/registrations/{person['id']}/confirm", {"funded": True}, "mc")
                for person in kenyans]
    return Race(registration, requests, [person["id"] for person in kenyans], {1},
                ("registration_confirmed",), "/registrations/{id}")


def credentials_review(services):
    registration, _, person = _registration(services, confirm=True)
    credentials = registration.client.post(
        f"/registrations/{person['id']}/credentials",
        json={"issued_by": "minister_for_foreign_affairs", "issued_on": "2018-11-01"}).json()
    decisions = [{"decision": "accepted"}, {"decision": "deficient", "reason": "Unsigned."}]
    return Race(registration, [("POST", f"/credentials/{credentials['id']}/review",
                                decisions[number % 2], "mc") for number in range(10)],
                [credentials["id"]], {1}, ("credentials_reviewed",), "/credentials/{id}")


def observer_decision(services):
    registration = services.start("registration")
    meeting = schedule_meeting(registration)
    request = registration.client.post(f"/meetings/{meeting['id']}/observer-requests", json={
        "organisation": "Zero Mercury Working Group", "kind": "ngo",
        "contact_email": "info@zeromercury.org", "country": "BEL"}).json()
    decisions = [{"decision": "admitted"}, {"decision": "refused", "reason": "Not relevant."}]
    return Race(registration, [("POST", f"/observer-requests/{request['id']}/decide",
                                decisions[number % 2], "mc") for number in range(10)],
                [request["id"]], {1}, ("observer_request_decided",), "/observer-requests/{id}")


def side_events_into_one_room(services):
    registration = services.start("registration")
    meeting = schedule_meeting(registration)
    lunch = {"preferred_starts_at": "2018-11-20T13:15:00+01:00",
             "preferred_ends_at": "2018-11-20T14:45:00+01:00"}
    side_events = [registration.client.post(f"/meetings/{meeting['id']}/side-events", json={
        "title": f"Side event {number}", "organiser": "BRS Secretariat",
        "contact_email": "se@brs.org", **lunch}).json() for number in range(6)]
    # each decided twice at once, all six wanting room XVI at lunch: one gets it
    requests = [("POST", f"/side-events/{event['id']}/decide",
                 {"decision": "accepted", "room": "XVI"}, "mc") for event in side_events] * 2
    return Race(registration, requests, [event["id"] for event in side_events], {1},
                ("side_event_decided",), "/side-events/{id}")


def _document(services, *, steps=(), languages=None):
    documents = services.start("documents")
    meeting_id = announce_meeting(services)
    body = working_document(meeting_id, **({"languages": languages} if languages else {}))
    document = register_when_known(documents, body)
    for step, organisation in steps:
        response = documents.client.post(f"/documents/{document['id']}/{step}",
                                         as_=organisation)
        assert response.status_code == 200, response.text
    return documents, document


def _document_race(documents, document, step, organisation, event_type, times=10):
    return Race(documents, [("POST", f"/documents/{document['id']}/{step}", None,
                             organisation)] * times,
                [document["id"]], {1}, (event_type,), "/documents/{id}")


def submit_ten(services):
    return _document_race(*_document(services), "submit", "mc", "document_submitted")


def edited_ten(services):
    documents, document = _document(services, steps=[("submit", "mc")])
    return _document_race(documents, document, "edited", "unon-dcs", "document_edited")


def one_translation_ten_times(services):
    documents, document = _document(services, steps=[("submit", "mc"), ("edited", "unon-dcs")])
    return _document_race(documents, document, "translations/fr", "unon-dcs",
                          "translation_completed")


def every_translation_at_once(services):
    documents, document = _document(services, steps=[("submit", "mc"), ("edited", "unon-dcs")])
    requests = [("POST", f"/documents/{document['id']}/translations/{language}", None,
                 "unon-dcs") for language in ("ar", "zh", "fr", "ru", "es") for _ in range(2)]
    # each language once: the last one done makes the document translated, whichever it is
    return Race(documents, requests, [document["id"]], {5}, ("translation_completed",),
                "/documents/{id}", extra={"final_status": "translated"})


def publish_ten(services):
    documents, document = _document(services, languages=["en", "fr", "es"], steps=[
        ("submit", "mc"), ("edited", "unon-dcs"), ("translations/fr", "unon-dcs"),
        ("translations/es", "unon-dcs")])
    return _document_race(documents, document, "publish", "mc", "document_published")


def _travel_case(services):
    travel = services.start("travel")
    meeting_id = announce_meeting(services)
    services.publish("registration", meeting_scheduled(meeting_id))
    assert travel.client.put("/dsa-rates/Geneva", json={
        "daily": {"amount": "400.00", "currency": "USD"},
        "valid_from": "2018-01-01"}).status_code == 200
    services.publish("registration", confirmed(meeting_id))
    case = wait_for(lambda: (items := travel.client.get(
        "/travel-cases", params={"meeting_id": meeting_id}).json()["items"])
        and items[0]["entitlement"] and items[0], message="the travel case")
    return travel, case


def ticket_ten(services):
    travel, case = _travel_case(services)
    return Race(travel, [("POST", f"/travel-cases/{case['id']}/ticket", TICKET, "mc")] * 10,
                [case["id"]], {1}, ("ticket_issued",), "/travel-cases/{id}")


def dsa_payment_ten(services):
    travel, case = _travel_case(services)
    payment = {"amount": case["entitlement"], "paid_on": "2018-11-19"}
    return Race(travel, [("POST", f"/travel-cases/{case['id']}/dsa-payment", payment, "mc")]
                * 10, [case["id"]], {1}, ("dsa_paid",), "/travel-cases/{id}")


def _support_request(services, steps=()):
    support = services.start("support")
    meeting_id = announce_meeting(services)
    agreement = {"meeting_id": meeting_id, "provider": "brs", "category": "it_equipment",
                 "basis": "reimbursement"}
    wait_for(lambda: support.client.post("/agreements", json=agreement).status_code == 201,
             message="the meeting to reach support")
    request = support.client.post("/support-requests", json={
        "meeting_id": meeting_id, "provider": "brs", "category": "it_equipment",
        "description": "Laptops", "quantity": 4}).json()
    for step, body, organisation in steps:
        response = support.client.post(f"/support-requests/{request['id']}/{step}", json=body,
                                       as_=organisation)
        assert response.status_code == 200, response.text
    return support, request


INVOICE = {"amount": {"amount": "800.00", "currency": "USD"}}
ACCEPTED = [("accept", None, "brs")]
DELIVERED = ACCEPTED + [("deliver", None, "brs")]
INVOICED = DELIVERED + [("invoice", INVOICE, "brs")]


def _support_race(steps, action, body, organisation, event_type):
    def race(services):
        support, request = _support_request(services, steps)
        return Race(support, [("POST", f"/support-requests/{request['id']}/{action}", body,
                               organisation)] * 10,
                    [request["id"]], {1}, (event_type,), "/support-requests/{id}")
    race.__name__ = f"support_{action}_ten"
    return race


RACES = [
    confirm_twenty, reject_ten, withdraw_ten, check_in_ten, confirms_racing_withdrawals,
    funding_one_per_country, credentials_review, observer_decision, side_events_into_one_room,
    submit_ten, edited_ten, one_translation_ten_times, every_translation_at_once, publish_ten,
    ticket_ten, dsa_payment_ten,
    _support_race((), "accept", None, "brs", "support_accepted"),
    _support_race((), "decline", {"reason": "No laptops left."}, "brs", "support_declined"),
    _support_race(ACCEPTED, "deliver", None, "brs", "support_delivered"),
    _support_race(DELIVERED, "invoice", INVOICE, "brs", "support_invoiced"),
    _support_race(INVOICED, "settle", None, "mc", "support_settled"),
]


@pytest.mark.parametrize("setup", RACES, ids=[race.__name__ for race in RACES])
def test_concurrent_requests_make_each_legal_move_once(services, setup):
    race = setup(services)
    tap = EventTap(services.amqp_uri, race.service.name)
    try:
        answers = fire(race.service, race.requests)
        statuses = Counter(status for status, _ in answers)
        successes = sum(count for status, count in statuses.items() if status in (200, 201))
        assert successes in race.legal, statuses
        assert set(statuses) <= {200, 201, 409}, [body for status, body in answers
                                                  if status not in (200, 201, 409)]
        assert all(body["error"]["code"] for status, body in answers if status == 409)

        wait_for(lambda: published_everything(race.service), message="the outbox to drain")
        events = [event for event in tap.events() if event["type"] in race.event_types
                  and event["subject"]["id"] in race.subjects]
        assert len(events) == successes, [event["type"] for event in events]
        for subject in race.subjects:
            current = race.service.client.get(race.status_path.format(id=subject)).json()
            about_it = [event for event in events if event["subject"]["id"] == subject]
            if about_it:
                assert about_it[-1]["data"]["status"] == current["status"]
        if "final_status" in race.extra:
            assert current["status"] == race.extra["final_status"]
    finally:
        tap.close()



def test_concurrent_nominations_take_distinct_reference_numbers(services):
    registration = services.start("registration")
    meeting = schedule_meeting(registration)
    with ThreadPoolExecutor(max_workers=6) as pool:
        references = list(pool.map(
            lambda number: nominate(registration, meeting["id"], number)["reference"],
            range(6)))
    assert sorted(references) == [f"COP-2/REG/{n:04d}" for n in range(1, 7)]


def test_numbers_stay_gap_free_when_nominations_lose_e_mail_races_beside_a_delegation(services):
    """A nomination takes its number last, after its checks: two nominations of one
    e-mail may both pass the check and both take a number, and the loser's number must
    come back when it rolls back; a delegation file takes several numbers at once."""
    registration = services.start("registration")
    meeting = schedule_meeting(registration)
    path = f"/meetings/{meeting['id']}/registrations"
    delegation = "given_name,family_name,email,country,category,organisation\n" + "".join(
        f"Ana,File {n},file.{n}@example.org,PER,party,Ministry\n" for n in range(3))
    requests = [{"given_name": "Ana", "family_name": f"Pérez {n}", "country": "PER",
                 "email": f"ana.perez.{n % 4}@example.org", "category": "party",
                 "organisation": "Ministry"} for n in range(8)] + [delegation]
    barrier = threading.Barrier(len(requests))

    def send(request):
        barrier.wait()
        if isinstance(request, str):
            return registration.client.post(path + ".csv", data=request.encode(),
                                            headers={"Content-Type": "text/csv"})
        return registration.client.post(path, json=request)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        responses = list(pool.map(send, requests))
    statuses = Counter(response.status_code for response in responses)
    assert statuses == {201: 5, 409: 4}, [response.text for response in responses]
    assert all(response.json()["error"]["fields"] == {"email": ["Already registered."]}
               for response in responses if response.status_code == 409)
    references = [response.json()["reference"] for response in responses[:8]
                  if response.status_code == 201]
    references += [item["reference"] for item in responses[8].json()["items"]]
    assert sorted(references) == [f"COP-2/REG/{n:04d}" for n in range(1, 8)]
    assert nominate(registration, meeting["id"], 99)["reference"] == "COP-2/REG/0008"
