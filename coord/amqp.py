"""Small helpers over kombu for the publishes nameko's dispatcher does not cover: the outbox
relay's confirmed publishes and the moves of a message to a retry or dead-letter queue."""
import logging
import time

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
