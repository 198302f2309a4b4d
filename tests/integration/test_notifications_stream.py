"""The live feed as server-sent events: a client that reconnects misses nothing."""
import json
from contextlib import contextmanager

import pytest
import requests

from tests.notifications_support import SAMPLES
from tests.support import stream_ticket, wait_for


@contextmanager
def event_stream(notifications, headers=None, **params):
    """An open /feed/stream response; yields a function that reads the next n events,
    each as (its `id:`, the entry in its `data:`)."""
    response = requests.get(notifications.url + "/feed/stream", params=params,
                            headers=headers or {}, stream=True, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/event-stream")
    lines = response.iter_lines(chunk_size=None, decode_unicode=True)

    def read(count):
        events, fields = [], {}
        for line in lines:
            if line.startswith(":"):
                continue
            if line:
                name, _, value = line.partition(": ")
                fields[name] = value
                continue
            if "data" in fields:
                events.append((int(fields["id"]), json.loads(fields["data"])))
                if len(events) == count:
                    return events
            fields = {}
        raise AssertionError(f"the stream ended after {len(events)} of {count} events")

    try:
        yield read
    finally:
        response.close()


def publish(services, notifications, samples):
    envelopes = [sample.envelope() for sample in samples]
    for sample, envelope in zip(samples, envelopes):
        services.publish(sample.source, envelope)
    wanted = {envelope["event_id"] for envelope in envelopes}
    wait_for(lambda: wanted <= {entry["id"] for entry in notifications.client.get(
        "/feed", params={"limit": 500}).json()["items"]}, message="the published entries")
    return [envelope["event_id"] for envelope in envelopes]


def test_a_client_that_reconnects_with_last_event_id_gets_exactly_what_it_missed(services):
    notifications = services.start("notifications")
    ticket = stream_ticket(notifications, "mc")
    first = publish(services, notifications, SAMPLES[:3])

    with event_stream(notifications, ticket=ticket, last_event_id=0) as read:
        seen = read(3)
    assert [event_id for event_id, entry in seen] == [entry["seq"] for _, entry in seen]
    assert {entry["id"] for _, entry in seen} == set(first)
    last_seen = seen[-1][0]

    missed = publish(services, notifications, SAMPLES[3:5])  # while disconnected
    resumed = event_stream(notifications, headers={"Last-Event-ID": str(last_seen)},
                           ticket=ticket, last_event_id=0)  # the header wins
    with resumed as read_resumed, event_stream(notifications, ticket=ticket) as read_new:
        caught_up = read_resumed(2)
        assert sorted(entry["id"] for _, entry in caught_up) == sorted(missed)
        assert all(event_id > last_seen for event_id, _ in caught_up)

        (later,) = publish(services, notifications, SAMPLES[5:6])
        assert [entry["id"] for _, entry in read_resumed(1)] == [later]  # nothing repeated
        assert [entry["id"] for _, entry in read_new(1)] == [later]  # no id: only what is new


def test_the_stream_follows_the_feeds_filters(services):
    notifications = services.start("notifications")
    with event_stream(notifications, headers=services.tokens.headers("mc"), owner="brs",
                      last_event_id=0) as read:
        publish(services, notifications, SAMPLES)
        brs_types = [sample.type for sample in SAMPLES if sample.owner == "brs"]
        assert sorted(entry["type"] for _, entry in read(len(brs_types))) == sorted(brs_types)


def test_a_new_entry_reaches_an_open_stream_without_waiting_for_a_poll(services):
    """The consumer's commit wakes the stream: with the fallback poll an hour away, the
    entry still arrives (the client's read timeout is 10 s)."""
    notifications = services.start("notifications", NEWS_FALLBACK_POLL=3600)
    assert_streamed_at_once(services, notifications)


@pytest.mark.parametrize("database_kind", ["postgresql"])
def test_an_entry_recorded_by_another_process_reaches_the_stream_by_notify(services):
    """A worker process records the entry; the api process serving the stream hears of it
    through PostgreSQL's LISTEN/NOTIFY, not by polling (its poll is an hour away)."""
    roles = {"SERVICE_CONTAINER_CLS": "coord.run.RoleContainer", "NEWS_FALLBACK_POLL": 3600}
    api = services.start("notifications", COORD_ROLE="api", **roles)
    services.start("notifications", COORD_ROLE="worker", **roles)
    assert_streamed_at_once(services, api)


def assert_streamed_at_once(services, streaming):
    """An entry already in the feed is streamed first: the stream has then read the feed
    and waits for news. The next entry recorded must arrive without a poll."""
    first = publish(services, streaming, SAMPLES[:1])
    ticket = stream_ticket(streaming, "mc")
    with event_stream(streaming, ticket=ticket, last_event_id=0) as read:
        assert [entry["id"] for _, entry in read(1)] == first
        second = publish(services, streaming, SAMPLES[1:2])
        assert [entry["id"] for _, entry in read(1)] == second
