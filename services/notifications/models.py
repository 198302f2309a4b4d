"""The feed's table. The outbox and inbox live in the same database (coord.db)."""
from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from coord.db import UtcDateTime, add_messaging_tables


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)


class FeedEntry(Base):
    """One event as staff see it. `seq` orders the feed and numbers server-sent events."""

    __tablename__ = "feed_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)  # the event's event_id
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    type: Mapped[str] = mapped_column(String(64), index=True)
    producer: Mapped[str] = mapped_column(String(40))
    meeting_id: Mapped[str | None] = mapped_column(String(36), index=True)
    actor: Mapped[str] = mapped_column(String(40))
    owner: Mapped[str | None] = mapped_column(String(40), index=True)
    summary: Mapped[str] = mapped_column(Text)
    subject_kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(80))
    data: Mapped[dict] = mapped_column(JSON)
