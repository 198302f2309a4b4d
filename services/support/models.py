"""Support's tables. The outbox and inbox live in the same database (coord.db).

Amounts are stored as decimal text (`DecimalText`): exact on every database, SQLite
included, and summed in Python with `Decimal`, one currency at a time.
"""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from coord import corrections, scope
from coord.auth import add_token_table
from coord.db import UtcDateTime, add_messaging_tables
from services.support import domain
from coord.money import Money
from coord.waiting import owner_of


class DecimalText(TypeDecorator):
    """A Decimal kept as its exact decimal string."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError("store Decimal amounts only, never floats")
        return str(value)

    def process_result_value(self, value, dialect):
        return Decimal(value) if value is not None else None


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)
TOKENS = add_token_table(Base.metadata)
CORRECTIONS = corrections.history_table(Base.metadata)
PARTIES = scope.add_parties_table(Base.metadata)  # who reads what (coord.scope)


class Meeting(Base):
    """A meeting as registration announced it (`meeting_scheduled`)."""

    __tablename__ = "meetings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    learned_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Agreement(corrections.Correctable, Base):
    __tablename__ = "agreements"
    __table_args__ = (Index("ix_agreements_meeting_category", "meeting_id", "category"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"))
    provider: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40))
    basis: Mapped[str] = mapped_column(String(20))
    regions: Mapped[list | None] = mapped_column(JSON)  # None: every region
    recorded_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20), default=domain.RECORDED)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @property
    def owner(self):
        return owner_of(domain.agreement_waiting(self.status, self.provider))


class SupportRequest(Base):
    __tablename__ = "support_requests"
    __table_args__ = (
        Index("ix_support_requests_queue", "provider", "status", "created_at"),
        Index("ix_support_requests_meeting", "meeting_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"))
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"))
    provider: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40))
    basis: Mapped[str] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    invoice_amount: Mapped[Decimal | None] = mapped_column(DecimalText)
    invoice_currency: Mapped[str | None] = mapped_column(String(3))
    requested_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    invoiced_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The settlement that paid it off, when it was not settled on its own.
    settlement_id: Mapped[str | None] = mapped_column(String(36))

    @property
    def owner(self):
        """Who must act next on this request, or None."""
        return domain.next_owner(self.status, provider=self.provider, basis=self.basis)

    @property
    def invoice(self):
        if self.invoice_currency is None:
            return None
        return Money(self.invoice_amount, self.invoice_currency)


class TravelCharge(Base):
    """A ticket fare or DSA payment reported by the travel service, one per event."""

    __tablename__ = "travel_charges"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str | None] = mapped_column(String(36), index=True)
    travel_case_id: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    provider: Mapped[str] = mapped_column(String(40))
    basis: Mapped[str] = mapped_column(String(20))
    agreement_id: Mapped[str | None] = mapped_column(String(36))
    region: Mapped[str | None] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(DecimalText)
    currency: Mapped[str] = mapped_column(String(3))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)


class RefundDue(Base):
    """A travel case cancelled after ticketing, whose fare the carrier should refund."""

    __tablename__ = "refunds_due"

    travel_case_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    meeting_id: Mapped[str | None] = mapped_column(String(36), index=True)
    cancelled_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # What the carrier returned (in the fare's currency), once travel recorded it.
    refund_amount: Mapped[Decimal | None] = mapped_column(DecimalText)
    refunded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Settlement(Base):
    """A payment from the organiser to a provider for a meeting, against what is owed
    under reimbursement (fares, DSA, invoices), oldest first."""

    __tablename__ = "settlements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    provider: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(DecimalText)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(40))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)

    @property
    def money(self):
        return Money(self.amount, self.currency)
