"""The outbox relay and the `Database` dependency that owns it.

The relay publishes outbox rows in commit order with publisher confirms, then marks
published exactly the rows the broker confirmed; a row it refused (nack) stays unpublished
and goes out again on a later pass. It wakes as soon as a unit of work commits events, and also polls, so rows left
unpublished by a crash (committed, never published) go out when the process comes back.
A crash after publishing but before marking resends those rows: consumers' inboxes absorb
the duplicates (at-least-once, idempotent consumers).
"""
import logging
import threading
from datetime import timedelta

import amqp

from kombu import Connection
from kombu.exceptions import OperationalError
from nameko.extensions import DependencyProvider
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from coord import topology
from coord.amqp import BatchPublisher, BrokerProbe, Outgoing
from coord.configured import setting
from coord.settings import without_password
from coord.metrics import (
    EVENTS_PUBLISHED, OLDEST_UNPUBLISHED, OUTBOX_BACKLOG, ROWS_PRUNED, TABLE_ROWS,
)
from coord.db import INBOX, OUTBOX, UnitOfWork, make_engine, utcnow

log = logging.getLogger(__name__)


class OutboxRelay:
    """Moves committed events from the outbox table to the service's event exchange."""

    def __init__(self, engine, outbox, producer, amqp_uri, *, retry_delays,
                 batch_size=500, poll_interval=1.0):
        self._engine = engine
        self._outbox = outbox
        self._exchange = topology.event_exchange(producer)
        self._amqp_uri = amqp_uri
        self._retry_delays = retry_delays
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._wake = threading.Event()
        self._stopping = False

    def wake(self):
        self._wake.set()

    def stop(self):
        self._stopping = True
        self._wake.set()

    def run(self):
        """Publish until stopped; reconnect with a log line whenever the broker is away."""
        while not self._stopping:
            try:
                with Connection(self._amqp_uri) as connection:
                    connection.ensure_connection(
                        errback=self._log_unreachable, max_retries=None,
                        interval_start=1, interval_step=1, interval_max=5)
                    channel = connection.default_channel
                    topology.declare(channel, self._retry_delays)
                    self._exchange(channel).declare()
                    log.info("outbox relay connected; topology declared")
                    publisher = BatchPublisher(connection)
                    while not self._stopping:
                        if self.publish_pending(publisher) < self._batch_size:
                            self._wake.wait(self._poll_interval)
                            self._wake.clear()
            except (OperationalError, OSError, ConnectionError, amqp.exceptions.AMQPError) as exc:
                log.warning("outbox relay lost the broker (%s); reconnecting", exc)
                # A refusal the broker will repeat (a queue declared otherwise) must not
                # turn into a busy loop of reconnections and log lines.
                self._wake.wait(self._poll_interval * 5)
                self._wake.clear()
            except SQLAlchemyError as exc:
                # The database went away: the rows wait in the outbox; try again shortly
                # rather than let the relay thread die and take the container with it.
                log.warning("outbox relay cannot read the outbox (%s); retrying", exc)
                self._wake.wait(self._poll_interval * 5)
                self._wake.clear()

    def _log_unreachable(self, exc, interval):
        log.warning("broker unreachable at %s (%s); outbox relay retries in %ss",
                    without_password(self._amqp_uri), exc, interval)

    def publish_pending(self, publisher):
        """Publish one batch of unpublished rows in order; returns how many the broker
        confirmed (a batch it refused in part does not make the relay spin: it waits for
        its next pass).

        On PostgreSQL the batch is claimed: its rows stay locked (`FOR UPDATE SKIP
        LOCKED`) from the read until they are marked, so the relays of several processes
        of one service each publish different rows. SQLite keeps its one connection free
        while publishing: a process there is the only one, and so is its relay.
        """
        claim = self._engine.dialect.name == "postgresql"
        pending = (select(self._outbox.c.seq, self._outbox.c.event_id, self._outbox.c.type,
                          self._outbox.c.payload)
                   .where(self._outbox.c.published_at.is_(None))
                   .order_by(self._outbox.c.seq).limit(self._batch_size))
        if claim:
            with self._engine.begin() as connection:
                rows = connection.execute(pending.with_for_update(skip_locked=True)).all()
                confirmed = self._publish(publisher, rows)
                self._mark(connection, confirmed)
        else:
            with self._engine.connect() as connection:
                rows = connection.execute(pending).all()
            confirmed = self._publish(publisher, rows)
            with self._engine.begin() as connection:
                self._mark(connection, confirmed)
        return len(confirmed)

    def _publish(self, publisher, rows):
        """Publish `rows`; returns the seqs the broker confirmed."""
        OUTBOX_BACKLOG.set(len(rows))
        if not rows:
            return []
        types = {row.seq: row.type for row in rows}
        confirmed, refused = publisher.publish([
            Outgoing(row.seq, self._exchange.name, row.type, row.payload, row.event_id)
            for row in rows])
        for seq in confirmed:
            EVENTS_PUBLISHED.labels(types[seq]).inc()
        if refused:
            log.warning("the broker refused %s of %s event(s); they stay in the outbox and "
                        "go again", len(refused), len(rows))
        return confirmed

    def _mark(self, connection, seqs):
        if seqs:
            connection.execute(
                update(self._outbox).where(self._outbox.c.seq.in_(seqs))
                .values(published_at=utcnow()))


class Retention:
    """Keeps the outbox and inbox from growing forever: prunes published outbox rows and
    handled event ids older than their retention, every `interval` seconds.

    Unpublished rows are never pruned. An inbox key must outlive every redelivery of its
    event (retries, a message parked and replayed later): a replay older than
    INBOX_RETENTION would act twice.
    """

    def __init__(self, engine, metadata, *, outbox_retention, inbox_retention, interval):
        self._engine = engine
        self._outbox = metadata.tables[OUTBOX]
        self._inbox = metadata.tables[INBOX]
        self._outbox_retention = timedelta(seconds=float(outbox_retention))
        self._inbox_retention = timedelta(seconds=float(inbox_retention))
        self._interval = float(interval)
        self._wake = threading.Event()
        self._stopping = False

    def run(self):
        while not self._stopping:
            try:
                self.prune()
            except SQLAlchemyError as exc:
                log.warning("retention could not prune the outbox and inbox (%s); "
                            "tries again in %ss", exc, self._interval)
            self._wake.wait(self._interval)

    def stop(self):
        self._stopping = True
        self._wake.set()

    def prune(self):
        """Delete what is past its retention; returns (outbox rows, inbox keys) deleted."""
        now = utcnow()
        with self._engine.begin() as connection:
            outbox = connection.execute(delete(self._outbox).where(
                self._outbox.c.published_at < now - self._outbox_retention)).rowcount
            inbox = connection.execute(delete(self._inbox).where(
                self._inbox.c.handled_at < now - self._inbox_retention)).rowcount
        ROWS_PRUNED.labels(OUTBOX).inc(outbox)
        ROWS_PRUNED.labels(INBOX).inc(inbox)
        if outbox or inbox:
            log.info("pruned %s published outbox row(s) and %s inbox key(s)", outbox, inbox)
        return outbox, inbox

    def measure(self):
        """Set the table-size and oldest-unpublished gauges from the database."""
        with self._engine.connect() as connection:
            for table in (self._outbox, self._inbox):
                TABLE_ROWS.labels(table.name).set(
                    connection.execute(select(func.count()).select_from(table)).scalar())
            oldest = connection.execute(select(func.min(self._outbox.c.created_at)).where(
                self._outbox.c.published_at.is_(None))).scalar()
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=utcnow().tzinfo)
        OLDEST_UNPUBLISHED.set((utcnow() - oldest).total_seconds() if oldest else 0)


class Database(DependencyProvider):
    """A service's database: units of work for its workers, and the outbox relay.

    Config: DATABASE_URL; DATABASE_POOL_SIZE; AMQP_URI; OUTBOX_RELAY ("off" leaves events in the outbox, for
    an operator running the relay elsewhere or for fault drills); EVENT_RETRY_DELAYS;
    OUTBOX_RETENTION, INBOX_RETENTION, RETENTION_INTERVAL (seconds; `Retention`).
    """

    def __init__(self, metadata):
        self.metadata = metadata
        self.engine = None
        self.relay = None
        self.retention = None
        self._relay_thread = None
        self._retention_thread = None

    def setup(self):
        config = self.container.config
        self.engine = make_engine(config["DATABASE_URL"],
                                  pool_size=int(config.get("DATABASE_POOL_SIZE", 10)))
        self.broker = BrokerProbe(config["AMQP_URI"])
        self.relay = OutboxRelay(
            self.engine, self.metadata.tables[OUTBOX], self.container.service_name,
            config["AMQP_URI"], retry_delays=retry_delays(config),
            poll_interval=float(config.get("OUTBOX_POLL_INTERVAL", 1.0)),
        )
        self.retention = Retention(
            self.engine, self.metadata,
            outbox_retention=setting(config, "OUTBOX_RETENTION", 7 * 86400),
            inbox_retention=setting(config, "INBOX_RETENTION", 30 * 86400),
            interval=setting(config, "RETENTION_INTERVAL", 3600))

    def start(self):
        if str(self.container.config.get("OUTBOX_RELAY", "on")).lower() != "off":
            self._relay_thread = self.container.spawn_managed_thread(
                self.relay.run, identifier="outbox-relay")
        self._retention_thread = self.container.spawn_managed_thread(
            self.retention.run, identifier="retention")

    def stop(self):
        self.relay.stop()
        self.retention.stop()
        for thread in (self._relay_thread, self._retention_thread):
            if thread is not None:
                thread.wait()
        self.engine.dispose()

    def kill(self):
        self.relay.stop()
        self.retention.stop()
        for thread in (self._relay_thread, self._retention_thread):
            if thread is not None:
                thread.kill()
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        return DatabaseAccess(self)


class DatabaseAccess:
    """What a worker sees as `self.db`."""

    def __init__(self, provider):
        self._provider = provider

    def unit_of_work(self):
        provider = self._provider
        return UnitOfWork(provider.engine, provider.metadata, provider.container.service_name,
                          on_events_committed=provider.relay.wake)

    def engine(self):
        """The service's engine, for reads that outlive the worker (a streamed response
        keeps querying after its worker returned); they open their own sessions."""
        return self._provider.engine

    def measure(self):
        """Refresh the outbox and inbox gauges of /metrics."""
        self._provider.retention.measure()

    def healthy(self):
        """(database reachable, broker reachable)."""
        try:
            with self._provider.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            database = True
        except Exception:  # any failure to query means the database is not usable
            log.exception("database unreachable at health check")
            database = False
        return database, self._provider.broker.reachable()


def retry_delays(config):
    """EVENT_RETRY_DELAYS: seconds to wait before each retry of a failing event handler."""
    delays = config.get("EVENT_RETRY_DELAYS")
    if delays is None:
        return topology.DEFAULT_RETRY_DELAYS
    if isinstance(delays, str):
        delays = delays.split(",")
    return tuple(float(delay) for delay in delays)
