"""A RabbitMQ cluster loses a node during a burst of 300 funded confirmations: the
services fail over to the other nodes without a restart, and every travel case and feed
entry is there exactly once."""
import time
from collections import Counter

from coord import deadletter
from tests.faults.report import FaultRun, record
from tests.support import ServiceHarness, publish_burst, rows, wait_for
from tests.travel_support import confirmed, meeting_scheduled

MEETING = "5d7e1c0a-3f43-4c55-9b1e-2a9f0c6d8e11"
CONFIRMATIONS = 300
REGIONS = ("africa", "asia-pacific", "eastern-europe", "grulac", "weog")


def test_a_node_stopped_during_a_burst_loses_and_doubles_nothing(
        cluster, container_factory, tokens, sqlite_databases, tmp_path):
    databases = {}

    def database_for(service):
        databases.setdefault(service, sqlite_databases.copy(service, tmp_path))
        return databases[service]

    services = ServiceHarness(container_factory, {"AMQP_URI": cluster.amqp_uri}, tokens,
                              database_for)
    services.start("travel")
    services.start("notifications")
    burst = [meeting_scheduled(MEETING)] + [
        confirmed(MEETING, region, number)
        for number in range(CONFIRMATIONS // len(REGIONS)) for region in REGIONS]
    half = len(burst) // 2
    publish_burst(cluster.amqp_uri, burst[:half])
    wait_for(lambda: _count(databases["travel"], "travel_cases") >= 30, timeout=180,
             message="the burst under way")
    cluster.stop_node(1)  # the node every connection went to first
    stopped_at, cases_then = time.monotonic(), _count(databases["travel"], "travel_cases")
    publish_burst(cluster.amqp_uri, burst[half:])  # the rest of the burst, through the others
    wait_for(lambda: _count(databases["travel"], "travel_cases") > cases_then, timeout=180,
             message="cases opening again on the other nodes")
    recovered_after = time.monotonic() - stopped_at
    wait_for(lambda: _count(databases["travel"], "travel_cases") >= CONFIRMATIONS
             and not rows(databases["travel"],
                           "SELECT 1 FROM outbox WHERE published_at IS NULL"),
             timeout=600, message="every case opened and its events published")
    cluster.start_node(1)

    travel_events = {row[0] for row in rows(databases["travel"], "SELECT event_id FROM outbox")}
    wanted = {envelope["event_id"] for envelope in burst} | travel_events
    wait_for(lambda: len(rows(databases["notifications"], "SELECT id FROM feed_entries"))
             >= len(wanted), timeout=600, message="every event in the feed")

    cases = Counter(row[0] for row in rows(databases["travel"],
                                            "SELECT registration_id FROM travel_cases"))
    feed = Counter(row[0] for row in rows(databases["notifications"],
                                           "SELECT id FROM feed_entries"))
    parked = sum(len(deadletter.parked(cluster.amqp_uri, consumer))
                 for consumer in ("travel", "notifications"))
    lost = (CONFIRMATIONS - len(cases)) + len(wanted - set(feed))
    doubled = sum(n - 1 for n in cases.values()) + sum(n - 1 for n in feed.values())
    record(FaultRun("broker node stopped during 300 confirmations (3-node cluster)",
                    broker_nodes_stopped=1, events_sent=len(wanted), lost=lost,
                    duplicate_effects=doubled, parked=parked,
                    time_to_recover=recovered_after))
    assert (lost, doubled, parked) == (0, 0, 0)
    assert set(cases.values()) == {1} and set(feed) == wanted


def _count(url, table):
    return rows(url, f"SELECT count(*) FROM {table}")[0][0]
