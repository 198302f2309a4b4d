"""kill -9 of each consuming service in turn, during a burst of 300 funded confirmations,
each restarted at once: every travel case and feed entry is there exactly once."""
import os
import signal
import time

from coord import deadletter
from tests.e2e.processes import PYTHON, environment, wait_healthy
from tests.faults.burst import chunks, confirmations_burst, settled_outcome
from tests.faults.report import FaultRun, record
from tests.support import free_port, publish_burst

MEETING = "8a1f6f2e-1c55-4f0e-a6c2-5b3f1e9d7c20"
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
    burst = confirmations_burst(MEETING)
    recoveries = []
    for name, part in zip(KILLED_IN_TURN, chunks(burst, len(KILLED_IN_TURN))):
        publish_burst(services.amqp_uri, part)
        os.killpg(running[name].pid, signal.SIGKILL)  # mid-burst: its workers die mid-event
        running[name].wait()
        killed_at = time.monotonic()
        running[name] = start(name, 1)
        recoveries.append(time.monotonic() - killed_at)

    sent, lost, doubled = settled_outcome(databases["travel"], databases["notifications"], burst)
    parked = sum(len(deadletter.parked(services.amqp_uri, name)) for name in KILLED_IN_TURN)
    record(FaultRun("kill -9 of travel, notifications, documents, support in turn "
                    "during 300 confirmations", services_killed=len(KILLED_IN_TURN),
                    events_sent=sent, lost=lost, duplicate_effects=doubled,
                    parked=parked, time_to_recover=max(recoveries)))
    assert (lost, doubled, parked) == (0, 0, 0)
    for process in running.values():
        assert process.poll() is None, processes.log(process)
