"""Small helpers over kombu and py-amqp for the publishes nameko's dispatcher does not
cover: the outbox relay's confirmed publishes, the moves of a message to a retry or
dead-letter queue, and an operator's replay."""
import logging
import threading
import time
from dataclasses import dataclass, field

import amqp
from kombu import Connection

log = logging.getLogger(__name__)

JSON = "application/json"


@dataclass(frozen=True)
class Outgoing:
    """One persistent JSON message to publish; `key` is what the caller gets back in the
    confirmed or refused list (an outbox row's seq, say)."""

    key: object
    exchange: str
    routing_key: str
    body: object
    message_id: str | None = None
    headers: dict = field(default_factory=dict)


class PublishRefused(ConnectionError):
    """The broker nacked the message, or returned it as unroutable (mandatory)."""


class NoSuchQueue(PublishRefused):
    """A mandatory message the broker returned: no queue was bound for it."""


class BrokerProbe:
    """Answers "can we reach the broker?" for /health, at most once a second."""

    def __init__(self, amqp_uri, ttl=1.0):
        self._amqp_uri = amqp_uri
        self._ttl = ttl
        self._checked_at = 0.0
        self._reachable = False

    def reachable(self):
        now = time.monotonic()
        if now - self._checked_at > self._ttl:
            self._checked_at = now
            try:
                with Connection(self._amqp_uri, connect_timeout=1) as connection:
                    connection.connect()
                self._reachable = True
            except Exception as exc:  # any failure to connect means "not reachable"
                log.warning("broker unreachable at health check: %s", exc)
                self._reachable = False
        return self._reachable


class ConfirmTracker:
    """What the broker said about each publish on one confirm-mode channel.

    RabbitMQ confirms each delivery tag exactly once, by an ack or a nack, either for that
    tag alone or (`multiple`) for every outstanding tag up to it, and not necessarily in
    the order the messages were published. So each tag is settled on its own: an ack for
    tag 5 says nothing about tag 3 unless it is `multiple`.
    """

    def __init__(self):
        self._outstanding = {}  # delivery tag -> caller's key
        self._confirmed = []
        self._refused = []

    def sent(self, delivery_tag, key):
        self._outstanding[delivery_tag] = key

    def on_ack(self, delivery_tag, multiple=False):
        self._settle(delivery_tag, multiple, self._confirmed)

    def on_nack(self, delivery_tag, multiple=False):
        self._settle(delivery_tag, multiple, self._refused)

    def _settle(self, delivery_tag, multiple, outcome):
        tags = ([tag for tag in self._outstanding if tag <= delivery_tag] if multiple
                else [delivery_tag] if delivery_tag in self._outstanding else [])
        for tag in sorted(tags):
            outcome.append(self._outstanding.pop(tag))

    @property
    def outstanding(self):
        return len(self._outstanding)

    def take(self):
        """(confirmed keys, refused keys) settled since the last call."""
        confirmed, refused = self._confirmed, self._refused
        self._confirmed, self._refused = [], []
        return confirmed, refused


class BatchPublisher:
    """Publishes a batch of persistent messages, then waits once for all their confirms.

    Waiting for each confirm in turn caps a relay at a few hundred messages a second here;
    a window of outstanding confirms lets the broker persist them together. Every delivery
    tag is tracked (`ConfirmTracker`), so the caller learns exactly which messages the
    broker took and which it refused.
    """

    def __init__(self, connection, timeout=30.0):
        self._connection = connection.connection  # the py-amqp connection under kombu's
        self._channel = self._connection.channel()
        self._channel.confirm_select()
        self._tracker = ConfirmTracker()
        self._channel.events["basic_ack"].add(self._tracker.on_ack)
        self._channel.events["basic_nack"].add(self._tracker.on_nack)
        self._channel.events["basic_return"].add(self._on_return)
        self._timeout = timeout
        self._next_tag = 1
        self._returned = False

    def publish(self, messages):
        """Publish `messages` (Outgoing); returns (confirmed keys, refused keys) once the
        broker has settled every one. Raises ConnectionError when it does not in time."""
        for message in messages:
            self._send(message, mandatory=False)
        self._wait()
        return self._tracker.take()

    def publish_mandatory(self, message):
        """Publish one message that must reach a queue; raises PublishRefused when the
        broker nacks it or has no queue for it."""
        self._returned = False
        self._send(message, mandatory=True)
        self._wait()
        confirmed, _refused = self._tracker.take()
        destination = f"{message.exchange or '(default exchange)'}/{message.routing_key}"
        if self._returned:
            raise NoSuchQueue(f"no queue takes messages for {destination}")
        if not confirmed:
            raise PublishRefused(f"the broker refused a message for {destination}")

    def close(self):
        try:
            self._channel.close()
        except Exception:  # closing a channel on a dead connection: nothing left to free
            pass

    def _send(self, message, *, mandatory):
        self._channel.basic_publish(
            amqp.Message(message.body, content_type=JSON, content_encoding="utf-8",
                         delivery_mode=2, message_id=message.message_id,
                         application_headers=message.headers or None),
            exchange=message.exchange, routing_key=message.routing_key, mandatory=mandatory)
        self._tracker.sent(self._next_tag, message.key)
        self._next_tag += 1

    def _wait(self):
        deadline = time.monotonic() + self._timeout
        while self._tracker.outstanding:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ConnectionError("the broker did not confirm the batch in time")
            self._connection.drain_events(timeout=remaining)

    def _on_return(self, exc, exchange, routing_key, message):
        # RabbitMQ sends basic.return before the ack of the same (unroutable) message.
        self._returned = True


class MandatoryPublisher:
    """Confirmed, mandatory publishes one at a time over one kept connection, shared by a
    consumer's workers (moves to retry and dead-letter queues, replays).

    A message the broker returns for want of a queue makes it call `declare(channel)`
    once and try again; any other failure drops the connection (the next publish opens a
    new one) and is raised for the caller to decide.
    """

    def __init__(self, amqp_uri, declare=None):
        self._amqp_uri = amqp_uri
        self._declare = declare
        self._lock = threading.Lock()
        self._connection = None
        self._publisher = None

    def publish(self, message):
        with self._lock:
            try:
                publisher = self._open()
                try:
                    publisher.publish_mandatory(message)
                except NoSuchQueue:
                    if self._declare is None:
                        raise
                    self._declare(self._connection.default_channel)
                    publisher.publish_mandatory(message)
            except Exception:
                self._close()
                raise

    def declare(self):
        """Run `declare(channel)` now (at start, before any publish needs it)."""
        with self._lock:
            try:
                self._open()
                self._declare(self._connection.default_channel)
            except Exception:
                self._close()
                raise

    def close(self):
        with self._lock:
            self._close()

    def _open(self):
        if self._publisher is None:
            self._connection = Connection(self._amqp_uri, connect_timeout=5)
            self._connection.connect()
            self._publisher = BatchPublisher(self._connection)
        return self._publisher

    def _close(self):
        connection, self._connection, self._publisher = self._connection, None, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # a connection that already died has nothing left to close
                pass
