"""A broker that still has the previous release's classic queues, holding messages, is
upgraded to quorum queues by `python -m coord.queue_upgrade` without losing one."""
import json

import pytest
from kombu import Connection, Queue, binding

from coord import deadletter, queue_upgrade, run, settings, topology
from tests.support import FAST_RETRIES, feed_types, meeting_scheduled_event, wait_for

DELAYS = tuple(float(delay) for delay in FAST_RETRIES.split(","))


def _declare_previous_release(channel):
    """The topology as the release before quorum queues declared it: classic queues."""
    for sub in topology.SUBSCRIPTIONS:
        exchange = topology.event_exchange(sub.source)
        exchange(channel).declare()
        Queue(sub.queue_name, durable=True, auto_delete=False, bindings=[
            binding(exchange, routing_key=key) for key in sub.routing_keys])(channel).declare()
        for delay in DELAYS:
            Queue(topology.retry_queue_name(sub.queue_name, delay), durable=True,
                  auto_delete=False, queue_arguments={
                      "x-message-ttl": int(delay * 1000), "x-dead-letter-exchange": "",
                      "x-dead-letter-routing-key": sub.queue_name})(channel).declare()
        Queue(topology.dead_letter_queue_name(sub.consumer), durable=True,
              auto_delete=False)(channel).declare()


def _publish(connection, exchange, routing_key, body, headers=None):
    connection.Producer(connection.channel()).publish(
        json.dumps(body), exchange=exchange, routing_key=routing_key, headers=headers or {},
        content_type="application/json", content_encoding="utf-8", delivery_mode=2)


def test_classic_queues_holding_messages_become_quorum_queues_and_keep_them(services, capsys):
    waiting = [meeting_scheduled_event(code=f"UPG-{number}") for number in range(5)]
    parked = meeting_scheduled_event(code=7)
    with Connection(services.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        channel = conn.channel()
        _declare_previous_release(channel)
        for envelope in waiting:
            _publish(conn, "registration.events", "meeting_scheduled", envelope)
        _publish(conn, "", "notifications.dead-letter", parked, headers={
            "x-coord-queue": "notifications.from.registration", "x-coord-attempt": 1,
            "x-coord-reason": "parked by the previous release"})

    # this release, started first, stops at once and says what to run
    with pytest.raises(settings.ConfigurationError, match="coord.queue_upgrade"):
        run.broker_ready(services.amqp_uri, DELAYS)

    assert queue_upgrade.main(["--amqp-uri", services.amqp_uri,
                               "--retry-delays", FAST_RETRIES]) == 0
    report = capsys.readouterr().out
    assert "upgraded notifications.from.registration: 5 message(s) moved" in report
    assert "upgraded notifications.dead-letter: 1 message(s) moved" in report
    with Connection(services.amqp_uri) as connection:
        topology.declare(connection.channel(), DELAYS)  # the new release's declarations
        assert queue_upgrade.upgrade(services.amqp_uri, DELAYS) == {}  # nothing left to do
        run.broker_ready(services.amqp_uri, DELAYS)  # and now it starts
        for consumer in ("travel", "documents", "support"):
            _, count, _ = connection.channel().queue_declare(
                f"{consumer}.from.registration", passive=True)
            assert count == 5

    notifications = services.start("notifications")
    wait_for(lambda: len(feed_types(notifications)) == 5, timeout=60,
             message="the five events that waited through the upgrade")
    services.publish("registration", meeting_scheduled_event(code="AFTER-1"))
    wait_for(lambda: len(feed_types(notifications)) == 6, timeout=60,
             message="an event published after the upgrade")
    [entry] = deadletter.parked(services.amqp_uri, "notifications")
    assert entry["event_id"] == parked["event_id"]
    assert entry["reason"] == "parked by the previous release"
