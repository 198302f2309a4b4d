"""The feed never skips an entry under concurrent writers (PostgreSQL).

Each entry's `seq` is drawn at insert and seen at commit. With fifty handlers writing at
once, an entry may commit after one with a larger `seq`; a stream or a pager that has
already passed the larger one would then never show the smaller. Writers take turns
(coord.db.UnitOfWork.take_turn), so entries commit in `seq` order.
"""
import json
import threading
from collections import Counter

import pytest
from kombu import Connection
from sqlalchemy import create_engine, text

from coord import topology
from tests.integration.test_notifications_stream import event_stream
from tests.support import wait_for
from tests.travel_support import confirmed

pytestmark = pytest.mark.parametrize("database_kind", ["postgresql"])

EVENTS = 600


def publish_burst(amqp_uri, envelopes):
    """Publish as registration would, in one go, so the consumer has them all queued."""
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        producer = connection.Producer(connection.channel())
        for envelope in envelopes:
            producer.publish(json.dumps(envelope), exchange=topology.event_exchange(
                "registration").name, routing_key=envelope["type"],
                content_type="application/json", delivery_mode=2)


def follow_stream(notifications, headers, wanted, seen, drop_every=150):
    """Read the stream; drop the connection every `drop_every` entries and resume with
    Last-Event-ID, as a browser's EventSource does after a network blip."""
    last = 0
    while len(seen) < wanted:
        with event_stream(notifications, headers={**headers, "Last-Event-ID": str(last)}) \
                as read:
            for seq, entry in read(min(drop_every, wanted - len(seen))):
                seen.append(entry["id"])
                last = seq


def page_while_arriving(notifications, seen, passes, done):
    """Poll /feed newest first, paging down until the newest entry seen before, as a
    partner's poller does: what it has passed it never looks at again."""
    newest = 0
    while not done.is_set():
        passes.append(newest)
        cursor, top = None, None
        while True:
            params = {"limit": 50, **({"cursor": cursor} if cursor else {})}
            body = notifications.client.get("/feed", params=params).json()
            fresh = [entry for entry in body["items"] if entry["seq"] > newest]
            seen.extend(entry["id"] for entry in fresh)
            top = top or (body["items"][0]["seq"] if body["items"] else newest)
            if len(fresh) < len(body["items"]) or not body["next_cursor"]:
                break
            cursor = body["next_cursor"]
        newest = max(newest, top)


def feed_rows(notifications):
    engine = create_engine(notifications.config["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT seq FROM feed_entries")).all()
    finally:
        engine.dispose()


def test_a_stream_and_a_pager_see_every_entry_once_while_fifty_handlers_write(services):
    notifications = services.start("notifications", max_workers=50)
    headers = services.tokens.headers("mc")
    envelopes = [confirmed("6c1e9f43-52a8-4a53-b8f3-6bd1d2a9a001", number=number)
                 for number in range(EVENTS)]
    streamed, paged, passes, done = [], [], [], threading.Event()
    reader = threading.Thread(target=follow_stream,
                              args=(notifications, headers, EVENTS, streamed))
    pager = threading.Thread(target=page_while_arriving,
                             args=(notifications, paged, passes, done))
    reader.start()
    pager.start()
    publish_burst(services.amqp_uri, envelopes)
    wait_for(lambda: len(feed_rows(notifications)) == EVENTS, timeout=120,
             message="every entry in the feed")
    reader.join(timeout=60)
    after_the_last_entry = len(passes)
    wait_for(lambda: len(passes) > after_the_last_entry + 1, message="a last pass of the pager")
    done.set()
    pager.join(timeout=30)

    wanted = {envelope["event_id"] for envelope in envelopes}
    assert not reader.is_alive(), f"the stream gave {len(streamed)} of {EVENTS} entries"
    assert Counter(streamed) == Counter(wanted), "the stream skipped or repeated entries"
    assert Counter(paged) == Counter(wanted), "the pager skipped or repeated entries"
