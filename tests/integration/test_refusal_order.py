"""The order of refusals and the limits on what a request may be (CONTRACT.md v1.1): 401,
then 403 before the body is read, then 413 / 400, then 404 / 409; every refusal, down to
one the HTTP server makes itself, in the contract's error body."""
import json
import socket

import pytest

from tests.registration_support import error_of
from tests.support import COP2


def test_401_then_403_then_400_then_404(services):
    registration = services.start("registration")
    client = registration.client
    invalid = {"code": "", "kind": "party"}
    error_of(client.post("/meetings", json=invalid, as_=None), 401, "unauthenticated")
    error_of(client.post("/meetings", data="{oops", as_=None,
                         headers={"Authorization": "Bearer forged",
                                  "Content-Type": "application/json"}), 401)
    # brs may never schedule a meeting: told so, not which of its fields are wrong.
    error = error_of(client.post("/meetings", json=invalid, as_="brs"), 403, "forbidden")
    assert error["fields"] == {}
    error_of(client.post("/meetings", data="{oops", as_="brs",
                         headers={"Content-Type": "application/json"}), 403, "forbidden")
    error_of(client.post("/meetings", json=invalid), 400, "validation_failed")
    # The subject is looked for only once the body is valid.
    error_of(client.post("/registrations/no-such-id/confirm", json={"funded": "maybe"}),
             400, "validation_failed")
    error_of(client.post("/registrations/no-such-id/confirm", json={"funded": "maybe"},
                         as_="chb"), 403, "forbidden")
    error_of(client.post("/registrations/no-such-id/confirm", json={"funded": True}),
             404, "not_found")


@pytest.mark.parametrize("depth", [33, 1_000, 100_000])
def test_a_deeply_nested_body_is_400_never_500(services, depth):
    registration = services.start("registration")
    body = "[" * depth + "]" * depth
    error = error_of(registration.client.post(
        "/meetings", data=body, headers={"Content-Type": "application/json"}), 400, "too_deep")
    assert "32" in error["message"]


def test_nesting_up_to_the_limit_is_read(services):
    registration = services.start("registration")
    nested = {"title": COP2["title"]}
    for _ in range(30):
        nested = {"x": nested}
    error = error_of(registration.client.post("/meetings", json={**COP2, "extra": nested}),
                     400, "validation_failed")
    assert set(error["fields"]) == {"extra"}


def test_a_body_over_the_endpoints_limit_is_413_and_changes_nothing(services):
    registration = services.start("registration")
    oversized = {**COP2, "title": "x" * 300_000}
    error = error_of(registration.client.post("/meetings", json=oversized), 413,
                     "body_too_large")
    assert "262144" in error["message"]
    # Sent in chunks, without a Content-Length, it is refused all the same.
    chunks = iter([json.dumps(oversized).encode()[i:i + 65536]
                   for i in range(0, 400_000, 65536)])
    error_of(registration.client.post("/meetings", data=chunks,
                                      headers={"Content-Type": "application/json"}),
             413, "body_too_large")
    assert registration.client.get("/meetings").json()["items"] == []
    # A body in chunks within the limit is read whole.
    scheduled = registration.client.post("/meetings", data=iter([
        json.dumps(COP2)[:100].encode(), json.dumps(COP2)[100:].encode()]),
        headers={"Content-Type": "application/json"})
    assert scheduled.status_code == 201, scheduled.text
    meeting = scheduled.json()
    # A delegation file may be larger than any JSON body.
    rows = "".join(f"Name{i},Family{i},person{i}@example.org,KEN,party,{'M' * 280}\n"
                   for i in range(1000))
    csv = "given_name,family_name,email,country,category,organisation\n" + rows
    assert len(csv) > 300_000
    uploaded = registration.client.post(f"/meetings/{meeting['id']}/registrations.csv",
                                        data=csv.encode(), headers={"Content-Type": "text/csv"})
    assert uploaded.status_code == 201, uploaded.text[:500]


def _raw_exchange(url, request_bytes):
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request_bytes)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split()[1]), dict(
        line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:]), body


@pytest.mark.parametrize("request_bytes, status, code", [
    (b"GET /meetings HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n",
     400, "header_too_large"),
    (b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "url_too_long"),
    (b"GET /meetings HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400, "bad_request"),
    (b"BREW /pot HTCPCP/1.0\r\n\r\n", 400, "bad_request"),
])
def test_requests_the_server_cannot_parse_get_the_error_body(services, request_bytes,
                                                             status, code):
    registration = services.start("registration")
    answered, headers, body = _raw_exchange(registration.url, request_bytes)
    assert answered == status
    assert headers["Content-Type"] == "application/json"
    error = json.loads(body)["error"]
    assert error["code"] == code and error["message"] and error["fields"] == {}


def test_a_token_in_a_query_string_is_refused_even_with_a_good_header(services):
    registration = services.start("registration")
    token = services.tokens.plain["mc"]
    error_of(registration.client.get("/meetings", params={"access_token": token}), 401,
             "token_in_url")
    error_of(registration.client.get("/meetings", params={"access_token": token}, as_=None),
             401, "token_in_url")
