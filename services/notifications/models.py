"""The feed's tables. The outbox and inbox live in the same database (coord.db)."""
from datetime import date, datetime

from sqlalchemy import (
    JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from coord import scope
from coord.auth import add_ticket_table, add_token_table
from coord.db import UtcDateTime, add_messaging_tables
from coord.mail import AddressConfirmedByCode, add_mail_table
from services.notifications.domain import entry_is_late


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)
TOKENS = add_token_table(Base.metadata)
TICKETS = add_ticket_table(Base.metadata)
MAIL_OUTBOX = add_mail_table(Base.metadata)
# Who is party to each subject the feed speaks of: who reads its entries (coord.scope).
PARTIES = scope.add_parties_table(Base.metadata)


class FeedEntry(Base):
    """One event as staff see it. `seq` orders the feed and numbers server-sent events."""

    __tablename__ = "feed_entries"
    # Each filter in seq order: a filtered page reads just its rows, newest first.
    __table_args__ = tuple(Index(f"ix_feed_entries_{column}_seq", column, "seq")
                           for column in ("owner", "meeting_id", "type"))

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)  # the event's event_id
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    type: Mapped[str] = mapped_column(String(64))
    producer: Mapped[str] = mapped_column(String(40))
    meeting_id: Mapped[str | None] = mapped_column(String(36))
    meeting_code: Mapped[str | None] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(40))
    owner: Mapped[str | None] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    subject_kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(80))
    data: Mapped[dict] = mapped_column(JSON)

    @property
    def late(self):
        return entry_is_late(self.type)


class KnownMeeting(Base):
    """A meeting's code as its `meeting_scheduled` event gave it, for events that carry
    only the meeting's id."""

    __tablename__ = "known_meetings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40))


class WaitingItem(Base):
    """The current owner of one subject (a registration, a document...) and the action
    it waits for: what the latest event about it said. An item with an owner is waiting
    on that organisation."""

    __tablename__ = "waiting_items"

    subject_kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(40), index=True)
    since: Mapped[datetime] = mapped_column(UtcDateTime)  # waiting on this owner since
    late: Mapped[bool] = mapped_column(Boolean)
    latest_at: Mapped[datetime] = mapped_column(UtcDateTime)  # the latest event's time
    entry_id: Mapped[str] = mapped_column(ForeignKey("feed_entries.id"))
    action: Mapped[str | None] = mapped_column(String(200))  # what clears the wait


class DigestAddress(AddressConfirmedByCode, Base):
    """An address an organisation gave for its daily digest. Digests go to it only once
    the organisation has confirmed it with the code mailed there."""

    __tablename__ = "digest_addresses"
    __table_args__ = (Index("uq_digest_address", "organisation", "address", unique=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(40), index=True)
    last_sent_on: Mapped[date | None] = mapped_column(Date)


class Webhook(Base):
    """A partner's subscription: which events (types, optionally one meeting) to POST to
    its URL, signed with its secret. `status`: active, failing (a delivery gave up; the
    next success makes it active again) or deleted."""

    __tablename__ = "webhooks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(40), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list] = mapped_column(JSON)
    meeting_id: Mapped[str | None] = mapped_column(String(36))
    secret: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    failing_since: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WebhookDelivery(Base):
    """One event to send to one webhook: the outbox of deliveries. Written in the same
    transaction as the feed entry, so no event is lost across a restart; the sender
    claims due rows, POSTs them and records each attempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("webhook_id", "event_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    webhook_id: Mapped[str] = mapped_column(ForeignKey("webhooks.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)  # the envelope exactly as signed and sent
    status: Mapped[str] = mapped_column(String(20))  # pending, delivered, failed
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    give_up_at: Mapped[datetime] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[list["WebhookAttempt"]] = relationship(
        order_by="WebhookAttempt.id", lazy="selectin")


class WebhookAttempt(Base):
    """One POST of a delivery: the receiver's status code or the error, and how long."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_deliveries.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(300))
    latency_ms: Mapped[int] = mapped_column(Integer)
    delivered: Mapped[bool] = mapped_column(Boolean)
