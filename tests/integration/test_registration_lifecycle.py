"""Registrations through HTTP and the broker: the life cycle, countries, funding and its race."""
import threading

from tests.registration_support import (  # noqa: F401 (fixtures)
    confirmed, error_of, events, meeting, registration,
)
from tests.support import nominate


def test_a_registration_moves_only_along_its_life_cycle(registration, events, meeting):
    client = registration.client
    rejected = nominate(registration, meeting["id"], 1)
    assert client.post(f"/registrations/{rejected['id']}/reject").json()["status"] == "rejected"
    error = error_of(client.post(f"/registrations/{rejected['id']}/confirm",
                                 json={"funded": False}), 409, "illegal_transition")
    assert "none (final state)" in error["message"]

    participant = confirmed(registration, meeting["id"], 2)
    error = error_of(client.post(f"/registrations/{participant['id']}/reject"), 409)
    assert "allowed: check-in, withdraw" in error["message"]
    error_of(client.post(f"/registrations/{participant['id']}/check-in", as_="law"), 403,
             "forbidden")
    checked_in = client.post(f"/registrations/{participant['id']}/check-in", as_="chb").json()
    assert (checked_in["status"], checked_in["checked_in_by"]) == ("checked_in", "chb")
    error_of(client.post(f"/registrations/{participant['id']}/check-in", as_="brs"), 409)

    withdrawn = nominate(registration, meeting["id"], 3)
    error_of(client.post(f"/registrations/{withdrawn['id']}/withdraw", as_="chb"), 403)
    assert client.post(f"/registrations/{withdrawn['id']}/withdraw").json()["status"] == \
        "withdrawn"

    [check_in] = events.wait_for("participant_checked_in")
    assert (check_in["actor"], check_in["owner"]) == ("chb", None)
    assert check_in["data"]["status"] == "checked_in"
    assert check_in["data"]["meeting_code"] == "COP-2"
    events.wait_for("registration_withdrawn")
    assert sorted(events.types()) == sorted(
        ["meeting_scheduled"] + ["registration_submitted"] * 3 + [
            "registration_rejected", "registration_confirmed", "participant_checked_in",
            "registration_withdrawn"])  # the refused requests published nothing


def test_a_nominee_takes_region_eligibility_and_priority_from_the_country_list(
        registration, meeting):
    client = registration.client
    haiti = nominate(registration, meeting["id"], 1, country="HTI")
    assert (haiti["region"], haiti["funding_eligible"], haiti["priority"]) == (
        "grulac", True, True)  # a least developed country and a small island State
    france = nominate(registration, meeting["id"], 2, country="FRA")
    assert (france["region"], france["funding_eligible"], france["priority"]) == (
        "weog", False, False)

    same_email = {"given_name": "Ana", "family_name": "Other", "country": "PER",
                  "email": "ANA.PEREZ.1@example.org", "category": "party",
                  "organisation": "Ministry"}
    error = error_of(client.post(f"/meetings/{meeting['id']}/registrations", json=same_email),
                     409, "duplicate")
    assert "email" in error["fields"]
    error = error_of(client.post(f"/meetings/{meeting['id']}/registrations", json={
        **same_email, "email": "new@example.org", "country": "XYZ"}), 400, "unknown_country")
    assert "country" in error["fields"]

    def listed(**params):
        response = client.get(f"/meetings/{meeting['id']}/registrations", params=params)
        return [item["id"] for item in response.json()["items"]]

    assert listed(priority="true") == [haiti["id"]]
    assert listed(country="FRA", status="nominated") == [france["id"]]
    error_of(client.get(f"/meetings/{meeting['id']}/registrations",
                        params={"category": "spy"}), 400)


def test_funding_needs_an_eligible_country(registration, meeting):
    france = nominate(registration, meeting["id"], country="FRA")
    error = error_of(registration.client.post(f"/registrations/{france['id']}/confirm",
                                              json={"funded": True}), 409,
                     "funding_not_eligible")
    assert "France" in error["message"]
    assert registration.client.get(f"/registrations/{france['id']}").json()["status"] == \
        "nominated"


def test_two_confirmations_racing_for_a_countrys_funded_place(registration, events, meeting):
    client = registration.client
    nominees = [nominate(registration, meeting["id"], number, country="KEN")
                for number in range(2)]
    start, responses = threading.Barrier(len(nominees)), {}

    def confirm(nominee):
        start.wait()
        responses[nominee["id"]] = client.post(f"/registrations/{nominee['id']}/confirm",
                                               json={"funded": True})

    racers = [threading.Thread(target=confirm, args=(nominee,)) for nominee in nominees]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()

    assert sorted(r.status_code for r in responses.values()) == [200, 409]
    [winner] = [id_ for id_, r in responses.items() if r.status_code == 200]
    [loser] = [id_ for id_, r in responses.items() if r.status_code == 409]
    assert responses[loser].json()["error"]["code"] == "funding_quota"
    [confirmation] = events.wait_for("registration_confirmed")
    assert confirmation["subject"]["id"] == winner and confirmation["data"]["funded"]

    # A funded participant who withdraws frees the country's place.
    assert client.post(f"/registrations/{winner}/withdraw").status_code == 200
    second = client.post(f"/registrations/{loser}/confirm", json={"funded": True})
    assert second.status_code == 200, second.text
    assert second.json()["funded"] is True
