"""Upgrade a broker's queues to the declared topology: classic queues become quorum queues.

    python -m coord.queue_upgrade [--amqp-uri URI] [--retry-delays 1,5,30]

RabbitMQ cannot redeclare a classic queue as a quorum queue (PRECONDITION_FAILED), so a
service of this release cannot start on a broker that still has an older release's
queues. For each queue of the topology that the broker refuses to declare as it is now,
this command:

1. declares a holding quorum queue `<name>.upgrading`, bound like the queue, so events
   published meanwhile are kept;
2. moves every message of the old queue into it (each publish confirmed before the old
   copy is acked) and deletes the old queue;
3. declares the queue as it is now (quorum, bindings), unbinds the holding queue and moves
   its messages into the new queue, then deletes the holding queue.

An event published between steps 3's declare and unbind lands in both queues: the
consumer's inbox drops the second copy. Stop the consumers (the services) first; the
producers may keep running. Each step can be run again: a command interrupted halfway is
finished by running it once more.
"""
import argparse
import os
import sys

import amqp
from kombu import Connection, Queue

from coord import topology
from coord.amqp import MandatoryPublisher, Outgoing

HOLDING_SUFFIX = ".upgrading"


def upgrade(amqp_uri, retry_delays=topology.DEFAULT_RETRY_DELAYS):
    """Bring every queue of the topology to its declared form; returns {queue: messages
    moved} for each queue that was upgraded."""
    moved = {}
    publisher = MandatoryPublisher(amqp_uri)
    try:
        with Connection(amqp_uri) as connection:
            for sub in topology.SUBSCRIPTIONS:
                topology.event_exchange(sub.source)(connection.channel()).declare()
                for queue in topology.queues_of(sub, retry_delays):
                    if queue.name in moved:
                        continue  # a dead-letter queue shared by several subscriptions
                    count = _upgrade_queue(connection, publisher, queue)
                    if count is not None:
                        moved[queue.name] = count
    finally:
        publisher.close()
    return moved


def _upgrade_queue(connection, publisher, queue):
    """Upgrade one queue; returns how many messages it received from the holding queue
    (the old queue's, and any published during the upgrade), or None if it was already as
    declared."""
    holding = Queue(queue.name + HOLDING_SUFFIX, durable=True, auto_delete=False,
                    bindings=queue.bindings, queue_arguments=topology.QUORUM)
    moved = None
    if not _declares(connection, queue):
        holding(connection.channel()).declare()
        _move_all(connection, publisher, queue.name, holding.name)
        connection.channel().queue_delete(queue.name)
        queue(connection.channel()).declare()
    if _exists(connection, holding.name):
        channel = connection.channel()
        for binding in queue.bindings:
            channel.queue_unbind(holding.name, binding.exchange.name, binding.routing_key)
        moved = _move_all(connection, publisher, holding.name, queue.name)
        connection.channel().queue_delete(holding.name)
    return moved


def _declares(connection, queue):
    """Whether the broker takes `queue` as declared (False: it exists in another form)."""
    channel = connection.channel()
    try:
        queue(channel).declare()
    except amqp.exceptions.PreconditionFailed:
        return False
    channel.close()
    return True


def _exists(connection, name):
    channel = connection.channel()
    try:
        channel.queue_declare(name, passive=True)
    except amqp.exceptions.NotFound:
        return False
    channel.close()
    return True


def _move_all(connection, publisher, source, destination):
    """Move every message of `source` to `destination`, each confirmed, then acked."""
    channel = connection.channel()
    moved = 0
    while (message := channel.basic_get(source, no_ack=False)) is not None:
        publisher.publish(Outgoing(
            None, "", destination, message.body, message_id=message.properties.get("message_id"),
            headers=message.headers))
        channel.basic_ack(message.delivery_tag)
        moved += 1
    channel.close()
    return moved


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coord.queue_upgrade", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--amqp-uri", default=os.environ.get(
        "AMQP_URI", "amqp://guest:guest@localhost:5672/"))
    parser.add_argument("--retry-delays", default=os.environ.get("EVENT_RETRY_DELAYS"),
                        help="the services' EVENT_RETRY_DELAYS (default 1,5,30)")
    args = parser.parse_args(argv)
    delays = (tuple(float(delay) for delay in args.retry_delays.split(","))
              if args.retry_delays else topology.DEFAULT_RETRY_DELAYS)
    moved = upgrade(args.amqp_uri, delays)
    for name, count in sorted(moved.items()):
        print(f"upgraded {name}: {count} message(s) moved")
    print(f"{len(moved)} queue(s) upgraded; the rest were already as declared")
    return 0


if __name__ == "__main__":
    sys.exit(main())
