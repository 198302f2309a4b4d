"""Organisations as data: mc makes a Party's focal point or an observer organisation,
issues it tokens, and it nominates its own people on the real services (CONTRACT.md v1.1
"Organisations and focal points")."""
import requests

from tests.registration_support import error_of
from tests.support import nominate, schedule_meeting, wait_for

HEADER = "given_name,family_name,email,country,category,organisation\n"
ZAMBIA = ("Mwila,Banda,mwila.banda@mgee.gov.zm,ZMB,party,Ministry of Green Economy\n"
          "Chanda,Phiri,chanda.phiri@mgee.gov.zm,ZMB,party,Ministry of Green Economy\n")


def make_organisation(registration, **body):
    response = registration.client.post("/organisations", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def issue_token(registration, code):
    response = registration.client.post(f"/organisations/{code}/tokens")
    assert response.status_code == 201, response.text
    return response.json()


def as_token(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_party_focal_point_nominates_its_delegation_and_mc_confirms(services):
    registration = services.start("registration")
    meeting = schedule_meeting(registration, starts_on="2099-11-19", ends_on="2099-11-23")
    zambia = make_organisation(registration, code="party-ZMB", kind="party",
                               name="Zambia", country="ZMB")
    assert zambia["kind"] == "party" and zambia["country"] == "ZMB"
    issued = issue_token(registration, "party-ZMB")
    assert set(issued) == {"id", "token", "created_at"}
    focal_point = as_token(issued["token"])
    client = registration.client
    invited = client.post(f"/meetings/{meeting['id']}/invitations", json={
        "parties": ["ZMB"], "nominations_due": meeting["starts_on"]})
    assert invited.status_code == 201, invited.text

    delegation = client.post(f"/meetings/{meeting['id']}/registrations.csv",
                             data=(HEADER + ZAMBIA).encode(), as_=None,
                             headers={**focal_point, "Content-Type": "text/csv"})
    assert delegation.status_code == 201, delegation.text
    first, second = delegation.json()["items"]
    assert {first["status"], second["status"]} == {"nominated"}
    for nominee in (first, second):
        credentials = client.post(f"/registrations/{nominee['id']}/credentials", as_=None,
                                  headers=focal_point,
                                  json={"issued_by": "minister_for_foreign_affairs"})
        assert credentials.status_code == 201, credentials.text

    # the focal point sees its invitation answered
    invitations = client.get(f"/meetings/{meeting['id']}/invitations", as_=None,
                             headers=focal_point, params={"country": "ZMB"})
    assert [item["status"] for item in invitations.json()["items"]] == [
        "nominations_received"]

    # mc still confirms; the focal point may not.
    error_of(client.post(f"/registrations/{first['id']}/confirm", json={"funded": False},
                         as_=None, headers=focal_point), 403, "forbidden")
    confirmed = client.post(f"/registrations/{first['id']}/confirm", json={"funded": False})
    assert confirmed.json()["status"] == "confirmed"
    withdrawn = client.post(f"/registrations/{second['id']}/withdraw", as_=None,
                            headers=focal_point)
    assert withdrawn.json()["status"] == "withdrawn"

    # Another country's people are not the focal point's: 403, and nothing is stored.
    peru = nominate(registration, meeting["id"], 1)
    error_of(client.post(f"/registrations/{peru['id']}/withdraw", as_=None,
                         headers=focal_point), 403, "forbidden")
    error_of(client.post(f"/registrations/{peru['id']}/credentials", as_=None,
                         headers=focal_point, json={"issued_by": "head_of_state"}),
             403, "forbidden")
    mixed = HEADER + ZAMBIA.replace("mgee.gov.zm", "example.zm") + \
        "Ana,Quispe,ana.quispe@minam.gob.pe,PER,party,Ministerio del Ambiente\n"
    error_of(client.post(f"/meetings/{meeting['id']}/registrations.csv", as_=None,
                         data=mixed.encode(), headers={**focal_point,
                                                       "Content-Type": "text/csv"}),
             403, "forbidden")
    error_of(client.post(f"/meetings/{meeting['id']}/registrations", as_=None,
                         headers=focal_point, json={
                             "given_name": "Mwila", "family_name": "Banda",
                             "email": "m.banda@example.zm", "country": "ZMB",
                             "category": "media", "organisation": "Zambia Daily Mail",
                             "funding_requested": False, "visa_letter_requested": False}),
             403, "forbidden")
    listed = client.get(f"/meetings/{meeting['id']}/registrations").json()["items"]
    assert sorted(item["country"] for item in listed) == ["PER", "ZMB", "ZMB"]

    # Its nomination letter, read back by it and by mc; Peru's is not its to give or read.
    letter = b"%PDF-1.4\n% Zambia nominates its delegation to COP-2\n%%EOF\n"
    letters = f"/meetings/{meeting['id']}/nomination-letters"
    pdf = {**focal_point, "Content-Type": "application/pdf"}
    uploaded = client.request("PUT", f"{letters}/ZMB", data=letter, as_=None, headers=pdf)
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["uploaded_by"] == "party-ZMB"
    for reader in (focal_point, services.tokens.headers("mc")):
        read = client.get(f"{letters}/ZMB", as_=None, headers=reader)
        assert read.status_code == 200 and read.content == letter
    error_of(client.request("PUT", f"{letters}/PER", data=letter, as_=None, headers=pdf),
             403, "forbidden")
    error_of(client.get(f"{letters}/PER", as_=None, headers=focal_point), 403, "forbidden")
    error_of(client.request("PUT", f"{letters}/ZMB", data=b"not a pdf", as_=None,
                            headers=pdf), 400, "not_a_pdf")
    error_of(client.get(f"{letters}/ZMB", as_="brs"), 403, "forbidden")
    error_of(client.get(f"{letters}/PER"), 404, "not_found")

    # What the focal point may never do is 403 before its body is even read.
    error_of(client.post("/meetings", json={"code": ""}, as_=None, headers=focal_point),
             403, "forbidden")


def test_organisations_are_checked_listed_and_only_mc_makes_them(services):
    registration = services.start("registration")
    client = registration.client
    error_of(client.post("/organisations", json={
        "code": "party-ZMB", "kind": "party", "name": "Zambia", "country": "MOZ"}), 400)
    error_of(client.post("/organisations", json={
        "code": "party-XYZ", "kind": "party", "name": "Nowhere", "country": "XYZ"}),
        400, "unknown_country")
    error_of(client.post("/organisations", json={
        "code": "party-ZMB", "kind": "observer", "name": "Zambia"}), 400)
    error_of(client.post("/organisations", json={
        "code": "Green Mekong", "kind": "observer", "name": "Green Mekong"}), 400)
    error_of(client.post("/organisations", json={
        "code": "brs", "kind": "partner", "name": "BRS"}), 409, "duplicate")
    error_of(client.post("/organisations", as_="brs", json={
        "code": "x"}), 403, "forbidden")
    make_organisation(registration, code="party-ZMB", kind="party", name="Zambia",
                      country="ZMB")
    error_of(client.post("/organisations", json={
        "code": "party-ZMB", "kind": "party", "name": "Zambia", "country": "ZMB"}),
        409, "duplicate")
    listed = client.get("/organisations").json()
    assert [item["code"] for item in listed["items"]] == ["party-ZMB"]
    error_of(client.get("/organisations", as_="chb"), 403, "forbidden")
    error_of(client.post("/organisations/party-MOZ/tokens"), 404, "not_found")


def test_a_token_works_everywhere_is_listed_without_itself_and_revocation_holds(services):
    registration = services.start("registration")
    others = [services.start(name) for name in ("travel", "documents", "support",
                                                "notifications")]
    make_organisation(registration, code="party-ZMB", kind="party", name="Zambia",
                      country="ZMB")
    issued = issue_token(registration, "party-ZMB")
    token = issued["token"]
    reads = {"travel": "/travel-cases", "documents": "/documents", "support": "/agreements",
             "notifications": "/feed"}

    def status_on(service):
        return requests.get(service.url + reads[service.name], headers=as_token(token),
                            timeout=10).status_code

    assert registration.client.get("/meetings", as_=None,
                                   headers=as_token(token)).status_code == 200
    for service in others:
        wait_for(lambda: status_on(service) == 200, timeout=30,
                 message=f"the token to work on {service.name}")

    tokens = registration.client.get("/organisations/party-ZMB/tokens").json()["items"]
    assert [listed["id"] for listed in tokens] == [issued["id"]]
    assert tokens[0]["last_used_at"] is not None and tokens[0]["revoked_at"] is None
    assert token not in str(tokens) and "digest" not in tokens[0]

    revoked = registration.client.request(
        "DELETE", f"/organisations/party-ZMB/tokens/{issued['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    error_of(registration.client.get("/meetings", as_=None, headers=as_token(token)), 401,
             "unauthenticated")
    for service in others:
        wait_for(lambda: status_on(service) == 401, timeout=30,
                 message=f"the revocation to hold on {service.name}")
    feed = others[-1].client.get("/feed").json()["items"]
    assert not [entry for entry in feed if entry["type"].startswith("organisation_token")]


def test_an_observer_organisation_nominates_its_representatives_once_admitted(services):
    registration = services.start("registration")
    meeting = schedule_meeting(registration)
    make_organisation(registration, code="green-mekong", kind="observer",
                      name="Green Mekong")
    observer = as_token(issue_token(registration, "green-mekong")["token"])
    representative = {
        "given_name": "Minh", "family_name": "Tran", "email": "minh.tran@example.org",
        "country": "VNM", "category": "ngo", "organisation": "Green Mekong",
        "funding_requested": False, "visa_letter_requested": False}
    path = f"/meetings/{meeting['id']}/registrations"
    client = registration.client
    error = error_of(client.post(path, json=representative, as_=None, headers=observer),
                     403, "forbidden")
    assert "not admitted" in error["message"]

    request = client.post(f"/meetings/{meeting['id']}/observer-requests", json={
        "organisation": "Green Mekong", "kind": "ngo", "contact_email": "info@example.org"})
    assert request.status_code == 201, request.text
    decided = client.post(f"/observer-requests/{request.json()['id']}/decide",
                          json={"decision": "admitted"})
    assert decided.status_code == 200, decided.text

    nominated = client.post(path, json=representative, as_=None, headers=observer)
    assert nominated.status_code == 201, nominated.text
    error_of(client.post(path, as_=None, headers=observer, json={
        **representative, "email": "other@example.org", "organisation": "Other NGO"}),
        403, "forbidden")

