"""What the secretariat hands out: letters as PDF and the list of participants."""
import csv
import io

from pypdf import PdfReader

from tests.registration_support import (  # noqa: F401 (fixtures)
    confirmed, error_of, events, meeting, registration,
)
from tests.support import nominate


def pdf_text(response):
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return " ".join(text.split())  # line breaks and non-breaking spaces read as spaces


def test_a_french_confirmation_letter_names_the_participant_meeting_and_dates(
        registration, meeting):
    participant = confirmed(registration, meeting["id"], given_name="Nguyễn Văn",
                            family_name="An", country="VNM", funded=True)
    text = pdf_text(registration.client.get(
        f"/registrations/{participant['id']}/letters/confirmation", params={"lang": "fr"}))
    assert "Nguyễn Văn An" in text
    assert "Second meeting of the Conference of the Parties" in text and "COP-2" in text
    assert "du 19 novembre 2018 au 23 novembre 2018" in text
    assert "Viêt Nam" in text and "Suisse" in text  # country names in French
    assert "indemnité journalière de subsistance" in text  # funded

    spanish = pdf_text(registration.client.get(
        f"/registrations/{participant['id']}/letters/confirmation", params={"lang": "es"}))
    assert "del 19 de noviembre de 2018 al 23 de noviembre de 2018" in spanish


def test_letters_go_only_to_confirmed_participants_and_visas_only_on_request(
        registration, meeting):
    client = registration.client
    nominee = nominate(registration, meeting["id"], 1, visa_letter_requested=True)
    error_of(client.get(f"/registrations/{nominee['id']}/letters/visa"), 409, "illegal_state")
    asked = confirmed(registration, meeting["id"], 2, visa_letter_requested=True)
    english = pdf_text(client.get(f"/registrations/{asked['id']}/letters/visa"))
    assert "Visa support letter" in english and "from November 19, 2018 to" in english
    did_not_ask = confirmed(registration, meeting["id"], 3)
    error_of(client.get(f"/registrations/{did_not_ask['id']}/letters/visa"), 409,
             "visa_letter_not_requested")
    error_of(client.get(f"/registrations/{asked['id']}/letters/visa", params={"lang": "de"}),
             400)
    error_of(client.get(f"/registrations/{asked['id']}/letters/invitation"), 404)


def test_the_list_of_participants_groups_confirmed_people_by_category_then_country(
        registration, meeting):
    client = registration.client
    ids = [confirmed(registration, meeting["id"], n, family_name=family, country=country,
                     category=category)["id"]
           for n, (family, country, category) in enumerate([
               ("Zapata", "PER", "party"), ("Abad", "PER", "party"),
               ("Okafor", "NGA", "party"), ("Lee", "CHE", "ngo")])]
    client.post(f"/registrations/{ids[0]}/check-in", as_="brs")
    nominate(registration, meeting["id"], 9, family_name="Pending")

    listing = client.get(f"/meetings/{meeting['id']}/participants").json()
    assert listing["total"] == 4
    parties, ngos = listing["categories"]
    assert [c["country_name"] for c in parties["countries"]] == ["Nigeria", "Peru"]
    assert [p["family_name"] for p in parties["countries"][1]["participants"]] == [
        "Abad", "Zapata"]
    assert parties["countries"][1]["participants"][1]["status"] == "checked_in"
    assert ngos["category"] == "ngo"

    response = client.get(f"/meetings/{meeting['id']}/participants",
                          headers={"Accept": "text/csv"})
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["category"], r["country"], r["family_name"]) for r in rows] == [
        ("party", "NGA", "Okafor"), ("party", "PER", "Abad"), ("party", "PER", "Zapata"),
        ("ngo", "CHE", "Lee")]


def test_the_list_is_in_un_order_whatever_the_order_people_were_registered_in(
        registration, meeting):
    """The database sorts the list now: categories, States by UN short name, organisations
    and people regardless of case, as the list was always printed (what the unit test of
    the Python sorting checked)."""
    for number, (family, category, country, organisation) in enumerate([
            ("Lee", "ngo", "CHE", "Zero Mercury Working Group"),
            ("Roy", "ngo", "IND", "Arnika"), ("Kim", "ngo", "KOR", "Arnika"),
            ("Zapata", "party", "PER", "Ministry"), ("abad", "party", "PER", "Ministry"),
            ("Okafor", "party", "NGA", "Ministry"), ("Popescu", "party", "MDA", "Ministry"),
            ("Rossi", "observer-state", "VAT", "Holy See"),
            ("Doe", "media", "USA", "AFP")]):
        confirmed(registration, meeting["id"], number, family_name=family, country=country,
                  category=category, organisation=organisation)
    path = f"/meetings/{meeting['id']}/participants"
    listing = registration.client.get(path).json()
    assert listing["total"] == 9
    assert [(group["category"], [(delegation.get("country_name") or delegation["organisation"],
                                  [p["family_name"] for p in delegation["participants"]])
                                 for delegation in group.get("countries",
                                                             group.get("organisations"))])
            for group in listing["categories"]] == [
        ("party", [("Nigeria", ["Okafor"]), ("Peru", ["abad", "Zapata"]),
                   ("Republic of Moldova", ["Popescu"])]),
        ("observer-state", [("Holy See", ["Rossi"])]),
        ("ngo", [("Arnika", ["Kim", "Roy"]), ("Zero Mercury Working Group", ["Lee"])]),
        ("media", [("AFP", ["Doe"])])]
    table = registration.client.get(path, headers={"Accept": "text/csv"}).text
    assert [(row["family_name"], row["country_name"])
            for row in csv.DictReader(io.StringIO(table))] == [
        ("Okafor", "Nigeria"), ("abad", "Peru"), ("Zapata", "Peru"),
        ("Popescu", "Republic of Moldova"), ("Rossi", "Holy See"), ("Kim", ""), ("Roy", ""),
        ("Lee", ""), ("Doe", "")]
