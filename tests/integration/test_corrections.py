"""Corrections (PATCH) through HTTP: etags and If-Match, what may not be corrected, the
history with who changed what, and the `<thing>_updated` events."""
from tests.documents_support import announce_meeting, register_when_known, working_document
from tests.support import nominate, schedule_meeting, wait_for


def error(response, status, code=None):
    assert response.status_code == status, response.text
    body = response.json()["error"]
    if code:
        assert body["code"] == code, body
    return body


def test_a_registration_is_corrected_with_its_etag_and_keeps_its_history(services):
    registration = services.start("registration")
    client = registration.client
    meeting = schedule_meeting(registration)
    nominee = nominate(registration, meeting["id"])
    path = f"/registrations/{nominee['id']}"
    assert nominee["etag"] == client.get(path).json()["etag"]

    corrected = client.request("PATCH", path, json={"email": "Ana.Perez@Example.org"},
                               headers={"If-Match": nominee["etag"]})
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["email"] == "ana.perez@example.org"
    assert corrected.json()["etag"] != nominee["etag"]
    assert corrected.json()["status"] == "nominated"

    # Someone who read it before the correction is told, and nothing changes.
    error(client.request("PATCH", path, json={"family_name": "Perez"},
                         headers={"If-Match": nominee["etag"]}), 412, "stale_etag")
    error(client.request("PATCH", path, json={"country": "KEN"}), 409, "not_correctable")
    error(client.request("PATCH", path, json={"status": "confirmed"}), 400)
    error(client.request("PATCH", path, json={"email": "not an address"}), 400)
    error(client.request("PATCH", path, json={"family_name": "X"}, as_="brs"), 403)
    error(client.request("PATCH", "/registrations/nope", json={"family_name": "X"}), 404)
    assert client.get(path).json()["family_name"] == nominee["family_name"]

    history = client.get(f"{path}/history").json()["items"]
    assert [(h["version"], h["changed_by"], h["changes"]) for h in history] == [
        (2, "mc", {"email": {"before": "ana.perez.0@example.org",
                             "after": "ana.perez@example.org"}})]

    withdrawn = client.post(f"{path}/withdraw")
    assert withdrawn.status_code == 200, withdrawn.text
    error(client.request("PATCH", path, json={"family_name": "Perez"}), 409,
          "not_correctable")


def test_a_meeting_correction_moves_its_dates_and_says_what_changed(services):
    registration = services.start("registration")
    notifications = services.start("notifications")
    client = registration.client
    meeting = schedule_meeting(registration, translations={
        "fr": {"title": "Deuxième réunion de la Conférence des Parties", "city": "Genève"}})
    assert meeting["translations"]["fr"]["city"] == "Genève"
    path = f"/meetings/{meeting['id']}"
    error(client.request("PATCH", path, json={"code": "COP-3"}), 409, "not_correctable")
    error(client.request("PATCH", path, json={"ends_on": "2018-11-01"}), 400)
    error(client.request("PATCH", path, json={"translations": {"xx": {"title": "?"}}}), 400)
    moved = client.request("PATCH", path, json={"starts_on": "2018-11-26",
                                                "ends_on": "2018-11-30"},
                           headers={"If-Match": meeting["etag"]})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["starts_on"], moved.json()["code"]) == ("2018-11-26", "COP-2")

    (entry,) = wait_for(lambda: notifications.client.get(
        "/feed", params={"type": "meeting_updated"}).json()["items"],
        message="the correction in the feed")
    assert "2018-11-26" in entry["summary"]
    history = client.get(f"{path}/history").json()["items"]
    assert history[0]["changes"] == {
        "starts_on": {"before": "2018-11-19", "after": "2018-11-26"},
        "ends_on": {"before": "2018-11-23", "after": "2018-11-30"}}


def test_a_documents_corrected_due_date_makes_it_late_at_once_or_clears_it(services):
    documents = services.start("documents", DOCUMENTS_TODAY="2018-09-01")
    notifications = services.start("notifications")
    client = documents.client
    meeting_id = announce_meeting(services)
    document = register_when_known(documents, working_document(meeting_id))
    assert document["late"] is False
    path = f"/documents/{document['id']}"

    def mcs_items():
        digest = notifications.client.get("/digest", params={"owner": "mc"}).json()
        return {item["subject"]["id"]: item["late"] for item in digest["items"]}

    wait_for(lambda: mcs_items() == {document["id"]: False}, message="waiting, on time")
    error(client.request("PATCH", path, json={"kind": "information"}), 409, "not_correctable")
    error(client.request("PATCH", path, json={"symbol": "X/1"}), 400)
    overdue = client.request("PATCH", path, json={"due_on": "2018-08-20"},
                             headers={"If-Match": document["etag"]})
    assert overdue.status_code == 200, overdue.text
    assert (overdue.json()["late"], overdue.json()["days_late"]) == (True, 12)
    wait_for(lambda: mcs_items() == {document["id"]: True}, message="late at once")
    error(client.request("PATCH", path, json={"title": "X"},
                         headers={"If-Match": document["etag"]}), 412, "stale_etag")

    on_time = client.request("PATCH", path, json={"due_on": "2018-10-08", "title": "Report"},
                             headers={"If-Match": overdue.json()["etag"]})
    assert on_time.status_code == 200 and on_time.json()["late"] is False
    wait_for(lambda: mcs_items() == {document["id"]: False}, message="on time again")
    history = client.get(f"{path}/history").json()["items"]
    assert [sorted(h["changes"]) for h in history] == [["due_on"], ["due_on", "title"]]
