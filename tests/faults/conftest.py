"""The fault suite: its cluster of three RabbitMQ nodes, and the table it prints."""
import pytest

from tests.e2e.processes import Processes
from tests.faults.cluster import Cluster, ClusterUnavailable
from tests.faults.report import RUNS, table


@pytest.fixture(scope="module")
def cluster():
    """Three clustered RabbitMQ nodes of the test's own; skipped, saying why, where they
    cannot be started."""
    try:
        nodes = Cluster()
    except ClusterUnavailable as exc:
        pytest.skip(f"no RabbitMQ cluster here: {exc}")
    try:
        nodes.start()
    except ClusterUnavailable as exc:
        nodes.close()
        pytest.skip(f"the RabbitMQ cluster did not start: {exc}")
    yield nodes
    nodes.close()


@pytest.fixture
def processes(tmp_path):
    """Service processes of the test's own, killed at its end."""
    started = Processes(tmp_path)
    yield started
    started.stop_all()


def pytest_terminal_summary(terminalreporter):
    if RUNS:
        terminalreporter.write_sep("=", "faults: what held")
        terminalreporter.write_line(table(RUNS))
