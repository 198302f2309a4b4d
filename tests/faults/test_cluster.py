"""A RabbitMQ cluster loses a node during a burst of 300 funded confirmations: the
services fail over to the other nodes without a restart, and every travel case and feed
entry is there exactly once."""
import time

from coord import deadletter
from tests.faults.burst import chunks, confirmations_burst, settled_outcome
from tests.faults.report import FaultRun, record
from tests.support import ServiceHarness, publish_burst, rows, wait_for

MEETING = "5d7e1c0a-3f43-4c55-9b1e-2a9f0c6d8e11"


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
    burst = confirmations_burst(MEETING)
    first_half, second_half = chunks(burst, 2)
    publish_burst(cluster.amqp_uri, first_half)
    wait_for(lambda: _count(databases["travel"], "travel_cases") >= 30, timeout=180,
             message="the burst under way")
    cluster.stop_node(1)  # the node every connection went to first
    stopped_at, cases_then = time.monotonic(), _count(databases["travel"], "travel_cases")
    publish_burst(cluster.amqp_uri, second_half)  # the rest of the burst, through the others
    wait_for(lambda: _count(databases["travel"], "travel_cases") > cases_then, timeout=180,
             message="cases opening again on the other nodes")
    recovered_after = time.monotonic() - stopped_at
    cluster.start_node(1)
    sent, lost, doubled = settled_outcome(databases["travel"], databases["notifications"], burst)
    parked = sum(len(deadletter.parked(cluster.amqp_uri, consumer))
                 for consumer in ("travel", "notifications"))
    record(FaultRun("broker node stopped during 300 confirmations (3-node cluster)",
                    broker_nodes_stopped=1, events_sent=sent, lost=lost,
                    duplicate_effects=doubled, parked=parked,
                    time_to_recover=recovered_after))
    assert (lost, doubled, parked) == (0, 0, 0)


def _count(url, table):
    return rows(url, f"SELECT count(*) FROM {table}")[0][0]
