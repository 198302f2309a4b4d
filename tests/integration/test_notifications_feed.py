"""The staff feed through the real broker and HTTP: every event type, filters, Atom."""
from datetime import datetime, timedelta, timezone

import feedparser
import requests

from tests.notifications_support import MEETING_ID, SAMPLE, SAMPLES
from tests.support import stream_ticket, wait_for


def feed(notifications, **params):
    response = notifications.client.get("/feed", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def wait_for_entries(notifications, count):
    return wait_for(lambda: len(entries := feed(notifications)) >= count and entries,
                    message=f"{count} feed entries")


def test_every_event_type_of_the_contract_becomes_an_entry_with_its_owner(services):
    notifications = services.start("notifications")
    published = {}
    for sample in SAMPLES:
        envelope = sample.envelope()
        services.publish(sample.source, envelope)
        published[sample.type] = envelope

    entries = wait_for_entries(notifications, len(SAMPLES))
    assert len(entries) == len(SAMPLES)
    by_type = {entry["type"]: entry for entry in entries}
    assert set(by_type) == set(published)
    for event_type, envelope in published.items():
        entry = by_type[event_type]
        assert (entry["id"], entry["owner"], entry["actor"], entry["meeting_id"]) == (
            envelope["event_id"], envelope["owner"], envelope["actor"], MEETING_ID), event_type
        assert entry["subject"] == envelope["subject"]
        assert "recorded “" not in entry["summary"], entry["summary"]  # not the generic one
        assert entry["late"] == (event_type == "document_late")
    assert by_type["ticket_issued"]["summary"] == (
        "BRS issued the ticket for Ana Pérez (Peru) to COP-2; DSA payment is now with CHB.")
    assert by_type["ticket_issued"]["meeting_code"] == "COP-2"

    waiting_on_brs = {entry["type"] for entry in feed(notifications, owner="brs")}
    assert waiting_on_brs == {sample.type for sample in SAMPLES if sample.owner == "brs"}
    assert [entry["type"] for entry in feed(notifications, type="dsa_paid")] == ["dsa_paid"]
    assert len(feed(notifications, meeting_id=MEETING_ID)) == len(SAMPLES)
    assert feed(notifications, meeting_id="another-meeting") == []


def test_the_feed_pages_newest_first_and_filters_by_time(services):
    notifications = services.start("notifications")
    start = datetime(2018, 10, 1, tzinfo=timezone.utc)
    for hour, sample in enumerate(SAMPLES[:7]):
        services.publish(sample.source, sample.envelope(occurred_at=start + timedelta(hours=hour)))
    newest_first = [entry["seq"] for entry in wait_for_entries(notifications, 7)]
    assert newest_first == sorted(newest_first, reverse=True)

    pages, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = notifications.client.get("/feed", params=params).json()
        pages.append([entry["seq"] for entry in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [seq for page in pages for seq in page] == newest_first
    assert [len(page) for page in pages] == [3, 3, 1]

    since = feed(notifications, since="2018-10-01T04:00:00+00:00")
    assert len(since) == 3
    assert len(feed(notifications, since="2018-10-01T06:00:00")) == 1  # no zone: UTC


def error(response, status, code=None):
    assert response.status_code == status, response.text
    body = response.json()["error"]
    if code:
        assert body["code"] == code, body
    return body


def test_unknown_filters_a_malformed_cursor_or_time_are_refused(services):
    client = services.start("notifications").client
    assert "owner" in error(client.get("/feed", params={"owner": "nobody"}), 400)["fields"]
    assert "since" in error(client.get("/feed", params={"since": "last tuesday"}), 400)["fields"]
    assert "type" in error(client.get("/feed", params={"type": "Not A Type"}), 400)["fields"]
    error(client.get("/feed", params={"cursor": "not-a-cursor"}), 400, "malformed_cursor")
    assert "colour" in error(client.get("/feed", params={"colour": "red"}), 400)["fields"]
    error(client.get("/feed", params={"limit": 0}), 400)
    error(client.get("/feed.atom", params={"owner": "nobody", "ticket": "forged"},
                     as_=None), 401, "unauthenticated")
    error(client.get("/feed/stream", params={"last_event_id": "soon"}), 400)
    error(client.get("/feed/stream", headers={"Last-Event-ID": "soon"}), 400,
          "malformed_last_event_id")
    error(client.get("/digest", params={"owner": "nobody"}), 400)


def test_a_feed_reader_parses_the_atom_feed(services):
    notifications = services.start("notifications")
    for sample in (SAMPLE["meeting_scheduled"], SAMPLE["ticket_issued"], SAMPLE["document_late"]):
        services.publish(sample.source, sample.envelope())
    entries = wait_for_entries(notifications, 3)

    stream = stream_ticket(notifications, "mc")
    response = requests.get(notifications.url + "/feed.atom", params={"ticket": stream},
                            timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    assert [item.id for item in parsed.entries] == [f"urn:uuid:{e['id']}" for e in entries]
    atom = {item.id: item for item in parsed.entries}  # concurrent workers: any order
    late = next(entry for entry in entries if entry["type"] == "document_late")
    ticket = next(entry for entry in entries if entry["type"] == "ticket_issued")
    assert atom[f"urn:uuid:{late['id']}"].title == "LATE: " + late["summary"]
    assert atom[f"urn:uuid:{ticket['id']}"].summary == ticket["summary"]
    assert all(stream not in link.href for link in parsed.feed.links)

    only_chb = feedparser.parse(notifications.client.get(
        "/feed.atom", params={"owner": "chb"}).content)
    assert [item.title for item in only_chb.entries] == [
        "BRS issued the ticket for Ana Pérez (Peru) to COP-2; DSA payment is now with CHB."]
    error(notifications.client.get("/feed.atom", as_=None), 401, "unauthenticated")


def test_the_staff_page_is_public_but_its_data_needs_a_token(services):
    client = services.start("notifications").client
    page = client.get("/", as_=None)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "/static/staff.js" in page.text and "access_token" not in page.text
    script = client.get("/static/staff.js", as_=None)
    assert script.status_code == 200 and "EventSource" in script.text
    assert client.get("/static/staff.css", as_=None).headers["Content-Type"].startswith("text/css")
    error(client.get("/static/secrets.yaml", as_=None), 404, "not_found")
    for path in ("/feed", "/feed/stream", "/waiting", "/digest", "/digest.txt"):
        error(client.get(path, as_=None), 401, "unauthenticated")
