"""Database engine and the unit of work that commits a state change with its events.

A unit of work is one transaction. Events recorded in it go to the outbox table in that
same transaction, so there is never a change without its event nor an event without its
change; the relay (`coord.outbox`) publishes them afterwards. Consumers record each
handled `event_id` in the inbox table in the same transaction as their effect, so a
redelivered event is recognised and skipped.
"""
import functools
import json
import logging
from datetime import datetime, timezone

from sqlalchemy import (
    Column, DateTime, Index, Integer, MetaData, String, Table, Text, bindparam, create_engine,
    event, insert, text,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool
from sqlalchemy.types import TypeDecorator

from coord import logs
from coord.errors import Conflict

OUTBOX = "outbox"
INBOX = "inbox"
INBOX_AGE_INDEX = "ix_inbox_handled_at"

# PostgreSQL's SQLSTATEs for a transaction that lost a race it cannot wait out.
_RACE_LOST_STATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected

log = logging.getLogger(__name__)


def utcnow():
    return datetime.now(timezone.utc)


class UtcDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC, on SQLite (which keeps no zone) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("store timezone-aware datetimes only")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


def add_messaging_tables(metadata: MetaData):
    """Add the outbox and inbox tables to a service's metadata (and so its migrations)."""
    Table(
        OUTBOX, metadata,
        Column("seq", Integer, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("type", String(64), nullable=False),
        Column("payload", Text, nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
        Column("published_at", UtcDateTime, nullable=True),
        Index("ix_outbox_unpublished", "published_at", "seq"),
    )
    Table(
        INBOX, metadata,
        Column("consumer", String(120), primary_key=True),
        Column("event_id", String(36), primary_key=True),
        Column("handled_at", UtcDateTime, nullable=False),
        Index(INBOX_AGE_INDEX, "handled_at"),  # retention deletes by age
    )


def create_inbox_age_index(op):
    """For a service's migration: the inbox indexed on `handled_at`. Every event a service
    consumes leaves its id in the inbox (`coord.events` claims each one), and retention's
    delete by age read the whole table without it."""
    op.create_index(INBOX_AGE_INDEX, INBOX, ["handled_at"])


def drop_inbox_age_index(op):
    op.drop_index(INBOX_AGE_INDEX, table_name=INBOX)


def make_engine(url, pool_size=10):
    """An engine that cooperates with eventlet.

    `pool_size`: PostgreSQL connections kept open (as many more may open under load); a
    server's connection limit is shared by every process of every service using it.

    SQLite calls block the whole process, so a second greenthread waiting on SQLite's
    write lock would stall the holder forever: one pooled connection per process
    serialises access green-ly instead. PostgreSQL gets psycogreen's wait callback so a
    query yields to other greenthreads while it waits on the network.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url, poolclass=QueuePool, pool_size=1, max_overflow=0, pool_timeout=30,
            connect_args={"check_same_thread": False},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

        return engine
    if url.startswith("postgresql"):
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()
        return create_engine(url, pool_size=pool_size, max_overflow=pool_size,
                             pool_pre_ping=True)
    return create_engine(url, pool_pre_ping=True)


class UnitOfWork:
    """One transaction: the service's session plus the events it records.

    Use as a context manager; it commits on a clean exit and rolls back on an exception.
    """

    def __init__(self, engine, metadata, service, on_events_committed=None):
        self.session = Session(engine, expire_on_commit=False)
        self._outbox = metadata.tables[OUTBOX]
        self._inbox = metadata.tables[INBOX]
        self._service = service
        self._on_events_committed = on_events_committed
        self._events_recorded = False  # only whether to wake the relay at commit
        self._turns_held = set()
        # The events this unit of work handles (a consumer's batch, coord.events), so that a
        # handler can read what the whole batch needs in one statement at its first event.
        self.deliveries = ()
        self._before_commit = {}

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.commit()
            else:
                self.session.rollback()
        except DBAPIError as error:
            self.session.rollback()
            _raise_conflict_if_race_lost(error)
            raise
        finally:
            self.session.close()
        if exc is not None:
            _raise_conflict_if_race_lost(exc)
        return False

    def locked(self, model, id_):
        """The `model` row whose primary key is `id_`, locked until this unit of work ends;
        None when there is none.

        Every state change reads the status it decides on through this: concurrent requests
        on one subject then decide one after the other (`SELECT ... FOR UPDATE` on
        PostgreSQL), so the loser sees the winner's change and gets the life cycle's 409
        instead of making a second move with a second event. The row is re-read even when
        the session holds it already, and only its own table is locked (`OF`), not what
        eager loads join to it. SQLite ignores the clause and needs none: a process has one
        connection, so its units of work run one at a time.
        """
        return self.session.get(model, id_, with_for_update={"of": model},
                                populate_existing=True)

    def take_turn(self, name):
        """Hold `name`'s turn until this unit of work ends, waiting for whoever holds it.

        For a table that readers follow by an increasing key (the feed's `seq`): the key is
        drawn at insert but seen at commit, so two writers may commit out of key order and a
        reader that has already passed the larger key would never see the smaller one.
        Writers that take turns commit in key order. PostgreSQL: a transaction-level
        advisory lock; take it before any other lock, so that it cannot close a cycle.
        SQLite has nothing to do: one connection runs one unit of work at a time.
        """
        if name in self._turns_held:
            return  # held since an earlier call: a batch of events takes it once
        self._turns_held.add(name)
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"),
                                 {"name": name})

    def emit(self, event):
        """Record an event to be published once this transaction commits."""
        return self.emit_many([event])[0]

    def emit_many(self, events):
        """Record events to be published once this transaction commits, in one statement
        (a batch of a bulk import records thousands at a time). Their envelopes are not
        kept: only that some were recorded, to wake the relay at commit."""
        correlation_id = logs.current_correlation_id()
        envelopes = [event.envelope(self._service, correlation_id=correlation_id)
                     for event in events]
        if not envelopes:
            return envelopes
        if len(envelopes) == 1:
            log.info("recorded %s", envelopes[0]["type"],
                     extra={"emitted_event_id": envelopes[0]["event_id"]})
        else:  # a bulk import: one line a batch, not a line an event
            log.info("recorded %s events: %s", len(envelopes), ", ".join(sorted(
                {envelope["type"] for envelope in envelopes})))
        recorded_at = utcnow()
        self.session.execute(insert(self._outbox), [
            {"event_id": envelope["event_id"], "type": envelope["type"],
             "payload": json.dumps(envelope), "created_at": recorded_at}
            for envelope in envelopes])
        self._events_recorded = True
        return envelopes

    def claim_first_deliveries(self, event_ids):
        """Claim `event_ids` for this service; returns those that were not handled before.

        One statement for a whole batch, `INSERT ... ON CONFLICT DO NOTHING RETURNING`: a
        claim is inserted for each new id and none for an id already there. The claims
        commit with the handlers' effects. A concurrent delivery of the same event waits
        on the first one's row (PostgreSQL) and, once that commits, finds the claim;
        should the first roll back, it claims. Ids are claimed in sorted order, so two
        batches sharing ids lock them in the same order and never deadlock.
        """
        ids = sorted({str(event_id) for event_id in event_ids})
        if not ids:
            return set()
        now = utcnow()
        return set(insert_ignoring_duplicates(
            self.session, self._inbox,
            [{"consumer": self._service, "event_id": event_id, "handled_at": now}
             for event_id in ids],
            returning="event_id"))

    def before_commit(self, key, write):
        """Call `write()` once, as this unit of work commits (in the order first asked,
        one call however often `key` is given): for rows a batch of events collects and
        writes in one statement rather than one each. A failure there rolls back all."""
        self._before_commit.setdefault(key, write)

    def commit(self):
        for write in self._before_commit.values():
            write()
        self._before_commit.clear()
        self.session.commit()
        if self._events_recorded and self._on_events_committed:
            self._on_events_committed()
        self._events_recorded = False


def insert_ignoring_duplicates(session, table, rows, returning=None):
    """`INSERT ... ON CONFLICT DO NOTHING` of `rows` (dicts with the same keys) in one
    statement; with `returning`, that column's values for the rows actually inserted.

    Written as SQL text, which reads the same on SQLite (3.35 or later) and PostgreSQL and
    is built once per table, columns and number of rows: SQLAlchemy 2.0 cannot cache its
    dialect-specific insert constructs and compiled one anew on every call, which on a
    consumer's hot path cost more than the insert itself.
    """
    if not rows:
        return []
    columns = tuple(rows[0])
    statement = _ignoring_duplicates_statement(table, columns, len(rows), returning)
    result = session.execute(statement, {f"{column}_{number}": row[column]
                                         for number, row in enumerate(rows)
                                         for column in columns})
    return result.scalars().all() if returning else []


@functools.lru_cache(maxsize=256)
def _ignoring_duplicates_statement(table, columns, count, returning):
    values = ", ".join("(" + ", ".join(f":{column}_{number}" for column in columns) + ")"
                       for number in range(count))
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES {values} "
           f"ON CONFLICT DO NOTHING" + (f" RETURNING {returning}" if returning else ""))
    return text(sql).bindparams(*(bindparam(f"{column}_{number}", type_=table.c[column].type)
                                  for number in range(count) for column in columns))


def _raise_conflict_if_race_lost(error):
    """A unique key taken by a concurrent request, or a deadlock or serialisation failure
    that the database resolved against us, is the contract's 409, never a 500: the other
    request won, and the caller may reload and try again. A consumer retries it."""
    state = getattr(getattr(error, "orig", None), "pgcode", None)
    if isinstance(error, IntegrityError) or state in _RACE_LOST_STATES:
        raise Conflict("Another request changed this at the same time; reload it and try "
                       "again.", code="concurrent_change") from error
