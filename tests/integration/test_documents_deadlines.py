"""Late documents: the timer says so once per document and deadline, naming the holder,
across restarts and concurrent timers; `GET /documents?late=true` lists them.

COP-2 opens on 2018-11-19: documents are due at conference services on 2018-09-10 and
due (six weeks before) on 2018-10-08. "Today" is fixed through DOCUMENTS_TODAY.
"""
from collections import Counter

import pytest

from tests.documents_support import (
    EventTap, announce_meeting, register_when_known, working_document,
)
from tests.support import wait_for

FAST_TIMER = {"DOCUMENTS_LATE_CHECK_INTERVAL": 0.1}


@pytest.fixture
def late_events(services):
    tap = EventTap(services.amqp_uri, "documents", "document_late")
    yield tap
    tap.close()


def _notices(tap):
    return Counter((e["subject"]["id"], e["data"]["deadline"], e["owner"], e["data"]["days_late"])
                   for e in tap.envelopes())


def _wait_for_notices(tap, expected):
    wait_for(lambda: set(_notices(tap)) >= set(expected), message=f"notices {expected}")
    assert _notices(tap) == Counter(expected)  # each exactly once, nothing else


def _late_days(documents):
    listed = documents.client.get("/documents", params={"late": "true"}).json()["items"]
    return {document["id"]: document["days_late"] for document in listed}


def test_a_late_document_is_noticed_once_naming_its_holder_across_restarts(
        services, late_events):
    documents = services.start("documents", DOCUMENTS_TODAY="2018-09-20", **FAST_TIMER)
    notifications = services.start("notifications")
    meeting_id = announce_meeting(services)
    first = register_when_known(documents, working_document(meeting_id))["id"]
    _wait_for_notices(late_events, [(first, "submission", "mc", 10)])
    assert documents.client.post(f"/documents/{first}/submit").status_code == 200
    # A later document's notice proves the timer went over the first one again.
    second = register_when_known(documents, working_document(meeting_id))["id"]
    _wait_for_notices(late_events, [(first, "submission", "mc", 10),
                                    (second, "submission", "mc", 10)])
    assert _late_days(documents) == {second: 10}  # the first was submitted since

    documents.container.kill()
    documents = services.start("documents", DATABASE_URL=documents.config["DATABASE_URL"],
                               DOCUMENTS_TODAY="2018-10-18", **FAST_TIMER)
    third = register_when_known(documents, working_document(meeting_id))["id"]
    _wait_for_notices(late_events, [
        (first, "submission", "mc", 10), (second, "submission", "mc", 10),
        (first, "due", "unon-dcs", 10), (second, "due", "mc", 10),
        (third, "submission", "mc", 38), (third, "due", "mc", 10)])
    assert _late_days(documents) == {first: 10, second: 38, third: 38}

    feed = wait_for(lambda: (items := notifications.client.get(
        "/feed", params={"type": "document_late"}).json()["items"]) and len(items) == 6
        and items, message="six late entries in the feed")
    assert Counter(entry["owner"] for entry in feed) == {"mc": 5, "unon-dcs": 1}


@pytest.mark.parametrize("database_kind", ["postgresql"])
def test_concurrent_timers_on_postgresql_notice_each_document_once(services, late_events):
    # Two instances on one database, both timers racing; one relay publishes the outbox.
    config = {"DOCUMENTS_TODAY": "2018-09-20", "DOCUMENTS_LATE_CHECK_INTERVAL": 0.02}
    documents = services.start("documents", **config)
    services.start("documents", OUTBOX_RELAY="off", **config)
    meeting_id = announce_meeting(services)
    created = [register_when_known(documents, working_document(meeting_id))["id"]
               for _ in range(15)]
    _wait_for_notices(late_events, [(id_, "submission", "mc", 10) for id_ in created])
