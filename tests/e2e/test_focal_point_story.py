"""A Party's focal point from its first token to its revocation, on the real processes
(`python -m coord.run`), and then every line every process logged searched for every
token and every stream ticket that was used: none may be there."""
import requests

from tests.e2e.processes import run_services
from tests.support import COP2, wait_for

SERVICES = ("registration", "travel", "documents", "support", "notifications")
READS = {"registration": "/meetings", "travel": "/travel-cases", "documents": "/documents",
         "support": "/agreements", "notifications": "/feed"}
DELEGATION = (
    "given_name,family_name,email,country,category,organisation\n"
    "Mwila,Banda,mwila.banda@mgee.gov.zm,ZMB,party,Ministry of Green Economy\n"
    "Chanda,Phiri,chanda.phiri@mgee.gov.zm,ZMB,party,Ministry of Green Economy\n")


def test_a_focal_point_nominates_its_delegation_and_no_log_line_holds_a_secret(
        processes, services, tmp_path):
    # access lines on (they are DEBUG by default): the requests that carried a ticket
    # or a token in their URL are among the lines searched for secrets
    started, url = run_services(processes, SERVICES, services.amqp_uri,
                                services.tokens.path, tmp_path / "var",
                                COORD_ACCESS_LOG="on")
    mc = services.tokens.headers("mc")

    def call(method, service, path, headers=mc, **kwargs):
        return requests.request(method, url[service] + path, headers=headers, timeout=15,
                                **kwargs)

    meeting = call("POST", "registration", "/meetings", json=COP2).json()
    created = call("POST", "registration", "/organisations", json={
        "code": "party-ZMB", "kind": "party", "name": "Zambia", "country": "ZMB"})
    assert created.status_code == 201, created.text
    issued = call("POST", "registration", "/organisations/party-ZMB/tokens")
    assert issued.status_code == 201, issued.text
    token = issued.json()["token"]
    zambia = {"Authorization": f"Bearer {token}"}

    delegation = call("POST", "registration", f"/meetings/{meeting['id']}/registrations.csv",
                      headers={**zambia, "Content-Type": "text/csv"},
                      data=DELEGATION.encode())
    assert delegation.status_code == 201, delegation.text
    delegates = delegation.json()["items"]
    letter = call("PUT", "registration", f"/meetings/{meeting['id']}/nomination-letters/ZMB",
                  headers={**zambia, "Content-Type": "application/pdf"},
                  data=b"%PDF-1.4\n% Zambia's nomination letter\n%%EOF\n")
    assert letter.status_code == 200, letter.text
    for delegate in delegates:
        credentials = call("POST", "registration",
                           f"/registrations/{delegate['id']}/credentials", headers=zambia,
                           json={"issued_by": "minister_for_foreign_affairs"})
        assert credentials.status_code == 201, credentials.text
    confirmed = call("POST", "registration", f"/registrations/{delegates[0]['id']}/confirm",
                     json={"funded": False})
    assert confirmed.json()["status"] == "confirmed"
    peru = call("POST", "registration", f"/meetings/{meeting['id']}/registrations",
                headers=zambia, json={
                    "given_name": "Ana", "family_name": "Quispe", "email": "aq@minam.gob.pe",
                    "country": "PER", "category": "party", "organisation": "MINAM",
                    "funding_requested": False, "visa_letter_requested": False})
    assert peru.status_code == 403

    for name in SERVICES:
        wait_for(lambda: call("GET", name, READS[name], headers=zambia).status_code == 200,
                 timeout=60, message=f"party-ZMB's token to work on {name}")

    tickets = []
    for path in ("/feed.atom", "/digest.txt", "/feed/stream"):
        ticket = call("POST", "notifications", "/stream-tickets", headers=zambia).json()
        tickets.append(ticket["ticket"])
        with call("GET", "notifications", path, headers={},
                  params={"ticket": ticket["ticket"]}, stream=True) as read:
            assert read.status_code == 200
    refused = call("GET", "notifications", "/feed.atom", headers={},
                   params={"access_token": token})
    assert refused.status_code == 401
    partner_token = services.tokens.plain["brs"]
    assert call("GET", "notifications", "/digest.txt", headers={},
                params={"access_token": partner_token}).status_code == 401

    token_id = issued.json()["id"]
    revoked = call("DELETE", "registration", f"/organisations/party-ZMB/tokens/{token_id}")
    assert revoked.status_code == 200
    for name in SERVICES:
        wait_for(lambda: call("GET", name, READS[name], headers=zambia).status_code == 401,
                 timeout=60, message=f"the revocation to hold on {name}")

    secrets = [token, partner_token, services.tokens.plain["mc"], *tickets]
    lines = [line for process in started.values()
             for line in processes.log(process).splitlines()]
    assert len(lines) > 50  # every process logged its requests
    assert any("GET /feed.atom" in line and " 401" in line for line in lines)
    leaks = [line for line in lines if any(secret in line for secret in secrets)]
    assert leaks == []
