"""The Python client (clients/python) against the real services: every operation has a
method, lists page, refusals are exceptions with the contract's code and fields, and only
idempotent calls are sent again after a 503."""
import pytest
import requests

from coord.settings import SERVICES
from coord_client import (
    BadRequest, Conflict, Coord, Forbidden, ServiceUnreachable, Unauthorized, Unavailable,
)
from coord_client.client import SERVICE_CLIENTS
from coord_client.resources import Meeting, Registration, TravelCase
from tests.support import COP2, StubService, free_port, wait_for
from tests.travel_support import TICKET, open_cases


def client_for(services_by_name, tokens, organisation="mc", **kwargs):
    return Coord(tokens.plain[organisation],
                 {name: service.url for name, service in services_by_name.items()}, **kwargs)


def test_every_operation_of_every_service_has_a_client_method(services):
    for name in SERVICES:
        service = services.start(name)
        document = requests.get(service.url + "/openapi.json", timeout=10).json()
        served = {(method.upper(), path): operation["operationId"]
                  for path, operations in document["paths"].items()
                  for method, operation in operations.items()}
        table = SERVICE_CLIENTS[name].operations
        known = {(operation.method, operation.path): method_name
                 for method_name, operation in table.items()}
        missing = {key: op_id for key, op_id in served.items() if known.get(key) != op_id}
        assert not missing, f"{name}: no client method for {missing}"
        stale = {key: method for key, method in known.items() if key not in served}
        assert not stale, f"{name}: client methods for operations it does not serve: {stale}"
        service.stop()


def test_brs_lists_its_open_cases_page_by_page_and_tickets_one(services):
    travel = services.start("travel", TRAVEL_TODAY="2018-11-10")
    registration = services.start("registration")
    meeting_id = "5f0e7a52-4c3b-4b7c-9a43-2d7c8c1e0b01"
    open_cases(services, meeting_id, ("africa", "grulac", "asia-pacific", "weog"))
    running = {"travel": travel, "registration": registration}
    brs = client_for(running, services.tokens, "brs")

    def brs_cases():
        return list(brs.travel.list_cases(owner="brs", status="open", limit=1))

    cases = wait_for(lambda: len(brs_cases()) == 3 and brs_cases(), message="brs's cases")
    assert all(isinstance(case, TravelCase) and case.travel_owner == "brs" for case in cases)
    assert len({case.id for case in cases}) == 3
    assert {case.region for case in cases} == {"africa", "grulac", "asia-pacific"}

    ticketed = brs.travel.issue_ticket(cases[0].id, **TICKET)
    assert ticketed.status == "ticketed"
    assert len(list(brs.travel.list_cases(owner="brs", status="open"))) == 2
    with pytest.raises(Conflict) as refused:
        brs.travel.issue_ticket(cases[0].id, **TICKET)
    assert refused.value.status == 409 and refused.value.code

    mc = client_for(running, services.tokens)
    with pytest.raises(BadRequest) as invalid:
        mc.registration.schedule_meeting(**{**COP2, "starts_on": "not a date"})
    assert "starts_on" in invalid.value.fields
    meeting = mc.registration.schedule_meeting(**COP2)
    assert isinstance(meeting, Meeting) and meeting.code == "COP-2"
    nominee = mc.registration.register(
        meeting.id, given_name="Ana", family_name="Pérez", email="ana@example.org",
        country="PER", category="party", organisation="Ministry of Environment",
        funding_requested=True, visa_letter_requested=False)
    assert isinstance(nominee, Registration) and nominee.status == "nominated"
    with pytest.raises(Forbidden):
        brs.registration.confirm(nominee.id, funded=False)


def test_refused_tokens_and_missing_services_are_errors_a_person_can_read(services):
    travel = services.start("travel")
    stranger = Coord("not-a-token", {"travel": travel.url})
    with pytest.raises(Unauthorized) as refused:
        list(stranger.travel.list_cases())
    assert refused.value.status == 401 and "token" in str(refused.value)
    nowhere = Coord("any", {"travel": f"http://127.0.0.1:{free_port()}"}, retries=1,
                    backoff=0)
    with pytest.raises(ServiceUnreachable) as unreachable:
        nowhere.travel.get_case("c1")
    assert "connection refused" in str(unreachable.value)


def test_reads_are_retried_after_a_503_and_posts_are_sent_once():
    flaky = StubService([503, 503])
    try:
        client = Coord("t", {"registration": flaky.url}, retries=3, backoff=0.01)
        assert client.registration.get_registration("r1").status == "ok"
        assert flaky.requests == ["GET", "GET", "GET"]
        flaky.requests.clear()
        flaky.statuses = [503, 503]
        with pytest.raises(Unavailable) as refused:
            client.registration.confirm("r1", funded=False)
        assert refused.value.status == 503
        assert flaky.requests == ["POST"]
    finally:
        flaky.close()
