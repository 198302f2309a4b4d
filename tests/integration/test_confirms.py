"""The relay marks published exactly the outbox rows the broker confirmed.

A queue bound to the exchange with `x-max-length` and `x-overflow: reject-publish` makes
RabbitMQ nack what does not fit: those rows must stay unpublished and go out again, and
each event must reach the queue once.
"""
import json

from kombu import Connection
from sqlalchemy import select

from coord import topology
from coord.amqp import BatchPublisher
from coord.db import UnitOfWork, make_engine
from coord.envelope import Event
from coord.outbox import OutboxRelay
from services.registration.models import Base
from tests.support import COP2

REFUSING_QUEUE = "probe.refuses-beyond-two"


def test_refused_events_stay_in_the_outbox_and_each_reaches_the_queue_once(services):
    outbox = Base.metadata.tables["outbox"]
    engine = make_engine(services.config("registration")["DATABASE_URL"])
    with UnitOfWork(engine, Base.metadata, "registration") as uow:
        for number in range(5):
            uow.emit(Event("meeting_scheduled", "meeting", f"m-{number}", actor="mc",
                           data={**COP2, "code": f"EXP-{number}"}))
    emitted = _event_ids(engine, outbox)
    relay = OutboxRelay(engine, outbox, "registration", services.amqp_uri, retry_delays=(1.0,))

    with Connection(services.amqp_uri) as connection:
        channel = connection.channel()
        topology.event_exchange("registration")(channel).declare()
        channel.queue_declare(REFUSING_QUEUE, durable=True, auto_delete=False, arguments={
            "x-max-length": 2, "x-overflow": "reject-publish"})
        channel.queue_bind(REFUSING_QUEUE, "registration.events", routing_key="#")
        publisher = BatchPublisher(connection)

        received = []
        passes = []
        while len(received) < len(emitted):
            passes.append(relay.publish_pending(publisher))
            assert _event_ids(engine, outbox, published=True) == emitted[:len(received) + passes[-1]]
            received += _drain(channel)

    assert passes == [2, 2, 1]  # the broker refused what did not fit, each time
    assert received == emitted  # every event once, none lost, none twice
    assert _event_ids(engine, outbox, published=False) == []
    engine.dispose()


def _event_ids(engine, outbox, published=None):
    query = select(outbox.c.event_id).order_by(outbox.c.seq)
    if published is not None:
        query = query.where(outbox.c.published_at.isnot(None) if published
                            else outbox.c.published_at.is_(None))
    with engine.connect() as connection:
        return list(connection.execute(query).scalars())


def _drain(channel):
    event_ids = []
    while (message := channel.basic_get(REFUSING_QUEUE, no_ack=True)) is not None:
        event_ids.append(json.loads(message.body)["event_id"])
    return event_ids
