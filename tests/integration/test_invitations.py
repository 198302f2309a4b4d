"""Invitations to a meeting as the COP-2 story goes: every Party invited, letters in each
Party's language, mailed to focal points that confirmed an address; nominations against
them before and after the deadline; the practical information a side event's organiser
receives, and the information note participants receive, by mail (a real SMTP server,
aiosmtpd)."""
import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, text

from coord.envelope import Event
from tests.mail_support import smtp  # noqa: F401  (the fixture)
from tests.paper_support import pdf_text, save_picture
from tests.registration_support import confirmed, error_of, events  # noqa: F401  (the fixture)
from tests.integration.test_races import fire, published_everything
from tests.support import nominate, schedule_meeting, wait_for

TRANSLATED = {"fr": {"title": "Deuxième réunion de la Conférence des Parties", "city": "Genève"},
              "es": {"title": "Segunda reunión de la Conferencia de las Partes",
                     "city": "Ginebra"}}
FUTURE_COP2 = {"starts_on": "2099-11-19", "ends_on": "2099-11-23", "translations": TRANSLATED}
DUE = "2099-10-01"


@pytest.fixture
def registration(services, smtp):  # noqa: F811
    controller, _ = smtp
    return services.start("registration", SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port,
                          MAIL_POLL_INTERVAL=0.2)


def _confirmed_focal_point_address(client, inbox, country, address):
    given = client.post("/focal-point-addresses", json={"country": country, "address": address})
    assert given.status_code == 201, given.text
    mail = wait_for(lambda: next((m for m in inbox.messages if m["To"] == address), None),
                    timeout=60, message="the confirmation code")
    code = re.search(r"code: (\d{8})", mail.get_content()).group(1)
    error_of(client.post(f"/focal-point-addresses/{given.json()['id']}/confirm",
                         json={"code": "0"}), 400, "wrong_code")
    confirmed = client.post(f"/focal-point-addresses/{given.json()['id']}/confirm",
                            json={"code": code})
    assert confirmed.json()["status"] == "confirmed", confirmed.text


def _letter(client, invitation_id, **params):
    response = client.get(f"/invitations/{invitation_id}/letter", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/pdf"
    return response.content


def test_cop2_invitations_letters_mail_and_nominations(services, registration, events, smtp):  # noqa: F811
    _, inbox = smtp
    client = registration.client
    meeting = schedule_meeting(registration, **FUTURE_COP2)
    _confirmed_focal_point_address(client, inbox, "PER", "focal.point@minam.example")

    issued = client.post(f"/meetings/{meeting['id']}/invitations",
                         json={"parties": "all", "nominations_due": DUE})
    assert issued.status_code == 201, issued.text
    invitations = {item["country"]: item for item in issued.json()["items"]}
    assert issued.json()["created"] == len(invitations) == 195
    peru, senegal, uk = invitations["PER"], invitations["SEN"], invitations["GBR"]
    assert (peru["language"], senegal["language"], uk["language"]) == ("es", "fr", "en")
    assert peru["addressee"] == "party-PER" and peru["reference"] == "COP-2/INV/PER"
    assert (peru["funding_eligible"], uk["funding_eligible"]) == (True, False)
    # Only Peru's focal point has a confirmed address: its invitation went out by mail.
    assert peru["status"] == "sent" and senegal["status"] == uk["status"] == "issued"
    assert len(events.wait_for("invitation_issued", 195)) == 195
    assert [e["data"]["addressee"] for e in events.wait_for("invitation_sent")] == ["party-PER"]

    again = client.post(f"/meetings/{meeting['id']}/invitations",
                        json={"parties": ["per", "SEN"], "nominations_due": DUE})
    assert again.status_code == 201 and again.json()["created"] == 0
    assert [item["id"] for item in again.json()["items"]] == [peru["id"], senegal["id"]]
    listed = client.get(f"/meetings/{meeting['id']}/invitations",
                        params={"status": "sent"}).json()
    assert [item["id"] for item in listed["items"]] == [peru["id"]]
    assert [item["id"] for item in client.get(f"/meetings/{meeting['id']}/invitations",
                                              params={"country": "SEN"}).json()["items"]] == [
        senegal["id"]]
    page = client.get(f"/meetings/{meeting['id']}/invitations", params={"limit": 100}).json()
    assert len(page["items"]) == 100 and page["next_cursor"]

    mailed = wait_for(lambda: next((m for m in inbox.messages
                                    if "COP-2/INV/PER" in m["Subject"]), None),
                      timeout=60, message="Peru's invitation mail")
    assert mailed["To"] == "focal.point@minam.example"
    assert mailed["Subject"].startswith("Invitación a la Segunda reunión")
    (attachment,) = list(mailed.iter_attachments())
    assert "1 de octubre de 2099" in pdf_text(attachment.get_content())

    # A focal point that confirms its address later gets the invitation then.
    _confirmed_focal_point_address(client, inbox, "GBR", "focal.point@defra.example")
    assert client.get(f"/invitations/{uk['id']}").json()["status"] == "sent"
    wait_for(lambda: next((m for m in inbox.messages if m["To"] == "focal.point@defra.example"
                           and m["Subject"].startswith("Invitation to the Second meeting")),
                          None), timeout=60, message="the United Kingdom's invitation mail")

    for invitation, language, title, deadline in (
            (uk, "en", "Second meeting of the Conference of the Parties", "October 1, 2099"),
            (senegal, "fr", "Deuxième réunion de la Conférence des Parties", "1 octobre 2099"),
            (peru, "es", "Segunda reunión de la Conferencia de las Partes",
             "1 de octubre de 2099")):
        letter = _letter(client, invitation["id"])
        save_picture(letter, f"invitation-{language}")
        content = pdf_text(letter)
        assert title in content and deadline in content, content
    assert "Genève" in pdf_text(_letter(client, senegal["id"]))
    assert "not eligible for funded participation" in pdf_text(_letter(client, uk["id"]))
    assert "reúne las condiciones para la participación financiada" in pdf_text(
        _letter(client, peru["id"]))
    assert "Segunda reunión" in pdf_text(_letter(client, uk["id"], lang="es"))

    # Peru nominates before the deadline: accepted, and its invitation moves on.
    nominate(registration, meeting["id"], country="PER")
    assert client.get(f"/invitations/{peru['id']}").json()["status"] == "nominations_received"
    assert events.wait_for("invitation_nominations_received")[0]["subject"]["id"] == peru["id"]
    nominate(registration, meeting["id"], 1, country="PER")  # a second one changes nothing

    # Senegal's deadline passes (the test moves it to yesterday): too late, with the date.
    yesterday = date.today() - timedelta(days=1)
    engine = create_engine(registration.config["DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(text("UPDATE invitations SET nominations_due = :due WHERE id = :id"),
                           {"due": yesterday, "id": senegal["id"]})
    engine.dispose()
    late = client.post(f"/meetings/{meeting['id']}/registrations", json={
        "given_name": "Awa", "family_name": "Diop", "email": "awa.diop@example.sn",
        "country": "SEN", "category": "party", "organisation": "Ministère de l'Environnement"})
    assert yesterday.isoformat() in error_of(late, 409, "nominations_closed")["message"]
    assert client.get(f"/meetings/{meeting['id']}/registrations",
                      params={"country": "SEN"}).json()["items"] == []
    assert client.get(f"/invitations/{senegal['id']}").json()["status"] == "issued"
    late_csv = client.post(
        f"/meetings/{meeting['id']}/registrations.csv", headers={"Content-Type": "text/csv"},
        data="given_name,family_name,email,country,category,organisation\n"
             "Awa,Diop,awa.diop@example.sn,SEN,party,Ministère\n".encode())
    error_of(late_csv, 409, "nominations_closed")


def test_invitations_refused_for_bad_input(services, registration):
    client = registration.client
    meeting = schedule_meeting(registration, **FUTURE_COP2)
    unknown = client.post(f"/meetings/{meeting['id']}/invitations",
                          json={"parties": ["PER", "XYZ"], "nominations_due": DUE})
    assert "XYZ" in error_of(unknown, 400, "unknown_country")["message"]
    late_due = client.post(f"/meetings/{meeting['id']}/invitations",
                           json={"parties": ["PER"], "nominations_due": "2099-12-01"})
    assert "nominations_due" in error_of(late_due, 400)["fields"]
    error_of(client.post("/meetings/no-such-meeting/invitations",
                         json={"parties": "all", "nominations_due": DUE}), 404)
    ended = schedule_meeting(registration, code="COP-1", symbol_prefix="UNEP/MC/COP.1",
                             starts_on="2017-09-24", ends_on="2017-09-29")
    closed = client.post(f"/meetings/{ended['id']}/invitations",
                         json={"parties": "all", "nominations_due": "2017-09-01"})
    assert "ended on 2017-09-29" in error_of(closed, 409, "meeting_closed")["message"]
    error_of(client.post(f"/meetings/{meeting['id']}/invitations",
                         json={"parties": ["PER"], "nominations_due": DUE}, as_="brs"), 403)
    assert client.get(f"/meetings/{meeting['id']}/invitations").json()["items"] == []
    error_of(client.get("/invitations/no-such-invitation/letter"), 404)


def test_an_admitted_observer_is_invited_at_its_contact_address(services, registration, smtp):  # noqa: F811
    _, inbox = smtp
    client = registration.client
    meeting = schedule_meeting(registration, **FUTURE_COP2)
    request = client.post(f"/meetings/{meeting['id']}/observer-requests", json={
        "organisation": "Zero Mercury Working Group", "kind": "ngo",
        "contact_email": "office@zmwg.example"}).json()
    client.post(f"/observer-requests/{request['id']}/decide", json={"decision": "admitted"})
    issued = client.post(f"/meetings/{meeting['id']}/invitations",
                         json={"observers": True, "nominations_due": DUE})
    (invitation,) = issued.json()["items"]
    assert (invitation["kind"], invitation["status"]) == ("observer", "sent")
    mail = wait_for(lambda: next((m for m in inbox.messages if m["To"] == "office@zmwg.example"),
                                 None), timeout=60, message="the observer's invitation")
    (attachment,) = list(mail.iter_attachments())
    assert "as an observer" in pdf_text(attachment.get_content())


def test_an_accepted_side_event_organiser_gets_its_information_by_mail(
        services, registration, smtp):  # noqa: F811
    _, inbox = smtp
    client = registration.client
    meeting = schedule_meeting(registration, **FUTURE_COP2)
    side_event = client.post(f"/meetings/{meeting['id']}/side-events", json={
        "title": "Mercury-free dentistry", "organiser": "World Alliance for Mercury-Free "
        "Dentistry", "contact_email": "events@mercuryfree.example",
        "preferred_starts_at": "2099-11-20T13:15:00+00:00",
        "preferred_ends_at": "2099-11-20T14:45:00+00:00"}).json()
    error_of(client.get(f"/side-events/{side_event['id']}/information"), 409, "illegal_state")
    accepted = client.post(f"/side-events/{side_event['id']}/decide",
                           json={"decision": "accepted", "room": "Room XII"})
    assert accepted.json()["status"] == "accepted", accepted.text

    mail = wait_for(lambda: next((m for m in inbox.messages
                                  if m["To"] == "events@mercuryfree.example"), None),
                    timeout=60, message="the organiser's information mail")
    assert "Room XII" in mail["Subject"] and "13:15" in mail.get_body().get_content()
    (attachment,) = list(mail.iter_attachments())
    content = pdf_text(attachment.get_content())
    assert "Room XII" in content and "November 20, 2099" in content
    assert "What to bring" in content and "Contacts" in content
    letter = client.get(f"/side-events/{side_event['id']}/information")
    assert letter.status_code == 200
    save_picture(letter.content, "side-event-information")


def _published(meeting, symbol, kind="information"):
    """documents' `document_published`, as the documents service sends it."""
    return Event("document_published", "document", str(uuid.uuid4()), actor="mc",
                 meeting_id=meeting["id"], data={
                     "symbol": symbol, "title": "Information for participants", "kind": kind,
                     "agenda_item": "1", "status": "published", "languages": ["en", "fr", "es"],
                     "meeting_code": meeting["code"], "waiting": None}).envelope("documents")


def test_participants_are_mailed_the_information_note_once_published(services, smtp):  # noqa: F811
    controller, inbox = smtp
    registration = services.start(
        "registration", SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port,
        MAIL_POLL_INTERVAL=0.2, DOCUMENTS_PUBLIC_URL="https://documents.example.org")
    client = registration.client
    meeting = schedule_meeting(registration, **FUTURE_COP2)
    early = confirmed(registration, meeting["id"], 0, language="fr")
    late = nominate(registration, meeting["id"], 1)

    services.publish("documents", _published(meeting, "UNEP/MC/COP.2/INF/2"))
    services.publish("documents", _published(meeting, "UNEP/MC/COP.2/INF/1"))
    note = wait_for(lambda: next((m for m in inbox.messages if m["To"] == early["email"]
                                  and "INF/1" in m["Subject"]), None),
                    timeout=60, message="the information note's mail")
    assert note["Subject"].startswith("Informations à l'intention des participants")
    assert ("https://documents.example.org/public/documents/UNEP/MC/COP.2/INF/1/fr"
            in note.get_content())
    assert not [m for m in inbox.messages if "INF/2" in m["Subject"]]
    kinds = [mail["kind"] for mail in client.get(
        "/mails", params={"about_id": late["id"]}).json()["items"]]
    assert "information_note" not in kinds  # only participants, not nominees

    client.post(f"/registrations/{late['id']}/confirm", json={"funded": False})
    wait_for(lambda: next((m for m in inbox.messages if m["To"] == late["email"]
                           and "INF/1" in m["Subject"]), None),
             timeout=60, message="the note for a participant confirmed later")


@pytest.mark.parametrize("database_kind", ["postgresql"])
def test_concurrent_issuings_and_nominations_invite_once_and_move_once(
        services, registration, events):  # noqa: F811
    meeting = schedule_meeting(registration, **FUTURE_COP2)
    path = f"/meetings/{meeting['id']}/invitations"
    issued = fire(registration, [("POST", path, {"parties": ["PER", "SEN"],
                                                 "nominations_due": DUE}, "mc")] * 12)
    assert {status for status, _ in issued} <= {201, 409}, issued
    assert sum(body["created"] for status, body in issued if status == 201) == 2
    invitations = registration.client.get(path).json()["items"]
    assert len(invitations) == 2

    nominations = fire(registration, [
        ("POST", f"/meetings/{meeting['id']}/registrations", {
            "given_name": "Ana", "family_name": f"Pérez {number}",
            "email": f"ana.{number}@example.pe", "country": "PER", "category": "party",
            "organisation": "Ministerio del Ambiente"}, "mc") for number in range(12)])
    assert {status for status, _ in nominations} <= {201, 409}, nominations
    assert any(status == 201 for status, _ in nominations)
    wait_for(lambda: published_everything(registration), message="the outbox to empty")
    events.wait_for("invitation_nominations_received")
    assert len(events.wait_for("invitation_issued", 2)) == 2
    assert len(events.of_type("invitation_issued")) == 2
    assert len(events.of_type("invitation_nominations_received")) == 1
