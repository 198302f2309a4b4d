"""A document's life: registered by mc, contributed to by brs, processed by unon-dcs in
six languages, published by mc; every step in the feed, every refusal without a trace."""
from collections import Counter

from tests.documents_support import PDF_BYTES, register_when_known, working_document
from tests.support import feed_types, schedule_meeting, wait_for

SIX = ["ar", "zh", "en", "fr", "ru", "es"]


def _ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def _refused(response, status, code=None):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    if code:
        assert error["code"] == code, error
    return error


def test_a_document_walks_the_whole_chain_and_the_feed_shows_each_step(services):
    registration = services.start("registration")
    documents = services.start("documents")
    notifications = services.start("notifications")
    meeting = schedule_meeting(registration)
    client = documents.client

    document = register_when_known(documents, working_document(meeting["id"]))
    path = f"/documents/{document['id']}"
    assert document["symbol"] == "UNEP/MC/COP.2/1"
    assert (document["status"], document["owner"]) == ("drafting", "mc")
    assert (document["submission_due_on"], document["due_on"]) == ("2018-09-10", "2018-10-08")
    assert [v["language"] for v in document["languages"]] == SIX
    assert client.get(path).json() == document

    contribution = _ok(client.post(f"{path}/contributions", json={
        "note": "Section on the Stockholm Convention's effectiveness evaluation."},
        as_="brs"), 201)
    assert contribution["contributor"] == "brs"
    _refused(client.post(f"{path}/edited", as_="brs"), 403, "forbidden")
    _refused(client.post(f"{path}/submit", as_="unon-dcs"), 403)
    _refused(client.post(f"{path}/edited", as_="unon-dcs"), 409, "illegal_transition")

    submitted = _ok(client.post(f"{path}/submit"))
    assert (submitted["status"], submitted["owner"]) == ("submitted", "unon-dcs")
    assert [v["language"] for v in submitted["languages"] if v["status"] == "done"] == ["en"]
    _refused(client.post(f"{path}/contributions", json={"note": "late"}, as_="chb"), 409)
    _refused(client.post(f"{path}/translations/fr", as_="unon-dcs"), 409, "illegal_transition")

    assert _ok(client.post(f"{path}/edited", as_="unon-dcs"))["status"] == "edited"
    _refused(client.post(f"{path}/translations/de", as_="unon-dcs"), 400, "unknown_language")
    _refused(client.post(f"{path}/translations/fr", as_="brs"), 403)
    error = _refused(client.post(f"{path}/publish"), 409, "languages_missing")
    assert "ar, zh, fr, ru, es" in error["message"]
    for language in ("ar", "zh", "fr", "ru"):
        step = _ok(client.post(f"{path}/translations/{language}", as_="unon-dcs"))
        assert (step["status"], step["owner"]) == ("edited", "unon-dcs")
    _refused(client.post(f"{path}/translations/fr", as_="unon-dcs"), 409, "duplicate")
    translated = _ok(client.post(f"{path}/translations/es", as_="unon-dcs"))
    assert (translated["status"], translated["owner"]) == ("translated", "mc")
    assert all(v["status"] == "done" for v in translated["languages"])

    _refused(client.post(f"{path}/publish", as_="unon-dcs"), 403)
    published = _ok(client.post(f"{path}/publish"))
    assert (published["status"], published["owner"]) == ("published", None)
    _refused(client.post(f"{path}/publish"), 409, "illegal_transition")
    _refused(client.put(f"{path}/files/en", data=PDF_BYTES,
                        headers={"Content-Type": "application/pdf"}), 409, "illegal_transition")

    expected = Counter({"meeting_scheduled": 1, "document_registered": 1,
                        "contribution_recorded": 1, "document_submitted": 1,
                        "document_edited": 1, "translation_completed": 5,
                        "document_published": 1,
                        # COP-2 (2018) was long past when the document was registered:
                        # late for submission and due at once, not at the next check.
                        "document_late": 2})
    wait_for(lambda: Counter(feed_types(notifications)) == expected, message="every step")
    entries = notifications.client.get("/feed", params={"meeting_id": meeting["id"]}).json()
    by_type = {entry["type"]: entry for entry in entries["items"]}
    assert (by_type["contribution_recorded"]["actor"],
            by_type["contribution_recorded"]["owner"]) == ("brs", "mc")
    assert by_type["document_submitted"]["owner"] == "unon-dcs"
    assert (by_type["document_edited"]["actor"], by_type["document_published"]["owner"]) == (
        "unon-dcs", None)
    # The last translation hands the document back to mc.
    assert Counter(e["owner"] for e in entries["items"]
                   if e["type"] == "translation_completed") == {"unon-dcs": 4, "mc": 1}


def test_bad_requests_are_refused_and_leave_nothing_behind(services):
    registration = services.start("registration")
    documents = services.start("documents")
    meeting = schedule_meeting(registration)
    client = documents.client
    first = register_when_known(documents, working_document(meeting["id"]))

    error = _refused(client.post("/documents", json=working_document(
        meeting["id"], symbol="UNEP/MC/COP.2/99")), 400)
    assert "assigned" in error["fields"]["symbol"][0]
    error = _refused(client.post("/documents", json=working_document(
        meeting["id"], languages=["en", "fr", "zz"])), 400)
    assert set(error["fields"]) == {"languages"}
    _refused(client.post("/documents", json=working_document(
        meeting["id"], languages=["en", "fr"])), 400)
    _refused(client.post("/documents", json=working_document(
        meeting["id"], kind="report", languages="some")), 400)
    _refused(client.post("/documents", json=working_document(
        meeting["id"], relation="add")), 400)
    _refused(client.post("/documents", json=working_document(
        meeting["id"], parent_id=first["id"], relation="add", kind="information")), 400)
    _refused(client.post("/documents", json=working_document("no-such-meeting")), 409,
             "unknown_meeting")
    _refused(client.post("/documents", json=working_document(meeting["id"]), as_="brs"), 403)
    _refused(client.post("/documents", json=working_document(meeting["id"]), as_=None), 401)
    _refused(client.get("/documents/nope"), 404, "not_found")

    listed = client.get("/documents", params={"meeting_id": meeting["id"]}).json()
    assert [d["symbol"] for d in listed["items"]] == ["UNEP/MC/COP.2/1"]
    second = _ok(client.post("/documents", json=working_document(meeting["id"])), 201)
    assert second["symbol"] == "UNEP/MC/COP.2/2"  # no number was spent on a refusal


def test_a_reduced_document_is_published_in_english_french_and_spanish(services):
    registration = services.start("registration")
    documents = services.start("documents")
    meeting = schedule_meeting(registration)
    client = documents.client
    document = register_when_known(documents, working_document(
        meeting["id"], kind="information", languages="reduced", original_language="fr"))
    path = f"/documents/{document['id']}"
    assert document["symbol"] == "UNEP/MC/COP.2/INF/1"
    assert (document["language_set"], document["due_on"]) == ("reduced", None)
    assert [v["language"] for v in document["languages"]] == ["en", "fr", "es"]

    _ok(client.post(f"{path}/submit"))
    _ok(client.post(f"{path}/edited", as_="unon-dcs"))
    _refused(client.post(f"{path}/translations/ar", as_="unon-dcs"), 409, "language_not_required")
    _refused(client.post(f"{path}/translations/fr", as_="unon-dcs"), 409, "duplicate")
    _ok(client.post(f"{path}/translations/en", as_="unon-dcs"))
    assert _ok(client.post(f"{path}/translations/es", as_="unon-dcs"))["status"] == "translated"
    assert _ok(client.post(f"{path}/publish"))["status"] == "published"
    assert client.get("/documents", params={"status": "published"}).json()["items"][0][
        "id"] == document["id"]
