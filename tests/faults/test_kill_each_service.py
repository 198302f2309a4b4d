"""kill -9 of each consuming service in turn, during a burst of 300 funded confirmations,
each restarted at once: every travel case and feed entry is there exactly once."""
import os
import signal
import time
from collections import Counter

from coord import deadletter
from tests.e2e.processes import PYTHON, environment, wait_healthy
from tests.faults.report import FaultRun, record
from tests.support import free_port, publish_burst, rows, wait_for
from tests.travel_support import confirmed, meeting_scheduled

MEETING = "8a1f6f2e-1c55-4f0e-a6c2-5b3f1e9d7c20"
REGIONS = ("africa", "asia-pacific", "eastern-europe", "grulac", "weog")
CONFIRMATIONS = 300
KILLED_IN_TURN = ("travel", "notifications", "documents", "support")


def test_each_service_killed_in_turn_during_a_burst_loses_and_doubles_nothing(
        processes, services, postgresql, tmp_path):
    databases = {name: postgresql(name) for name in KILLED_IN_TURN}
    env = environment(services.amqp_uri, tmp_path / "var", COORD_TOKENS_FILE=services.tokens.path,
                      COORD_MAX_WORKERS=20, DATABASE_POOL_SIZE=4,
                      **{f"{name.upper()}_DATABASE_URL": url for name, url in databases.items()})
    ports = {name: free_port() for name in KILLED_IN_TURN}

    def start(name, attempt):
        process = processes.start([PYTHON, "-m", "coord.run", name],
                                  {**env, f"{name.upper()}_PORT": str(ports[name])},
                                  f"{name}-{attempt}")
        wait_healthy([f"http://127.0.0.1:{ports[name]}"], process, processes)
        return process

    running = {name: start(name, 0) for name in KILLED_IN_TURN}
    burst = [meeting_scheduled(MEETING)] + [
        confirmed(MEETING, region, number)
        for number in range(CONFIRMATIONS // len(REGIONS)) for region in REGIONS]
    chunk = len(burst) // len(KILLED_IN_TURN) + 1
    recoveries = []
    for turn, name in enumerate(KILLED_IN_TURN):
        publish_burst(services.amqp_uri, burst[turn * chunk:(turn + 1) * chunk])
        os.killpg(running[name].pid, signal.SIGKILL)  # mid-burst: its workers die mid-event
        running[name].wait()
        killed_at = time.monotonic()
        running[name] = start(name, 1)
        recoveries.append(time.monotonic() - killed_at)

    wait_for(lambda: rows(databases["travel"], "SELECT count(*) FROM travel_cases")[0][0]
             >= CONFIRMATIONS and not rows(databases["travel"],
                                           "SELECT 1 FROM outbox WHERE published_at IS NULL"),
             timeout=600, message="every case opened and its events published")
    travel_events = {row[0] for row in rows(databases["travel"], "SELECT event_id FROM outbox")}
    wanted = {envelope["event_id"] for envelope in burst} | travel_events
    wait_for(lambda: len(rows(databases["notifications"], "SELECT id FROM feed_entries"))
             >= len(wanted), timeout=600, message="every event in the feed")

    cases = Counter(row[0] for row in rows(databases["travel"],
                                           "SELECT registration_id FROM travel_cases"))
    feed = Counter(row[0] for row in rows(databases["notifications"],
                                          "SELECT id FROM feed_entries"))
    parked = sum(len(deadletter.parked(services.amqp_uri, name)) for name in KILLED_IN_TURN)
    lost = (CONFIRMATIONS - len(cases)) + len(wanted - set(feed))
    doubled = sum(n - 1 for n in cases.values()) + sum(n - 1 for n in feed.values())
    record(FaultRun("kill -9 of travel, notifications, documents, support in turn "
                    "during 300 confirmations", services_killed=len(KILLED_IN_TURN),
                    events_sent=len(wanted), lost=lost, duplicate_effects=doubled,
                    parked=parked, time_to_recover=max(recoveries)))
    assert (lost, doubled, parked) == (0, 0, 0)
    for process in running.values():
        assert process.poll() is None, processes.log(process)
