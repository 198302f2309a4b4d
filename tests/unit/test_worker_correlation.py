"""A worker's correlation id is set at its setup and undone at its teardown; a worker
killed in between (a container stopping) leaves nothing behind that fails later."""
import gc
import sys
from types import SimpleNamespace

import eventlet

from coord import logs
from coord.service import WorkContext


def test_a_worker_runs_under_its_correlation_id_and_gives_it_back():
    worker = SimpleNamespace(data={"correlation_id": "confirm-42"})
    context = WorkContext()
    context.worker_setup(worker)
    assert logs.current_correlation_id() == "confirm-42"
    context.worker_teardown(worker)
    assert logs.current_correlation_id() is None


def test_a_worker_killed_before_its_teardown_leaves_no_error_behind(monkeypatch):
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)

    def run_worker():
        worker = SimpleNamespace(data={"correlation_id": "killed-1"})
        WorkContext().worker_setup(worker)
        eventlet.sleep(10)  # killed here, as a stopping container kills its workers

    thread = eventlet.spawn(run_worker)
    eventlet.sleep(0)
    thread.kill()
    del thread
    gc.collect()

    assert [hook.exc_value for hook in unraisable] == []
