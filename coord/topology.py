"""The broker topology: declared in full by every relay at start-up, and each consumer
declares its own subscriptions' queues.

Names, for a consumer service C of source service S:
- `S.events`: S's topic exchange (nameko's naming); routing key = event type.
- `C.from.S`: C's durable queue of S's events, bound with the keys in topology.yaml.
- `C.from.S.retry-<ms>ms`: one delay queue per retry step; a message waits out the TTL and
  is dead-lettered straight back to `C.from.S` (default exchange), so only C sees it again.
- `C.dead-letter`: where C parks what it could not handle, for an operator to list and
  replay (`python -m coord.deadletter`).

Every queue is a quorum queue: replicated on a RabbitMQ cluster, so losing one node
loses no message and stops no consumer. A consumer queue counts each message's
deliveries: one delivered DELIVERY_LIMIT times without being acked (it kept crashing or
stalling its consumer) is dead-lettered by the broker into `C.dead-letter`, reason
`delivery_limit`. Dead-lettering is at-least-once (the broker keeps the message until the
target confirms it). A broker that still has the classic queues of an older release is
upgraded with `python -m coord.queue_upgrade` (OPERATIONS.md, Upgrade).
"""
from dataclasses import dataclass
from importlib import resources

import yaml
from kombu import Exchange, Queue, binding

DEFAULT_RETRY_DELAYS = (1.0, 5.0, 30.0)
DELIVERY_LIMIT = 5
QUORUM = {"x-queue-type": "quorum"}
# Dead-letter only once the target queue has the message (needs reject-publish overflow).
AT_LEAST_ONCE = {"x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}


@dataclass(frozen=True)
class Subscription:
    consumer: str
    source: str
    routing_keys: tuple

    @property
    def queue_name(self):
        return f"{self.consumer}.from.{self.source}"


def load_subscriptions():
    text = resources.files("coord").joinpath("topology.yaml").read_text(encoding="utf-8")
    return [
        Subscription(consumer, source, tuple(keys))
        for consumer, sources in (yaml.safe_load(text) or {}).items()
        for source, keys in sources.items()
    ]


SUBSCRIPTIONS = load_subscriptions()


def event_exchange(service):
    """The same exchange nameko's EventDispatcher declares for `service`."""
    return Exchange(f"{service}.events", type="topic", durable=True, delivery_mode=2)


def subscription(consumer, source):
    for candidate in SUBSCRIPTIONS:
        if candidate.consumer == consumer and candidate.source == source:
            return candidate
    raise LookupError(f"topology.yaml has no subscription of {consumer} to {source}")


def retry_queue_name(queue_name, delay_seconds):
    return f"{queue_name}.retry-{int(delay_seconds * 1000)}ms"


def dead_letter_queue_name(consumer):
    return f"{consumer}.dead-letter"


def consumer_queue(sub):
    exchange = event_exchange(sub.source)
    return Queue(
        sub.queue_name, durable=True, auto_delete=False,
        bindings=[binding(exchange, routing_key=key) for key in sub.routing_keys],
        queue_arguments={
            **QUORUM, **AT_LEAST_ONCE, "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": dead_letter_queue_name(sub.consumer),
        },
    )


def retry_queue(sub, delay_seconds):
    """A delay queue: a message waits out the TTL, then goes back to the consumer queue."""
    return Queue(
        retry_queue_name(sub.queue_name, delay_seconds), durable=True, auto_delete=False,
        queue_arguments={
            **QUORUM, **AT_LEAST_ONCE,
            "x-message-ttl": int(delay_seconds * 1000),
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": sub.queue_name,
        },
    )


def dead_letter_queue(consumer):
    return Queue(dead_letter_queue_name(consumer), durable=True, auto_delete=False,
                 queue_arguments=QUORUM)


def queues_of(sub, retry_delays=DEFAULT_RETRY_DELAYS):
    """Every queue one subscription uses: its own, its retry queues, its dead-letter queue."""
    return ([consumer_queue(sub)] + [retry_queue(sub, delay) for delay in retry_delays]
            + [dead_letter_queue(sub.consumer)])


def declare_subscription(channel, sub, retry_delays=DEFAULT_RETRY_DELAYS):
    """Declare what one subscription uses: its queue (and source exchange, with the
    bindings), its retry queues and its consumer's dead-letter queue. Each consumer does
    this for itself, so its moves never go to a queue nobody declared."""
    for queue in queues_of(sub, retry_delays):
        queue(channel).declare()


def declare(channel, retry_delays=DEFAULT_RETRY_DELAYS):
    """Declare every exchange, queue and binding of the whole system on `channel`."""
    for producer in sorted({sub.source for sub in SUBSCRIPTIONS}):
        event_exchange(producer)(channel).declare()
    for sub in SUBSCRIPTIONS:
        declare_subscription(channel, sub, retry_delays)
