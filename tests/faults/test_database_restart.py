"""The database drops every connection of travel and notifications (as a PostgreSQL
restart does) again and again during a burst of 300 funded confirmations: each case and
feed entry is there exactly once, and the processes live on."""
import time

from sqlalchemy.engine import make_url

from coord import deadletter
from tests.databases import POSTGRESQL
from tests.e2e.processes import PYTHON, environment, wait_healthy
from tests.faults.burst import chunks, confirmations_burst, settled_outcome
from tests.faults.report import FaultRun, record
from tests.support import free_port, publish_burst, rows

MEETING = "c3d0b7a4-2b1e-4d8f-9e6a-7f5c4b3a2d19"
SERVICES = ("travel", "notifications")
DROPS = 4


def test_connections_dropped_during_a_burst_lose_and_double_nothing(
        processes, services, postgresql, tmp_path):
    databases = {name: postgresql(name) for name in SERVICES}
    env = environment(services.amqp_uri, tmp_path / "var", COORD_TOKENS_FILE=services.tokens.path,
                      COORD_MAX_WORKERS=20, DATABASE_POOL_SIZE=4,
                      **{f"{name.upper()}_DATABASE_URL": url for name, url in databases.items()})
    running = {}
    for name in SERVICES:
        port = free_port()
        running[name] = processes.start([PYTHON, "-m", "coord.run", name],
                                        {**env, f"{name.upper()}_PORT": str(port)}, name)
        wait_healthy([f"http://127.0.0.1:{port}"], running[name], processes)

    burst = confirmations_burst(MEETING)
    for part in chunks(burst, DROPS):
        publish_burst(services.amqp_uri, part)
        for url in databases.values():  # every connection of both services, mid-work
            rows(POSTGRESQL + "/postgres", "SELECT pg_terminate_backend(pid) FROM "
                 f"pg_stat_activity WHERE datname = '{make_url(url).database}'")
    dropped_at = time.monotonic()

    sent, lost, doubled = settled_outcome(databases["travel"], databases["notifications"], burst)
    recovered_after = time.monotonic() - dropped_at
    parked = sum(len(deadletter.parked(services.amqp_uri, name)) for name in SERVICES)
    record(FaultRun(f"database connections of travel and notifications dropped {DROPS} "
                    "times during 300 confirmations", events_sent=sent, lost=lost,
                    duplicate_effects=doubled, parked=parked,
                    time_to_recover=recovered_after))
    assert (lost, doubled) == (0, 0)
    for process in running.values():
        assert process.poll() is None, processes.log(process)
