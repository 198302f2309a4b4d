import pytest

from tests.e2e.browser import browser  # noqa: F401  (a fixture for every e2e test)
from tests.e2e.processes import Processes


@pytest.fixture
def processes(tmp_path):
    started = Processes(tmp_path)
    yield started
    started.stop_all()
