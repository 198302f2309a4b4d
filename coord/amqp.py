"""Small helpers over kombu for the publishes nameko's dispatcher does not cover: the outbox
relay's confirmed publishes and the moves of a message to a retry or dead-letter queue."""
import logging
import time

import amqp
from kombu import Connection

log = logging.getLogger(__name__)

JSON = "application/json"


def confirmed_connection(amqp_uri, **kwargs):
    """A connection whose publishes wait for the broker's confirm (persisted, routed)."""
    return Connection(amqp_uri, transport_options={"confirm_publish": True}, **kwargs)


def publish_raw(producer, body, *, routing_key, exchange="", headers=None, message_id=None):
    """Publish an already-encoded JSON body, persistent; returns once the broker confirms."""
    producer.publish(
        body, exchange=exchange, routing_key=routing_key, headers=headers or {},
        content_type=JSON, content_encoding="utf-8", delivery_mode=2, message_id=message_id,
        retry=True, retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5},
    )


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


class BatchPublisher:
    """Publishes a batch of persistent messages, then waits once for all their confirms.

    Waiting for each confirm in turn caps a relay at a few hundred messages a second here;
    a window of outstanding confirms lets the broker persist them together.
    """

    def __init__(self, connection, timeout=30.0):
        self._connection = connection.connection  # the py-amqp connection under kombu's
        self._channel = self._connection.channel()
        self._channel.confirm_select()
        self._channel.events["basic_ack"].add(self._on_ack)
        self._channel.events["basic_nack"].add(self._on_nack)
        self._timeout = timeout
        self._published = 0
        self._confirmed = 0
        self._refused = []

    def _on_ack(self, delivery_tag, multiple):
        self._confirmed = delivery_tag if multiple else max(self._confirmed, delivery_tag)

    def _on_nack(self, delivery_tag, multiple):
        self._refused.append(delivery_tag)
        self._on_ack(delivery_tag, multiple)

    def publish(self, messages):
        """`messages`: (exchange, routing_key, json_body, message_id). Raises unless all
        were confirmed."""
        for exchange, routing_key, body, message_id in messages:
            self._channel.basic_publish(
                amqp.Message(body, content_type=JSON, content_encoding="utf-8",
                             delivery_mode=2, message_id=message_id),
                exchange=exchange, routing_key=routing_key)
            self._published += 1
        deadline = time.monotonic() + self._timeout
        while self._confirmed < self._published:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ConnectionError("the broker did not confirm the batch in time")
            self._connection.drain_events(timeout=remaining)
        if self._refused:
            refused, self._refused = self._refused, []
            raise ConnectionError(f"the broker refused {len(refused)} message(s)")
