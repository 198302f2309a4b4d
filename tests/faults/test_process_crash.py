"""A message that crashes its consumer's process every time is not redelivered forever:
after the delivery limit of its quorum queue the broker parks it, with the reason, and a
replay once the cause is fixed brings it in."""
import time

import eventlet
from nameko.extensions import DependencyProvider

from coord import deadletter, topology
from coord.events import subscribe
from coord.outbox import Database
from services.notifications.models import Base
from tests.faults.report import FaultRun, record
from tests.support import feed_types, meeting_scheduled_event, wait_for


class ProcessCrash(DependencyProvider):
    """Ends its container abruptly, unacked message and all, as an OOM kill would."""

    def get_dependency(self, worker_ctx):
        def crash():
            eventlet.spawn_n(self.container.kill)
            eventlet.sleep(120)  # killed with the container, the message never acked
        return crash


class CrashingNotifications:
    name = "notifications"
    db = Database(Base.metadata)
    crash = ProcessCrash()
    crashes = []

    @subscribe("registration")
    def on_registration_event(self, uow, envelope):
        CrashingNotifications.crashes.append(envelope["event_id"])
        self.crash()


def test_a_message_that_keeps_crashing_its_process_is_parked_after_the_limit(services):
    CrashingNotifications.crashes.clear()
    poison = meeting_scheduled_event(code="CRASH-1")
    services.publish("registration", poison)

    def parked():
        return deadletter.parked(services.amqp_uri, "notifications")

    started = time.monotonic()
    for run in range(topology.DELIVERY_LIMIT + 2):
        if parked():
            break
        crashing = services.start("notifications", service_cls=CrashingNotifications)
        wait_for(lambda: len(CrashingNotifications.crashes) > run or parked(), timeout=60,
                 message=f"delivery {run + 1}")
        with eventlet.Timeout(180):  # generous: a kill under load can be slow
            crashing.container.wait()

    [entry] = wait_for(parked, timeout=60, message="the message parked by the broker")
    parked_after = time.monotonic() - started
    assert entry["event_id"] == poison["event_id"]
    assert entry["reason"].startswith("delivery limit")
    assert entry["queue"] == "notifications.from.registration"
    assert len(CrashingNotifications.crashes) <= topology.DELIVERY_LIMIT + 1

    notifications = services.start("notifications")  # the fixed release
    assert deadletter.replay(services.amqp_uri, "notifications", wait=0).replayed == 1
    wait_for(lambda: feed_types(notifications) == ["meeting_scheduled"], timeout=60,
             message="the replayed event in the feed")
    record(FaultRun("a message that crashes its consumer every time (parked, then replayed)",
                    services_killed=len(CrashingNotifications.crashes), events_sent=1,
                    lost=1 - len(feed_types(notifications)),
                    duplicate_effects=len(feed_types(notifications)) - 1, parked=1,
                    time_to_recover=parked_after))
