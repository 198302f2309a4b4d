"""CONTRACT.md "Everywhere": auth, errors, health and OpenAPI, on every service."""
import json

import psycopg2
import pytest
import requests
from sqlalchemy.engine import make_url

from coord.http import encode_cursor
from coord.settings import SERVICES
from tests.databases import POSTGRESQL
from tests.support import BrokerDoor, COP2, feed_types, schedule_meeting, wait_for


@pytest.mark.parametrize("name", SERVICES)
def test_health_and_openapi_answer_without_a_token(services, name):
    service = services.start(name)
    health = requests.get(service.url + "/health", timeout=5)
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "service": name, "database": "ok", "broker": "ok"}
    document = requests.get(service.url + "/openapi.json", timeout=5).json()
    assert document["openapi"].startswith("3.")
    assert "/health" in document["paths"]


def test_health_is_503_while_the_broker_is_unreachable(services):
    door = BrokerDoor(services.rabbit_config["vhost"])
    registration = services.start("registration", AMQP_URI=door.amqp_uri)

    def health():
        answer = requests.get(registration.url + "/health", timeout=5)
        return answer.status_code, answer.json()["broker"]

    assert health() == (200, "ok")
    door.shut()
    wait_for(lambda: health() == (503, "unreachable"), message="/health to say 503")
    door.open()
    wait_for(lambda: health() == (200, "ok"), message="/health to recover")


def test_a_request_while_the_database_is_away_is_503_and_does_nothing(
        services, database_kind):
    if database_kind != "postgresql":
        pytest.skip("a SQLite file cannot be taken away from a running process")
    registration = services.start("registration")
    database = make_url(registration.config["DATABASE_URL"]).database
    admin = psycopg2.connect(f"{POSTGRESQL}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS false')
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = %s", (database,))
        try:
            refused = registration.client.post("/meetings", json={**COP2, "code": "AWAY-1"})
        finally:
            cursor.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS true')
    admin.close()

    assert refused.status_code == 503
    assert refused.json()["error"]["code"] == "unavailable"
    assert refused.headers["Retry-After"] == "5"
    assert registration.client.get("/meetings").json()["items"] == []
    assert registration.client.post("/meetings", json={**COP2, "code": "AWAY-1"}).status_code == 201


def test_openapi_describes_requests_with_the_validating_schemas(services):
    registration = services.start("registration")
    document = registration.client.get("/openapi.json").json()
    create = document["paths"]["/meetings"]["post"]
    schema_ref = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][schema_ref.rsplit("/", 1)[-1]]
    assert set(schema["required"]) == set(COP2)
    assert schema["properties"]["kind"]["enum"][0] == "cop"
    assert create["security"] == [{"bearer": []}]
    assert {"201", "400", "401", "403", "409"} <= set(create["responses"])
    assert "/registrations/{registration_id}/confirm" in document["paths"]
    upload = document["paths"]["/meetings/{meeting_id}/registrations.csv"]["post"]
    assert list(upload["requestBody"]["content"]) == ["text/csv"]


def _error(response, status, code=None):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["message"]
    if code:
        assert error["code"] == code
    return error


def test_refused_requests_change_nothing_and_emit_nothing(services):
    registration = services.start("registration")
    notifications = services.start("notifications")
    client = registration.client

    _error(client.post("/meetings", json=COP2, as_=None), 401, "unauthenticated")
    _error(client.post("/meetings", json=COP2, as_=None,
                       headers={"Authorization": "Bearer forged"}), 401)
    _error(client.post("/meetings", json=COP2, as_="brs"), 403, "forbidden")
    _error(client.post("/meetings", data="{oops", headers={
        "Content-Type": "application/json"}), 400, "malformed_json")
    error = _error(client.post("/meetings", json={**COP2, "kind": "party", "extra": 1,
                                                  "starts_on": "19/11/2018"}), 400)
    assert set(error["fields"]) == {"kind", "extra", "starts_on"}
    error = _error(client.post("/meetings", json={**COP2, "ends_on": "2018-11-18"}), 400)
    assert "ends_on" in error["fields"]
    _error(client.post("/meetings", json={**COP2, "country": "XXX"}), 400, "unknown_country")
    assert client.get("/meetings").json() == {"items": [], "next_cursor": None}

    meeting = schedule_meeting(registration)
    _error(client.post("/meetings", json=COP2), 409, "duplicate")
    _error(client.get("/meetings/does-not-exist"), 404, "not_found")
    _error(client.get("/no/such/path"), 404, "not_found")
    _error(client.request("DELETE", "/meetings"), 405, "method_not_allowed")
    _error(client.get("/meetings", params={"cursor": "%%%"}), 400, "malformed_cursor")
    _error(client.get("/meetings", params={"limit": 0}), 400)

    wait_for(lambda: feed_types(notifications) == ["meeting_scheduled"],
             message="the one accepted meeting")
    assert [m["id"] for m in client.get("/meetings").json()["items"]] == [meeting["id"]]


def test_a_create_answers_201_with_what_get_returns(services):
    registration = services.start("registration")
    meeting = schedule_meeting(registration)
    assert registration.client.get(f"/meetings/{meeting['id']}").json() == meeting


def test_lists_page_with_their_cursor_and_refuse_tampered_ones(services):
    registration = services.start("registration")
    for number, starts_on in enumerate(("2018-03-05", "2018-05-29", "2018-11-19")):
        schedule_meeting(registration, code=f"M-{number}", starts_on=starts_on,
                         ends_on=starts_on)
    first = registration.client.get("/meetings", params={"limit": 2}).json()
    second = registration.client.get("/meetings", params={
        "limit": 2, "cursor": first["next_cursor"]}).json()
    assert [m["code"] for m in first["items"] + second["items"]] == ["M-0", "M-1", "M-2"]
    assert second["next_cursor"] is None
    for tampered in (encode_cursor([1]), encode_cursor(["not a date", "x"]), encode_cursor(7)):
        _error(registration.client.get("/meetings", params={"cursor": tampered}), 400,
               "malformed_cursor")


def test_text_with_control_characters_or_lone_surrogates_is_refused(services):
    registration = services.start("registration")
    body = json.dumps({**COP2, "title": "COP\u0001", "city": "Gen\ud800"})
    error = _error(registration.client.post("/meetings", data=body, headers={
        "Content-Type": "application/json"}), 400, "invalid_characters")
    assert set(error["fields"]) == {"title", "city"}
    _error(registration.client.get("/meetings", params={"kind": "cop\x01"}), 400,
           "invalid_characters")
    assert registration.client.get("/meetings").json()["items"] == []
