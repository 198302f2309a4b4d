"""A consumer's retries and parking need nobody else: it declares its own retry and
dead-letter queues, and a move the broker refuses leaves the message queued and the
service running."""
import json
import subprocess
import uuid

from kombu import Connection

from coord import deadletter
from coord.envelope import Event
from tests.support import COP2, feed_types, wait_for
from tests.vhosts import RABBITMQCTL


def test_with_no_relay_anywhere_a_failing_handler_retries_then_parks(services, monkeypatch):
    from services.notifications import usecases

    calls = []

    def broken_record(uow, envelope, *_caches):
        calls.append(envelope["event_id"])
        raise RuntimeError("feed table unavailable")

    monkeypatch.setattr(usecases, "record", broken_record)
    # Delays no relay ever declared queues for, and no relay running at all.
    services.start("notifications", OUTBOX_RELAY="off", EVENT_RETRY_DELAYS="0.15,0.35")
    envelope = _meeting_scheduled()
    _publish_as_registration(services.amqp_uri, envelope)

    parked = wait_for(lambda: deadletter.parked(services.amqp_uri, "notifications"),
                      timeout=60, message="the parked event")
    assert [entry["event_id"] for entry in parked] == [envelope["event_id"]]
    assert parked[0]["attempts"] == 3
    assert calls == [envelope["event_id"]] * 3  # the first attempt and both retries


def test_a_move_the_broker_refuses_requeues_the_message_and_the_service_lives_on(services):
    notifications = services.start("notifications")
    vhost = services.rabbit_config["vhost"]
    _publish_to_queue(services.amqp_uri, "notifications.dead-letter", {"event_id": "filler"})
    _refuse_publishes_to(vhost, "notifications.dead-letter")  # it holds one: it refuses more
    try:
        _publish_as_registration(services.amqp_uri,
                                 {"type": "meeting_scheduled", "event_id": "poison"})
        wait_for(lambda: _counter(notifications, "move_failed") >= 2, timeout=60,
                 message="the refused move, requeued and tried again")
        assert [entry["event_id"] for entry in
                deadletter.parked(services.amqp_uri, "notifications")] == ["filler"]

        good = _meeting_scheduled()  # the service still handles events
        _publish_as_registration(services.amqp_uri, good)
        wait_for(lambda: feed_types(notifications) == ["meeting_scheduled"], timeout=60,
                 message="an event handled while moves fail")
        assert notifications.client.get("/health").status_code == 200
    finally:
        _clear_policy(vhost)

    parked = wait_for(lambda: (p := deadletter.parked(services.amqp_uri, "notifications"))
                      and len(p) == 2 and p, timeout=60,
                      message="the message parked once the broker takes it")
    # By id, not by place: listing puts each message back at the tail of the quorum queue,
    # so one parked while this test polls the list can come out ahead of the filler.
    by_id = {entry["event_id"]: entry for entry in parked}
    assert sorted(by_id) == ["filler", "poison"]
    # parked by the consumer, or by the broker if it was requeued past the delivery limit
    assert by_id["poison"]["reason"].startswith(("not a valid envelope", "delivery limit"))


def _meeting_scheduled():
    return Event("meeting_scheduled", "meeting", str(uuid.uuid4()), actor="mc",
                 data={**COP2, "code": "BUR-1"}).envelope("registration")


def _publish_as_registration(amqp_uri, envelope):
    """Publish to registration's exchange without declaring anything (the harness's
    publish declares the whole topology, which would hide a consumer that does not)."""
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        connection.Producer(connection.channel()).publish(
            json.dumps(envelope), exchange="registration.events", routing_key=envelope["type"],
            content_type="application/json", content_encoding="utf-8", delivery_mode=2)


def _publish_to_queue(amqp_uri, queue, body):
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        connection.Producer(connection.channel()).publish(
            json.dumps(body), exchange="", routing_key=queue, delivery_mode=2)


def _refuse_publishes_to(vhost, queue):
    definition = json.dumps({"max-length": 0, "overflow": "reject-publish"})
    subprocess.run([RABBITMQCTL, "-q", "set_policy", "-p", vhost, "--apply-to", "queues",
                    "refuse", f"^{queue}$", definition], check=True, timeout=120)


def _clear_policy(vhost):
    subprocess.run([RABBITMQCTL, "-q", "clear_policy", "-p", vhost, "refuse"],
                   check=True, timeout=120)


def _counter(service, outcome):
    text = service.client.get("/metrics", as_=None).text
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("coord_events_handled_total{") and f'outcome="{outcome}"' in line)
