"""The feed's tables. The outbox and inbox live in the same database (coord.db)."""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from coord.db import UtcDateTime, add_messaging_tables
from coord.mail import add_mail_table
from services.notifications.domain import entry_is_late


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)
MAIL_OUTBOX = add_mail_table(Base.metadata)


class FeedEntry(Base):
    """One event as staff see it. `seq` orders the feed and numbers server-sent events."""

    __tablename__ = "feed_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)  # the event's event_id
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    type: Mapped[str] = mapped_column(String(64), index=True)
    producer: Mapped[str] = mapped_column(String(40))
    meeting_id: Mapped[str | None] = mapped_column(String(36), index=True)
    meeting_code: Mapped[str | None] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(40))
    owner: Mapped[str | None] = mapped_column(String(40), index=True)
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


class DigestAddress(Base):
    """An address an organisation gave for its daily digest. Digests go to it only once
    the organisation has confirmed it with the code mailed there."""

    __tablename__ = "digest_addresses"
    __table_args__ = (Index("uq_digest_address", "organisation", "address", unique=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(40), index=True)
    address: Mapped[str] = mapped_column(String(254))
    code_digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the mailed code
    status: Mapped[str] = mapped_column(String(20))  # pending | confirmed
    last_sent_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
