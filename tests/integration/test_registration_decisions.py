"""The secretariat's decisions: credentials, observer admission and side events."""
from tests.registration_support import (  # noqa: F401 (fixtures)
    confirmed, error_of, events, meeting, registration,
)
from tests.support import nominate, schedule_meeting


def test_credentials_are_examined_once_and_reported_per_party(registration, events,
                                                               meeting):
    client = registration.client
    peru = confirmed(registration, meeting["id"], 1, country="PER")
    kenya = nominate(registration, meeting["id"], 2, country="KEN")
    nominate(registration, meeting["id"], 3, country="BRA")
    ngo = confirmed(registration, meeting["id"], 4, category="ngo")

    def submit(registration_id, **body):
        return client.post(f"/registrations/{registration_id}/credentials", json=body)

    error_of(submit(ngo["id"], issued_by="head_of_state"), 409, "not_a_party")
    error = error_of(submit(peru["id"], issued_by="other"), 400)
    assert "issuing_authority" in error["fields"]
    error_of(submit(peru["id"], issued_by="president"), 400)
    peru_credentials = submit(peru["id"], issued_by="minister_for_foreign_affairs",
                              issued_on="2018-11-01")
    assert peru_credentials.status_code == 201, peru_credentials.text
    peru_credentials = peru_credentials.json()
    assert (peru_credentials["status"], peru_credentials["family_name"]) == (
        "submitted", "Pérez 1")
    error_of(submit(peru["id"], issued_by="head_of_state"), 409, "duplicate")
    kenya_credentials = submit(kenya["id"], issued_by="other",
                               issuing_authority="Ministry of Environment").json()

    def review(credentials, as_="mc", **body):
        return client.post(f"/credentials/{credentials['id']}/review", json=body, as_=as_)

    error_of(review(kenya_credentials, decision="deficient"), 400)
    error_of(review(kenya_credentials, decision="accepted", reason="ok", as_="brs"), 403)
    assert review(kenya_credentials, decision="deficient",
                  reason="Not signed by the Minister for Foreign Affairs.").json()[
        "status"] == "deficient"
    assert review(peru_credentials, decision="accepted").json()["status"] == "accepted"
    error_of(review(peru_credentials, decision="deficient", reason="late"), 409,
             "already_decided")

    report = client.get(f"/meetings/{meeting['id']}/credentials-report").json()
    assert [(c["country"], c["standing"]) for c in report["countries"]] == [
        ("BRA", "none"), ("KEN", "deficient"), ("PER", "accepted")]
    assert report["counts"] == {"accepted": 1, "submitted": 0, "deficient": 1, "none": 1}
    assert report["countries"][1]["representatives"][0]["reason"].startswith("Not signed")

    reviewed = events.wait_for("credentials_reviewed", count=2)
    assert {(e["data"]["country"], e["data"]["decision"]) for e in reviewed} == {
        ("KEN", "deficient"), ("PER", "accepted")}
    assert reviewed[0]["data"]["family_name"] == "Pérez 2"


def test_an_organisation_admitted_once_stays_admitted_for_later_meetings(registration,
                                                                           events, meeting):
    client = registration.client
    cop3 = schedule_meeting(registration, code="COP-3", starts_on="2019-11-25",
                            ends_on="2019-11-29", symbol_prefix="UNEP/MC/COP.3")
    request = {"organisation": "Zero Mercury Working Group", "kind": "ngo",
               "contact_email": "info@zeromercury.org", "country": "BEL"}

    def ask(meeting_id, **body):
        return client.post(f"/meetings/{meeting_id}/observer-requests", json=body)

    first = ask(meeting["id"], **request).json()
    assert first["status"] == "pending"
    error_of(ask(meeting["id"], **request, website="not a url"), 400)
    error_of(ask(meeting["id"], **{**request, "organisation": "zero  MERCURY working group"}),
             409, "duplicate")
    refused = ask(meeting["id"], organisation="Mercury Traders Association", kind="ngo",
                  contact_email="x@example.org").json()

    def decide(observer_request, **body):
        return client.post(f"/observer-requests/{observer_request['id']}/decide", json=body)

    error_of(decide(refused, decision="refused"), 400)
    assert decide(refused, decision="refused",
                  reason="No competence in matters covered by the Convention.").json()[
        "status"] == "refused"
    assert decide(first, decision="admitted").json()["status"] == "admitted"
    error_of(decide(first, decision="refused", reason="changed our mind"), 409,
             "already_decided")

    again = ask(cop3["id"], **request).json()
    assert again["status"] == "admitted" and "Admitted at COP-2" in again["reason"]
    asks_again = ask(cop3["id"], organisation="Mercury Traders Association", kind="ngo",
                     contact_email="x@example.org").json()
    assert asks_again["status"] == "pending"  # a refusal does not carry over
    listed = client.get(f"/meetings/{cop3['id']}/observer-requests",
                        params={"status": "admitted"}).json()["items"]
    assert [r["id"] for r in listed] == [again["id"]]

    decided = events.wait_for("observer_request_decided", count=3)
    assert [(e["data"]["organisation"], e["data"]["decision"], e["meeting_id"])
            for e in decided] == [
        ("Mercury Traders Association", "refused", meeting["id"]),
        ("Zero Mercury Working Group", "admitted", meeting["id"]),
        ("Zero Mercury Working Group", "admitted", cop3["id"])]


def test_side_events_are_placed_in_a_free_room_and_slot_within_the_meeting(
        registration, events, meeting):
    client = registration.client
    lunch = {"preferred_starts_at": "2018-11-20T13:15:00+01:00",
             "preferred_ends_at": "2018-11-20T14:45:00+01:00"}

    def ask(title, as_="mc", **slot):
        return client.post(f"/meetings/{meeting['id']}/side-events", as_=as_, json={
            "title": title, "organiser": "BRS Secretariat", "contact_email": "se@brs.org",
            **(slot or lunch)})

    error = error_of(ask("Too early", preferred_starts_at="2018-11-18T13:15:00+01:00",
                         preferred_ends_at="2018-11-18T14:45:00+01:00"), 400)
    assert set(error["fields"]) == {"preferred_starts_at", "preferred_ends_at"}
    error_of(ask("Backwards", preferred_starts_at="2018-11-20T14:45:00+01:00",
                 preferred_ends_at="2018-11-20T13:15:00+01:00"), 400)
    synergies = ask("Synergies among the chemicals conventions", as_="brs").json()
    assert (synergies["status"], synergies["organiser_code"]) == ("requested", "brs")
    artisanal = ask("Artisanal gold mining").json()
    evening = ask("Mercury-added products", preferred_starts_at="2018-11-20T18:15:00+01:00",
                  preferred_ends_at="2018-11-20T19:45:00+01:00").json()

    def decide(side_event, as_="mc", **body):
        return client.post(f"/side-events/{side_event['id']}/decide", json=body, as_=as_)

    error_of(decide(synergies, decision="accepted"), 400)  # no room
    error_of(decide(synergies, decision="accepted", room="Room XII", as_="brs"), 403)
    accepted = decide(synergies, decision="accepted", room="Room XII").json()
    assert (accepted["status"], accepted["room"]) == ("accepted", "Room XII")
    assert accepted["starts_at"] == "2018-11-20T12:15:00+00:00"
    error = error_of(decide(artisanal, decision="accepted", room="room  xii"), 409,
                     "room_taken")
    assert "Synergies" in error["message"]
    error_of(decide(artisanal, decision="accepted", room="Room XIV",
                    starts_at="2018-11-24T13:15:00+01:00",
                    ends_at="2018-11-24T14:45:00+01:00"), 400)
    assert decide(artisanal, decision="accepted", room="Room XII",
                  starts_at="2018-11-21T13:15:00+01:00",
                  ends_at="2018-11-21T14:45:00+01:00").json()["status"] == "accepted"
    assert decide(evening, decision="declined", reason="Evening slots are full.").json()[
        "status"] == "declined"

    decided = events.wait_for("side_event_decided", count=3)
    assert [(e["data"]["decision"], e["owner"]) for e in decided] == [
        ("accepted", "brs"), ("accepted", None), ("declined", None)]
    assert decided[0]["data"]["room"] == "Room XII"
    listed = client.get(f"/meetings/{meeting['id']}/side-events",
                        params={"status": "accepted"}).json()["items"]
    assert {s["id"] for s in listed} == {synergies["id"], artisanal["id"]}


def test_the_organiser_closes_an_accepted_side_event_as_held_or_cancelled(
        registration, events, meeting):
    client = registration.client
    slot = {"preferred_starts_at": "2018-11-22T13:15:00+01:00",
            "preferred_ends_at": "2018-11-22T14:45:00+01:00"}

    def ask(title, as_):
        response = client.post(f"/meetings/{meeting['id']}/side-events", as_=as_, json={
            "title": title, "organiser": "BRS Secretariat", "contact_email": "se@brs.org",
            **slot})
        assert response.status_code == 201, response.text
        return response.json()

    def accept(side_event):
        response = client.post(f"/side-events/{side_event['id']}/decide",
                               json={"decision": "accepted", "room": "Room XX"})
        assert response.status_code == 200, response.text

    synergies = ask("Synergies", as_="brs")
    error_of(client.post(f"/side-events/{synergies['id']}/held", as_="brs"), 409)  # undecided
    accept(synergies)
    # another partner may not even learn that it exists, nor its title
    assert "Synergies" not in error_of(
        client.post(f"/side-events/{synergies['id']}/cancel", as_="chb"), 404)["message"]
    held = client.post(f"/side-events/{synergies['id']}/held", as_="brs")
    assert (held.status_code, held.json()["status"]) == (200, "held")
    error_of(client.post(f"/side-events/{synergies['id']}/cancel", as_="brs"), 409)

    gold = ask("Gold", as_="mc")  # a slot taken by a held event is not given twice
    error_of(client.post(f"/side-events/{gold['id']}/decide",
                         json={"decision": "accepted", "room": "Room XX"}), 409, "room_taken")
    assert client.post(f"/side-events/{gold['id']}/decide", json={
        "decision": "accepted", "room": "Room XXI"}).status_code == 200
    cancelled = client.post(f"/side-events/{gold['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"

    closed = events.wait_for("side_event_held") + events.wait_for("side_event_cancelled")
    assert [(e["actor"], e["owner"], e["data"]["waiting"]) for e in closed] == [
        ("brs", None, None), ("mc", None, None)]
