"""Paper and mail as people get them: letters, lists, badges, the check-in desk's
scans, and mails that arrive at a real SMTP server (aiosmtpd)."""
from aiosmtpd.controller import Controller

from services.registration import badges
from tests.mail_support import Inbox, RefusingInbox, smtp  # noqa: F401  (the fixture)
from tests.paper_support import pdf_text, save_picture
from tests.registration_support import confirmed, error_of
from tests.support import free_port, nominate, schedule_meeting, wait_for

FRENCH = {"fr": {"title": "Deuxième réunion de la Conférence des Parties", "city": "Genève"},
          "es": {"title": "Segunda reunión de la Conferencia de las Partes", "city": "Ginebra"}}
VISA_DATA = {"title": "Dr.", "function": "Director of Chemicals", "nationality": "EGY",
             "date_of_birth": "1980-05-06", "passport_number": "A12345678",
             "passport_expires_on": "2030-01-31"}


def test_a_french_letter_has_the_meeting_in_french_a_reference_and_visa_data(services):
    registration = services.start("registration")
    meeting = schedule_meeting(registration, translations=FRENCH)
    person = confirmed(registration, meeting["id"], visa_letter_requested=True,
                       given_name="محمد", family_name="الأحمد", country="EGY", **VISA_DATA)
    assert person["reference"] == "COP-2/REG/0001"
    assert "passport_number" not in person
    response = registration.client.get(f"/registrations/{person['id']}/letters/visa",
                                       params={"lang": "fr"})
    assert response.status_code == 200
    text = pdf_text(response.content)
    save_picture(response.content, "visa-letter-fr")
    assert "Deuxième réunion de la Conférence des Parties" in text and "à Genève" in text
    assert "محمد" in text and "الأحمد" in text
    assert "COP-2/REG/0001" in text and "A12345678" in text and "6 mai 1980" in text


def test_personal_data_is_kept_out_of_the_registration_and_from_strangers(services):
    registration = services.start("registration")
    meeting = schedule_meeting(registration)
    person = confirmed(registration, meeting["id"], **VISA_DATA)
    path = f"/registrations/{person['id']}/personal-data"
    assert registration.client.get(path).json()["passport_number"] == "A12345678"
    assert "passport_number" not in registration.client.get(
        f"/registrations/{person['id']}").json()
    error_of(registration.client.get(path, as_="brs"), 404)  # books no travel of theirs


def test_a_name_no_font_can_draw_is_refused_at_nomination(services):
    registration = services.start("registration")
    meeting = schedule_meeting(registration)
    response = registration.client.post(f"/meetings/{meeting['id']}/registrations", json={
        "given_name": "Ana", "family_name": "\U00013000", "email": "a@example.org",
        "country": "PER", "category": "party", "organisation": "Ministry"})
    assert "U+13000" in error_of(response, 400, "unprintable_text")["fields"]["family_name"][0]


def test_the_pdf_list_follows_un_order_and_says_provisional(services):
    registration = services.start("registration")
    meeting = schedule_meeting(registration, translations=FRENCH, starts_on="2099-11-19",
                               ends_on="2099-11-23")
    for number, (country, category, organisation, family) in enumerate([
            ("PER", "party", "Ministry of Environment", "Zapata"),
            ("MDA", "party", "Ministry of Environment", "Popescu"),
            ("NGA", "party", "Federal Ministry", "Okafor"),
            ("VAT", "observer-state", "Holy See", "Rossi"),
            ("CHE", "ngo", "Zero Mercury Working Group", "Lee"),
            ("CHN", "ngo", "Arnika", "王")]):
        confirmed(registration, meeting["id"], number, country=country, category=category,
                  organisation=organisation, family_name=family)
    response = registration.client.get(f"/meetings/{meeting['id']}/participants",
                                       params={"lang": "fr"},
                                       headers={"Accept": "application/pdf"})
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    save_picture(response.content, "list-of-participants")
    text = pdf_text(response.content)
    assert text.startswith("Liste provisoire des participants")
    order = [text.index(name) for name in ("Nigeria", "Peru", "Republic of Moldova",
                                           "Holy See", "Arnika", "Zero Mercury")]
    assert order == sorted(order)
    assert "王" in text
    csv_lines = registration.client.get(f"/meetings/{meeting['id']}/participants",
                                        headers={"Accept": "text/csv"}).text.splitlines()
    assert [line.split(",")[2] for line in csv_lines[1:4]] == [
        "Nigeria", "Peru", "Republic of Moldova"]


def test_badges_are_scanned_at_their_own_meeting_only(services):
    registration = services.start("registration")
    meeting = schedule_meeting(registration)
    other = schedule_meeting(registration, code="COP-3")
    person = confirmed(registration, meeting["id"], given_name="王", family_name="小明",
                       country="CHN")
    response = registration.client.get(f"/registrations/{person['id']}/badge", as_="chb")
    assert response.status_code == 200
    save_picture(response.content, "badge")
    text = pdf_text(response.content)
    assert "王 小明" in text and "China" in text and "PARTY" in text
    code = badges.badge_code(meeting["id"], person["id"])
    scans = f"/meetings/{meeting['id']}/badge-scans"
    card = registration.client.post(scans, json={"code": code}, as_="brs").json()
    assert card["family_name"] == "小明" and card["status"] == "confirmed"
    forged = person["id"] + ".AAAAAAAAAAAAAAAAAAAAAA"
    error_of(registration.client.post(scans, json={"code": forged}, as_="brs"), 400,
             "invalid_badge_code")
    error_of(registration.client.post(f"/meetings/{other['id']}/badge-scans",
                                      json={"code": code}, as_="brs"), 409,
             "badge_of_other_meeting")
    error_of(registration.client.post(scans, json={"code": code}, as_="unon-dcs"), 403)


def test_confirmation_mails_carry_the_letters_in_the_participants_language(services, smtp):  # noqa: F811
    controller, inbox = smtp
    registration = services.start("registration", SMTP_HOST="127.0.0.1",
                                  SMTP_PORT=controller.port, MAIL_FROM="mc@example.org",
                                  MAIL_POLL_INTERVAL=0.2)
    meeting = schedule_meeting(registration, translations=FRENCH)
    person = confirmed(registration, meeting["id"], language="fr", visa_letter_requested=True,
                       email="Delegate@Example.org")
    message = wait_for(lambda: inbox.messages and inbox.messages[0], timeout=60,
                       message="the confirmation mail")
    assert message["To"] == "delegate@example.org" and message["From"] == "mc@example.org"
    assert "Deuxième réunion de la Conférence des Parties" in message["Subject"]
    assert message["Content-Language"] == "fr"
    attachments = {part.get_filename(): part.get_content()
                   for part in message.iter_attachments()}
    assert set(attachments) == {"COP-2-confirmation-fr.pdf", "COP-2-visa-fr.pdf"}
    assert "Confirmation d'inscription" in pdf_text(attachments["COP-2-confirmation-fr.pdf"])
    wait_for(lambda: [m["status"] for m in registration.client.get(
        "/mails", params={"about_id": person["id"]}).json()["items"]] == ["sent"],
        message="the mail marked sent")


def test_a_mail_waits_while_smtp_is_down_then_arrives(services):
    port = free_port()
    registration = services.start("registration", SMTP_HOST="127.0.0.1", SMTP_PORT=port,
                                  MAIL_POLL_INTERVAL=0.2, MAIL_RETRY_DELAYS="0.2,0.2,0.2,0.2,60")
    meeting = schedule_meeting(registration)
    person = confirmed(registration, meeting["id"])

    def mails():
        return registration.client.get("/mails", params={"about_id": person["id"]}).json()["items"]

    waiting = wait_for(lambda: [m for m in mails() if m["attempts"] >= 2], timeout=30,
                       message="failed attempts")[0]
    assert waiting["status"] == "queued" and "Connection" in waiting["last_error"]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        wait_for(lambda: mails()[0]["status"] in ("sent", "failed"), timeout=90,
                 message="the mail after SMTP came back")
        if mails()[0]["status"] == "failed":  # the retries ran out first: resend it
            resent = registration.client.post(f"/mails/{waiting['id']}/resend")
            assert resent.status_code == 200 and resent.json()["status"] == "queued"
        wait_for(lambda: inbox.messages, timeout=60, message="the mail at the SMTP server")
        assert wait_for(lambda: mails()[0]["status"] == "sent", message="status sent")
    finally:
        controller.stop()


def test_a_refused_mail_is_retried_then_failed_with_the_reason_and_can_be_resent(services):
    inbox = RefusingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        registration = services.start("registration", SMTP_HOST="127.0.0.1",
                                      SMTP_PORT=controller.port, MAIL_POLL_INTERVAL=0.2,
                                      MAIL_RETRY_DELAYS="0.2,0.2")
        meeting = schedule_meeting(registration)
        person = confirmed(registration, meeting["id"])

        def mail():
            return registration.client.get("/mails", params={"about_id": person["id"]}
                                           ).json()["items"][0]

        failed = wait_for(lambda: mail()["status"] == "failed" and mail(), timeout=60,
                          message="the mail given up on")
        assert failed["attempts"] == 3 and "550" in failed["last_error"]
        assert inbox.messages == []
        inbox.accept = True
        assert registration.client.post(f"/mails/{failed['id']}/resend").json()["status"] == \
            "queued"
        wait_for(lambda: inbox.messages, timeout=60, message="the resent mail")
        error_of(registration.client.post(f"/mails/{failed['id']}/resend", as_="brs"), 403)
    finally:
        controller.stop()
