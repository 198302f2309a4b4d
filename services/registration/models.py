"""Registration's tables. The outbox and inbox live in the same database (coord.db)."""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from coord.db import UtcDateTime, add_messaging_tables


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(3))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    symbol_prefix: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Registration(Base):
    __tablename__ = "registrations"
    __table_args__ = (
        Index("uq_registration_email", "meeting_id", "email", unique=True),
        # At most one funded participant per country per meeting, held by the database
        # itself so two racing confirmations cannot both win.
        Index("uq_funded_country", "meeting_id", "country", unique=True,
              sqlite_where=text("funded = true"), postgresql_where=text("funded = true")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    given_name: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    country: Mapped[str] = mapped_column(String(3))
    region: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str] = mapped_column(String(300))
    funding_requested: Mapped[bool] = mapped_column(Boolean)
    visa_letter_requested: Mapped[bool] = mapped_column(Boolean)
    funding_eligible: Mapped[bool] = mapped_column(Boolean)
    priority: Mapped[bool] = mapped_column(Boolean)
    funded: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
