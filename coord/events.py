"""`@subscribe(source)`: consume a source service's events without ever losing one, in
batches.

A subscription handles the deliveries waiting for it together: one unit of work, one
inbox claim for all of them (`UnitOfWork.claim_first_deliveries`), one commit, then one
ack each. The handler (`handler(self, uow, envelope)`) is called only for an event this
service has not handled before, under that event's correlation id; an organisation token
event (`coord.auth.hear`) is kept here and never reaches it. Should anything in a batch
fail, the batch is rolled back and its events are handled again one by one, each in its
own unit of work, so one failing event delays the others but never takes them down with
it. One batch of a subscription runs at a time, in delivery order; a batch is as large as
what has arrived while the previous one ran, at most the prefetch (COORD_MAX_WORKERS).

Every message is checked at the door: a valid envelope, its `data` matching its type's
schema, no larger than EVENT_MAX_BYTES (`coord.event_schemas`); anything else is parked
with the reason and never reaches the handler.

nameko's own event handler acks a message whose handler raised, dropping it. Here a
failure sends the message to the next delay queue of its subscription (growing delays,
bounded count), and after the last attempt, or at once when the message is not a valid
envelope, parks it in the service's dead-letter queue with the reason. The original is
acked only after the move is confirmed by the broker, so a crash in between redelivers.

Each subscriber declares its own queue, retry queues and dead-letter queue when it starts
(and again should a move find one missing), so its moves never depend on another
process having declared them. A move is published with confirms and `mandatory`; when it
fails (a broker blip), the message is requeued, never dropped, and the service lives on.
"""
import functools
import json
import logging
import sys
import traceback
from functools import partial

import eventlet
from eventlet.event import Event

from marshmallow import ValidationError
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import Consumer, QueueConsumer

from coord import auth, event_schemas, logs, topology
from coord.amqp import MandatoryPublisher, Outgoing
from coord.configured import setting
from coord.envelope import ENVELOPE
from coord.metrics import EVENTS_HANDLED
from coord.outbox import Database, retry_delays

log = logging.getLogger(__name__)

ATTEMPT = "x-coord-attempt"
QUEUE = "x-coord-queue"
REASON = "x-coord-reason"

# A failed move requeues the message after this pause, so a broker that keeps refusing
# moves is not asked again in a tight loop.
MOVE_FAILED_PAUSE = 1.0


class MalformedEvent(Exception):
    """The message is not a valid envelope; retrying cannot help."""


class ParkingQueueConsumer(QueueConsumer):
    """nameko's queue consumer, except that an undecodable body is parked, not fatal.

    Without this, kombu raises the decode error inside the consuming thread and the
    whole container stops.
    """

    def get_consumers(self, consumer_cls, channel):
        consumers = super().get_consumers(consumer_cls, channel)
        for provider, consumer in self._consumers.items():
            consumer.on_decode_error = provider.park_undecodable
        return consumers


class EventSubscriber(Consumer):
    queue_consumer = ParkingQueueConsumer()

    def __init__(self, source, **kwargs):
        self.source = source
        super().__init__(queue=None, **kwargs)

    def setup(self):
        self.queue = topology.consumer_queue(self._subscription())
        self.retry_delays = retry_delays(self.container.config)
        self.max_bytes = int(setting(self.container.config, "EVENT_MAX_BYTES",
                                     event_schemas.DEFAULT_MAX_BYTES))
        self.dead_letter_queue = topology.dead_letter_queue_name(self.container.service_name)
        self.mover = MandatoryPublisher(self.container.config["AMQP_URI"],
                                        declare=self.declare_topology)
        if not isinstance(getattr(self.container.service_cls, "db", None), Database):
            raise TypeError(f"{self.container.service_cls.__name__} subscribes to events "
                            "but has no `db = Database(...)`: its handlers need one")
        self._waiting = []
        self._batch_running = False
        super().setup()

    def start(self):
        try:
            self.mover.declare()
        except Exception as exc:  # the broker is away: the first move declares it instead
            log.warning("%s could not declare its queues at start (%s); its first move "
                        "will", self.queue.name, exc)
        self.mover.close()  # moves are rare: the first one opens its connection
        super().start()

    def stop(self):
        super().stop()
        self.mover.close()

    def kill(self):
        super().kill()
        self.mover.close()

    def declare_topology(self, channel):
        """This subscription's queue, retry queues and dead-letter queue."""
        topology.declare_subscription(channel, self._subscription(), self.retry_delays)

    def _subscription(self):
        return topology.subscription(self.container.service_name, self.source)

    def handle_message(self, body, message):
        """Checked at the door, then queued for the next batch; the first delivery to
        find no batch running runs batches until none is waiting."""
        try:
            envelope = _validated(body, len(message.body or b""), self.max_bytes)
        except MalformedEvent as exc:
            self._move(message, self.dead_letter_queue, attempt=1, reason=str(exc))
            return
        self._waiting.append((message, envelope))
        if self._batch_running:
            return
        self._batch_running = True
        try:
            eventlet.sleep(0)  # the deliveries read with this one join its batch
            while self._waiting:
                batch, self._waiting = self._waiting, []
                self._handle_batch(batch)
        finally:
            self._batch_running = False

    def _handle_batch(self, batch):
        """One worker for the whole batch; returns once each message is acked or moved."""
        messages = [message for message, _envelope in batch]
        done = Event()
        try:
            self.container.spawn_worker(
                self, ([envelope for _message, envelope in batch],), {},
                context_data=self.unpack_message_headers(messages[0]),
                handle_result=partial(self._batch_handled, messages, done))
        except ContainerBeingKilled:
            for message in messages:
                self.queue_consumer.requeue_message(message)
            return
        done.wait()

    def _batch_handled(self, messages, done, worker_ctx, result=None, exc_info=None):
        """Ack each handled message; move each failed one (a worker that failed as a whole
        failed every message of its batch)."""
        try:
            outcomes = result if exc_info is None else [exc_info] * len(messages)
            for message, failure in zip(messages, outcomes):
                self.handle_message_processed(message, exc_info=failure)
        finally:
            done.send()
        return result, exc_info

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            EVENTS_HANDLED.labels(self.queue.name, "handled").inc()
            return
        attempt = int((message.headers or {}).get(ATTEMPT, 0)) + 1
        reason = "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()
        if attempt <= len(self.retry_delays):
            destination = topology.retry_queue_name(self.queue.name, self.retry_delays[attempt - 1])
            log.warning("%s failed attempt %s on %s; retrying via %s",
                        self.queue.name, attempt, _describe(message), destination)
        else:
            destination = self.dead_letter_queue
            log.error("%s gave up on %s after %s attempts: %s",
                      self.queue.name, _describe(message), attempt, reason,
                      exc_info=exc_info)
        self._move(message, destination, attempt=attempt, reason=reason)

    def park_undecodable(self, message, exc):
        self._move(message, self.dead_letter_queue, attempt=1,
                   reason=f"body is not JSON: {exc}")

    def _move(self, message, destination, *, attempt, reason):
        """Publish `message` to `destination` (confirmed, mandatory), then ack it; when the
        move fails, requeue it instead, so it is neither lost nor fatal to the service."""
        headers = dict(message.headers or {})
        headers.update({ATTEMPT: attempt, QUEUE: self.queue.name, REASON: reason[:1000]})
        try:
            self.mover.publish(Outgoing(
                None, "", destination, message.body,
                message_id=message.properties.get("message_id"), headers=headers))
        except Exception as exc:  # any failure to move: the broker still holds the message
            log.warning("%s could not move %s to %s (%s); requeued", self.queue.name,
                        _describe(message), destination, exc)
            EVENTS_HANDLED.labels(self.queue.name, "move_failed").inc()
            eventlet.sleep(MOVE_FAILED_PAUSE)
            self.queue_consumer.requeue_message(message)
            return
        outcome = "dead_lettered" if destination == self.dead_letter_queue else "retried"
        EVENTS_HANDLED.labels(self.queue.name, outcome).inc()
        self.queue_consumer.ack_message(message)


def _validated(body, size, max_bytes):
    """The envelope in `body`, checked against its type's schema and the size limit;
    MalformedEvent says why not."""
    try:
        event_schemas.check_size(size, max_bytes)
    except event_schemas.EventRejected as exc:
        raise MalformedEvent(str(exc)) from exc
    if isinstance(body, (bytes, str)):
        try:
            body = json.loads(body)
        except ValueError as exc:
            raise MalformedEvent(f"body is not JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise MalformedEvent("body is not a JSON object")
    try:
        ENVELOPE.load(body)
    except ValidationError as exc:
        raise MalformedEvent(f"not a valid envelope: {json.dumps(exc.messages)}") from exc
    try:
        event_schemas.check_data(body)
    except event_schemas.EventRejected as exc:
        raise MalformedEvent(str(exc)) from exc
    return body


def _describe(message):
    return f"{message.delivery_info.get('routing_key')} {message.properties.get('message_id')}"


def handle_deliveries(unit_of_work, handler, envelopes):
    """Handle `envelopes` in one unit of work from `unit_of_work()`; should that fail, again
    one by one. Returns, for each envelope, None (handled, or handled before) or the
    `sys.exc_info()` of its failure."""
    try:
        _handle_together(unit_of_work, handler, envelopes)
        return [None] * len(envelopes)
    except Exception as exc:  # any failure: find out which events it was, one by one
        if len(envelopes) == 1:
            return [sys.exc_info()]
        log.info("a batch of %s events failed (%s); handling them one by one",
                 len(envelopes), type(exc).__name__)
    outcomes = []
    for envelope in envelopes:
        try:
            _handle_together(unit_of_work, handler, [envelope])
            outcomes.append(None)
        except Exception:  # this event failed: its message is retried or parked
            outcomes.append(sys.exc_info())
    return outcomes


def _handle_together(unit_of_work, handler, envelopes):
    """`envelopes` in one unit of work, each not handled before; once it has committed, one
    line for each event under its correlation id, so an operator can follow a request
    through every service's log."""
    with unit_of_work() as uow:
        uow.deliveries = envelopes
        first = uow.claim_first_deliveries(envelope["event_id"] for envelope in envelopes)
        for envelope in envelopes:
            if envelope["event_id"] not in first:
                continue  # handled before, or earlier in this batch
            first.discard(envelope["event_id"])
            with logs.correlation_of(envelope):
                if not auth.hear(uow.session, envelope):
                    handler(uow, envelope)
    for envelope in envelopes:
        with logs.correlation_of(envelope):
            log.info("handled %s", envelope["type"])


def subscribe(source):
    """Decorate `handler(self, uow, envelope)` to handle `source`'s events in batches on
    the service's `db`, each event once (see the module's docstring)."""
    def decorate(handler):
        @functools.wraps(handler)
        def handle_batch(service, envelopes):
            return handle_deliveries(service.db.unit_of_work, partial(handler, service),
                                     envelopes)
        return EventSubscriber.decorator(source)(handle_batch)
    return decorate
