"""Outbox and inbox do not grow forever: a timer prunes published outbox rows and inbox
keys past their retention, never an unpublished row; /metrics shows what is left and how
long the oldest unpublished event has waited."""
import json
import uuid
from datetime import timedelta

from sqlalchemy import insert, select

from coord.db import make_engine, utcnow
from services.registration.models import Base
from tests.support import wait_for

DAY = timedelta(days=1)


def test_old_published_rows_and_inbox_keys_are_pruned_and_metrics_show_the_rest(services):
    url = services.config("registration")["DATABASE_URL"]
    engine = make_engine(url)
    outbox, inbox = Base.metadata.tables["outbox"], Base.metadata.tables["inbox"]
    now = utcnow()
    rows = {"published long ago": (now - 10 * DAY, now - 10 * DAY),
            "published yesterday": (now - DAY, now - DAY),
            "never published": (now - 10 * DAY, None)}
    with engine.begin() as connection:
        for created_at, published_at in rows.values():
            event_id = str(uuid.uuid4())
            connection.execute(insert(outbox).values(
                event_id=event_id, type="meeting_scheduled", payload=json.dumps({}),
                created_at=created_at, published_at=published_at))
        for handled_at in (now - 40 * DAY, now - DAY):
            connection.execute(insert(inbox).values(
                consumer="registration", event_id=str(uuid.uuid4()), handled_at=handled_at))

    registration = services.start("registration", DATABASE_URL=url, OUTBOX_RELAY="off",
                                  OUTBOX_RETENTION=7 * 86400, INBOX_RETENTION=30 * 86400,
                                  RETENTION_INTERVAL=0.2)
    wait_for(lambda: _count(engine, outbox) == 2 and _count(engine, inbox) == 1,
             timeout=60, message="the rows past their retention pruned")

    with engine.connect() as connection:
        kept = {row.published_at is None for row in connection.execute(select(outbox))}
    assert kept == {True, False}  # yesterday's published row and the unpublished one
    metrics = _metrics(registration)
    assert metrics['coord_messaging_table_rows{table="outbox"}'] == 2
    assert metrics['coord_messaging_table_rows{table="inbox"}'] == 1
    assert metrics["coord_outbox_oldest_unpublished_seconds"] >= 10 * 86400
    assert metrics['coord_messaging_rows_pruned_total{table="outbox"}'] >= 1
    engine.dispose()


def _count(engine, table):
    with engine.connect() as connection:
        return len(connection.execute(select(table.c[0])).all())


def _metrics(service):
    text = service.client.get("/metrics", as_=None).text
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
            for line in text.splitlines() if line and not line.startswith("#")}
