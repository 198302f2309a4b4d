"""Operator command for parked events: list them, replay them.

    python -m coord.deadletter list notifications
    python -m coord.deadletter replay notifications [--event-id ID ...]

Replay sends a parked message back to the queue it came from with its attempt count
reset; the handler's inbox makes a replay of an already-handled event harmless.
"""
import argparse
import json
import os
import sys

from kombu import Connection

from coord import topology
from coord.amqp import MandatoryPublisher, Outgoing
from coord.events import ATTEMPT, QUEUE, REASON


def parked(amqp_uri, service):
    """Every parked message as a dict, leaving them in place."""
    queue = topology.dead_letter_queue_name(service)
    entries = []
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        while True:
            message = channel.basic_get(queue, no_ack=False)
            if message is None:
                break
            entries.append(_describe(message))
        channel.close()  # unacked messages go back to the queue, in order
    return entries


def replay(amqp_uri, service, event_ids=None):
    """Send parked messages (all, or those with the given event ids) back; returns count."""
    queue = topology.dead_letter_queue_name(service)
    replayed = 0
    publisher = MandatoryPublisher(amqp_uri)
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        keep = []
        while True:
            message = channel.basic_get(queue, no_ack=False)
            if message is None:
                break
            entry = _describe(message)
            if event_ids and entry["event_id"] not in event_ids:
                keep.append(message)
                continue
            headers = {k: v for k, v in (message.headers or {}).items()
                       if k not in (ATTEMPT, QUEUE, REASON)}
            publisher.publish(Outgoing(None, "", entry["queue"], message.body, headers=headers,
                                       message_id=message.properties.get("message_id")))
            channel.basic_ack(message.delivery_tag)
            replayed += 1
        channel.close()  # what was not replayed goes back to the dead-letter queue
    publisher.close()
    return replayed


def _describe(message):
    headers = message.headers or {}
    body = message.body.decode("utf-8", "replace") if isinstance(message.body, bytes) else message.body
    try:
        event = json.loads(body)
        event_id, event_type = event.get("event_id"), event.get("type")
    except (ValueError, AttributeError):
        event_id, event_type = message.properties.get("message_id"), None
    return {"event_id": event_id, "type": event_type, "queue": headers.get(QUEUE),
            "attempts": headers.get(ATTEMPT), "reason": headers.get(REASON), "body": body}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coord.deadletter", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("list", "replay"))
    parser.add_argument("service")
    parser.add_argument("--event-id", action="append", dest="event_ids")
    parser.add_argument("--amqp-uri", default=os.environ.get(
        "AMQP_URI", "amqp://guest:guest@localhost:5672/"))
    args = parser.parse_args(argv)
    if args.action == "list":
        for entry in parked(args.amqp_uri, args.service):
            print(json.dumps({k: v for k, v in entry.items() if k != "body"}))
    else:
        count = replay(args.amqp_uri, args.service, set(args.event_ids or ()))
        print(f"replayed {count} message(s) from {topology.dead_letter_queue_name(args.service)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
