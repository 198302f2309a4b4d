"""Documents's tables. The outbox and inbox live in the same database (coord.db)."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from coord import corrections, scope
from coord.auth import add_token_table
from coord.db import UtcDateTime, add_messaging_tables


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)
TOKENS = add_token_table(Base.metadata)
CORRECTIONS = corrections.history_table(Base.metadata)
PARTIES = scope.add_parties_table(Base.metadata)  # who reads what (coord.scope)


class Meeting(Base):
    """A meeting as registration announced it (`meeting_scheduled`); never read from
    registration's database."""

    __tablename__ = "meetings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), index=True)  # public URLs name it
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(3))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    symbol_prefix: Mapped[str] = mapped_column(String(60))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SymbolCounter(Base):
    """The last number given in one series of symbols, e.g. stem `UNEP/MC/COP.2/INF/`.

    Incremented with `UPDATE ... SET last_number = last_number + 1` inside the unit of work
    that creates the document, so concurrent creations queue on the row and numbers have
    no gap and no repeat. Rows exist before anyone numbers from them (created with the
    meeting, or with the parent document), so the update always finds its row.
    """

    __tablename__ = "symbol_counters"

    stem: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Document(corrections.Correctable, Base):
    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_meeting_status", "meeting_id", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"))
    symbol: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500))
    agenda_item: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"), index=True)
    relation: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    owner: Mapped[str | None] = mapped_column(String(40), index=True)
    original_language: Mapped[str] = mapped_column(String(2))
    language_set: Mapped[str] = mapped_column(String(10))
    submission_due_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    meeting: Mapped[Meeting] = relationship(lazy="joined")
    parent: Mapped["Document | None"] = relationship(remote_side=[id])
    versions: Mapped[list["LanguageVersion"]] = relationship(
        order_by="LanguageVersion.position", cascade="all, delete-orphan")
    contributions: Mapped[list["Contribution"]] = relationship(
        order_by="Contribution.created_at", cascade="all, delete-orphan")


class LanguageVersion(Base):
    """One of a document's required languages: when it was done, and its uploaded file.

    The file itself is stored on disk under its SHA-256 (`services.documents.files`)."""

    __tablename__ = "language_versions"

    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # UN order: ar zh en fr ru es
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_by: Mapped[str | None] = mapped_column(String(40))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_size: Mapped[int | None] = mapped_column(Integer)
    file_content_type: Mapped[str | None] = mapped_column(String(100))
    file_uploaded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    file_uploaded_by: Mapped[str | None] = mapped_column(String(40))


class Contribution(Base):
    __tablename__ = "contributions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    contributor: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LateNotice(Base):
    """The fact that `document_late` went out for a document and deadline. Its primary key
    is what makes the notice go out once, across restarts and concurrent timers."""

    __tablename__ = "late_notices"

    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    deadline: Mapped[str] = mapped_column(String(20), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(40))
    days_late: Mapped[int] = mapped_column(Integer)
    noticed_at: Mapped[datetime] = mapped_column(UtcDateTime)
