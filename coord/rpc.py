"""Read your own writes across services: ask registration for a meeting not heard of yet.

Services learn meetings from registration's `meeting_scheduled` events, which arrive a
moment after the meeting is scheduled. A partner that schedules a meeting and at once
records an agreement or a document would be refused "unknown meeting" in that moment.
So, on a miss, a service asks registration over nameko RPC (`meeting_snapshot`, with a
timeout) and keeps the answer; the events still come and update the same row. When
registration does not answer in time (down, overloaded), the service refuses exactly
as before: the caller never sees a 500 or waits for long.
"""
import logging

import eventlet
from nameko.extensions import DependencyProvider
from nameko.messaging import QueueConsumer, QueueConsumerStopped
from nameko.rpc import Rpc, RpcConsumer
from nameko.standalone.rpc import ServiceRpcProxy

from coord.configured import setting
from coord.errors import Conflict

log = logging.getLogger(__name__)

REGISTRATION = "registration"


class MeetingLearner:
    """Per worker: makes a meeting known to this service's database before a request
    that names it, asking registration only when the local copy lacks it."""

    def __init__(self, config, timeout, known, keep):
        self._config = config
        self._timeout = timeout
        self._known = known
        self._keep = keep

    def make_known(self, db, meeting_id):
        """Ensure the service knows `meeting_id`, if registration knows the meeting; else
        leave it unknown, for the use case to refuse as it always has."""
        if meeting_id is None:
            return
        with db.unit_of_work() as uow:
            if self._known(uow, meeting_id):
                return
        snapshot = self._ask(meeting_id)
        if snapshot is None:
            return
        try:
            with db.unit_of_work() as uow:
                if not self._known(uow, meeting_id):
                    self._keep(uow, snapshot)
        except Conflict:  # its event stored the same row meanwhile: it is known
            log.info("meeting %s learned from its event meanwhile", meeting_id)

    def _ask(self, meeting_id):
        """Registration's snapshot of the meeting; None when it has none or is silent."""
        try:
            with eventlet.Timeout(self._timeout * 2):
                with ServiceRpcProxy(REGISTRATION, self._config,
                                     timeout=self._timeout) as registration:
                    return registration.meeting_snapshot(str(meeting_id))
        except (Exception, eventlet.Timeout) as exc:  # any silence is "not known yet"
            log.warning("registration did not say whether meeting %s exists: %s",
                        meeting_id, type(exc).__name__)
            return None


class RegistrationMeetings(DependencyProvider):
    """`meetings = RegistrationMeetings(known=..., keep=...)` on a service that takes
    requests naming a meeting; `self.meetings.make_known(self.db, meeting_id)` before
    the unit of work that needs it.

    known(uow, meeting_id): whether the local copy has the meeting.
    keep(uow, snapshot): store registration's answer, shaped like a `meeting_scheduled`
        envelope (`subject`, `data`) so the event handler's code stores it, and so the
        later event updates the same row (idempotent with it).
    `REGISTRATION_RPC_TIMEOUT` (seconds, default 3) bounds each question.
    """

    def __init__(self, *, known, keep):
        self.known = known
        self.keep = keep

    def setup(self):
        self.timeout = float(setting(self.container.config, "REGISTRATION_RPC_TIMEOUT", 3))

    def get_dependency(self, worker_ctx):
        return MeetingLearner(self.container.config, self.timeout, self.known, self.keep)


class BackgroundQueueConsumer(QueueConsumer):
    """nameko's queue consumer, except that the service does not wait for it to start.

    nameko's waits for the broker before the container is up: an `api` process that
    serves the RPC would not answer HTTP or /health (503 "broker unreachable") while the
    broker is down. This one connects (and reconnects, with kombu's retries) in the
    background; until then, callers time out and refuse "unknown meeting" as if the RPC
    were not there.
    """

    def start(self):
        if not self._starting:
            self._starting = True
            self._gt = self.container.spawn_managed_thread(self.run)
            self._gt.link(self._handle_thread_exited)

    def kill(self):
        """While still connecting, kombu retries without looking at `should_stop`: stop
        that thread at once (it holds no message to ack or requeue yet)."""
        if self._gt is not None and not self._consumers_ready.ready():
            self._gt.kill(QueueConsumerStopped())
        super().kill()


class BackgroundRpcConsumer(RpcConsumer):
    queue_consumer = BackgroundQueueConsumer()


class BackgroundRpc(Rpc):
    rpc_consumer = BackgroundRpcConsumer()


# `@rpc` on a service method: nameko's RPC entrypoint, started in the background.
rpc = BackgroundRpc.decorator
