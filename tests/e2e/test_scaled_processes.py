"""Several processes of one service against one PostgreSQL database, as operations scale
them: each event handled once, each outbox row published once."""
import json
from collections import Counter

from kombu import Connection, Queue

from coord import topology
from tests.e2e.processes import PYTHON, environment, wait_healthy
from tests.support import free_port, publish_burst as publish, rows, wait_for
from tests.travel_support import confirmed, meeting_scheduled

MEETING = "0b9c3f53-7d1e-4b1e-9d55-0c1b2d3e4f50"
CONFIRMATIONS = 300
COPIES = 3


class Tap:
    """A queue of the test's own bound to an exchange before the burst: every message the
    exchange routes, counted by event_id."""

    def __init__(self, amqp_uri, source):
        self._connection = Connection(amqp_uri)
        channel = self._connection.channel()
        exchange = topology.event_exchange(source)
        exchange(channel).declare()
        self._queue = Queue(f"test-tap.{source}", exchange=exchange, routing_key="#",
                            exclusive=True)(channel)
        self._queue.declare()
        self.seen = Counter()

    def drain(self):
        while (message := self._queue.get(no_ack=True)) is not None:
            self.seen[json.loads(message.body)["event_id"]] += 1
        return self.seen

    def close(self):
        self._connection.close()


def test_three_processes_each_of_travel_and_notifications_handle_a_burst_once(
        processes, services, postgresql, tmp_path):
    databases = {name: postgresql(name) for name in ("travel", "notifications")}
    env = environment(services.amqp_uri, tmp_path / "var",
                      COORD_TOKENS_FILE=services.tokens.path, COORD_MAX_WORKERS=20,
                      DATABASE_POOL_SIZE=4,
                      TRAVEL_DATABASE_URL=databases["travel"],
                      NOTIFICATIONS_DATABASE_URL=databases["notifications"])
    started = []
    for name in ("travel", "notifications"):
        for copy in range(COPIES):
            port = free_port()
            process = processes.start([PYTHON, "-m", "coord.run", name],
                                      {**env, f"{name.upper()}_PORT": str(port)}, f"{name}-{copy}")
            started.append((process, f"http://127.0.0.1:{port}"))
    for process, url in started:
        wait_healthy([url], process, processes)

    travel_tap = Tap(services.amqp_uri, "travel")
    try:
        burst = [meeting_scheduled(MEETING)] + [
            confirmed(MEETING, region, number) for number in range(CONFIRMATIONS // 5)
            for region in ("africa", "asia-pacific", "eastern-europe", "grulac", "weog")]
        publish(services.amqp_uri, burst)

        wait_for(lambda: rows(databases["travel"], "SELECT count(*) FROM travel_cases")[0][0]
                 == CONFIRMATIONS and not rows(databases["travel"], "SELECT 1 FROM outbox "
                                               "WHERE published_at IS NULL"),
                 timeout=180, message="every case opened and its events published")
        outbox = {row[0] for row in rows(databases["travel"], "SELECT event_id FROM outbox")}
        published = wait_for(lambda: (seen := travel_tap.drain()) and set(seen) == outbox
                             and seen, message="every outbox row on the broker")
        wanted = {envelope["event_id"] for envelope in burst} | outbox
        wait_for(lambda: len(rows(databases["notifications"],
                                  "SELECT id FROM feed_entries")) >= len(wanted),
                 timeout=180, message="every event in the feed")
    finally:
        travel_tap.close()

    cases = rows(databases["travel"], "SELECT registration_id FROM travel_cases")
    assert Counter(Counter(row[0] for row in cases).values()) == {1: CONFIRMATIONS}
    assert max(published.values()) == 1, "an outbox row reached the broker twice"
    feed = Counter(row[0] for row in rows(databases["notifications"],
                                          "SELECT id FROM feed_entries"))
    assert set(feed) == wanted and max(feed.values()) == 1
    for process, _ in started:
        assert process.poll() is None, processes.log(process)
