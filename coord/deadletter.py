"""Operator command for parked events: list them, replay them.

    python -m coord.deadletter list notifications
    python -m coord.deadletter replay notifications [--event-id ID ...] [--wait SECONDS]

Replay sends a parked message back to the queue it came from with its attempt count
reset; the handler's inbox makes a replay of an already-handled event harmless. It
replays what was parked when it started, each message once: it counts the queue first
and takes at most that many, so a message parked again at once (its data still breaks its
schema, say) is not replayed again in a loop. It then waits up to --wait seconds for
replayed messages that come back, and reports "replayed N, parked again M".
"""
import argparse
import json
import os
import sys
import time
import uuid
from dataclasses import dataclass

from kombu import Connection

from coord import topology
from coord.amqp import MandatoryPublisher, Outgoing
from coord.events import ATTEMPT, QUEUE, REASON


def parked(amqp_uri, service):
    """Every parked message as a dict, leaving them in place. They come in queue order,
    but a quorum queue takes a message put back at its tail: one parked while a listing
    runs may come out ahead of older ones the next time."""
    queue = topology.dead_letter_queue_name(service)
    entries = []
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        tags = []
        while (message := channel.basic_get(queue, no_ack=False)) is not None:
            entries.append(_describe(message))
            tags.append(message.delivery_tag)
        for tag in tags:
            # Put them back now, not when the broker notices the channel closed: a count
            # taken right after (a replay's) must see them all.
            channel.basic_reject(tag, requeue=True)
        channel.close()
    return entries


REPLAY = "x-coord-replay"


@dataclass(frozen=True)
class Replayed:
    replayed: int
    parked_again: int


def replay(amqp_uri, service, event_ids=None, wait=10.0):
    """Send back what is parked now (all, or those with the given event ids), each once;
    then wait up to `wait` seconds for those parked again, and count them."""
    queue = topology.dead_letter_queue_name(service)
    replay_id = uuid.uuid4().hex
    replayed = 0
    publisher = MandatoryPublisher(amqp_uri)
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        _name, parked_now, _consumers = channel.queue_declare(queue, passive=True)
        for _ in range(parked_now):
            message = channel.basic_get(queue, no_ack=False)
            if message is None:
                break
            entry = _describe(message)
            if event_ids and entry["event_id"] not in event_ids:
                continue  # left unacked: back in the queue when the channel closes
            headers = {k: v for k, v in (message.headers or {}).items()
                       if k not in (ATTEMPT, QUEUE, REASON) and not k.startswith(BROKER_HEADERS)}
            headers[REPLAY] = replay_id
            publisher.publish(Outgoing(None, "", entry["queue"], message.body, headers=headers,
                                       message_id=message.properties.get("message_id")))
            channel.basic_ack(message.delivery_tag)
            replayed += 1
        channel.close()
    publisher.close()
    return Replayed(replayed, _parked_again(amqp_uri, service, replay_id, replayed, wait))


def _parked_again(amqp_uri, service, replay_id, replayed, wait):
    """How many messages of this replay are back in the dead-letter queue, once all are
    or after `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        back = sum(1 for entry in parked(amqp_uri, service) if entry["replay"] == replay_id)
        if back >= replayed or time.monotonic() >= deadline:
            return back
        time.sleep(0.5)


# What the broker adds to a message it dead-letters or redelivers; a replay starts afresh.
BROKER_HEADERS = ("x-death", "x-first-death-", "x-last-death-", "x-delivery-count")


def _describe(message):
    """A parked message: parked by its consumer (our headers say from which queue, after
    how many attempts, why), or by the broker after too many deliveries (its `x-death`)."""
    headers = message.headers or {}
    queue, reason = headers.get(QUEUE), headers.get(REASON)
    deaths = headers.get("x-death") or []
    if deaths and deaths[0].get("reason") == "delivery_limit":
        queue = deaths[0].get("queue")
        reason = (f"delivery limit: delivered {topology.DELIVERY_LIMIT} times without an "
                  "ack (it crashed or stalled its consumer each time)")
    body = message.body.decode("utf-8", "replace") if isinstance(message.body, bytes) else message.body
    try:
        event = json.loads(body)
        event_id, event_type = event.get("event_id"), event.get("type")
    except (ValueError, AttributeError):
        event_id, event_type = message.properties.get("message_id"), None
    return {"event_id": event_id, "type": event_type, "queue": queue,
            "attempts": headers.get(ATTEMPT), "reason": reason,
            "replay": headers.get(REPLAY), "body": body}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coord.deadletter", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("list", "replay"))
    parser.add_argument("service")
    parser.add_argument("--event-id", action="append", dest="event_ids")
    parser.add_argument("--wait", type=float, default=10.0,
                        help="seconds to wait for replayed messages parked again (10)")
    parser.add_argument("--amqp-uri", default=os.environ.get(
        "AMQP_URI", "amqp://guest:guest@localhost:5672/"))
    args = parser.parse_args(argv)
    if args.action == "list":
        for entry in parked(args.amqp_uri, args.service):
            print(json.dumps({k: v for k, v in entry.items() if k not in ("body", "replay")}))
    else:
        outcome = replay(args.amqp_uri, args.service, set(args.event_ids or ()), args.wait)
        print(f"replayed {outcome.replayed}, parked again {outcome.parked_again} "
              f"({topology.dead_letter_queue_name(args.service)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
