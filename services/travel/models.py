"""Travel's tables. The outbox and inbox live in the same database (coord.db).

Meetings and agreements are travel's own copies of other services' facts, kept from
their events: travel never reads another service's database.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from coord import scope
from coord.auth import add_token_table
from coord.db import UtcDateTime, add_messaging_tables
from services.travel import domain


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)
TOKENS = add_token_table(Base.metadata)
PARTIES = scope.add_parties_table(Base.metadata)  # who reads what (coord.scope)


class DecimalText(TypeDecorator):
    """An exact decimal kept as its text: SQLite has no decimal type and would round
    through a float."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)


def money(amount, currency):
    return None if amount is None else {"amount": amount, "currency": currency}


class Meeting(Base):
    """A meeting as travel knows it. A row may exist before `meeting_scheduled` arrives
    (from a confirmation or an agreement): then only its code, or nothing, is known. The
    row is also what event handlers lock to work on one meeting at a time."""

    __tablename__ = "meetings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40))
    city: Mapped[str | None] = mapped_column(String(100))
    city_key: Mapped[str | None] = mapped_column(String(100), index=True)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    @property
    def scheduled(self):
        return self.starts_on is not None


class Agreement(Base):
    """A support agreement for travel or DSA payment (support's `agreement_recorded`)."""

    __tablename__ = "agreements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(String(36), index=True)
    provider: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40))
    basis: Mapped[str] = mapped_column(String(20))
    regions: Mapped[list | None] = mapped_column(JSON)  # None: every region
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DsaRate(Base):
    """A city's daily subsistence allowance from a date on; older rows are its history."""

    __tablename__ = "dsa_rates"
    __table_args__ = (Index("uq_dsa_rate_city_date", "city_key", "valid_from", unique=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    city: Mapped[str] = mapped_column(String(100))
    city_key: Mapped[str] = mapped_column(String(100))
    valid_from: Mapped[date] = mapped_column(Date)
    daily_amount: Mapped[Decimal] = mapped_column(DecimalText)
    currency: Mapped[str] = mapped_column(String(3))
    travel_days: Mapped[int] = mapped_column(Integer)
    set_by: Mapped[str] = mapped_column(String(40))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime)

    @property
    def daily(self):
        return money(self.daily_amount, self.currency)


class TravelCase(Base):
    """One funded participant's travel: a ticket and a DSA payment, each with its owner."""

    __tablename__ = "travel_cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    registration_id: Mapped[str] = mapped_column(String(36), unique=True)
    meeting_id: Mapped[str] = mapped_column(String(36), index=True)
    meeting_code: Mapped[str] = mapped_column(String(40))
    given_name: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(3))
    region: Mapped[str] = mapped_column(String(20))
    travel_owner: Mapped[str] = mapped_column(String(40), index=True)
    travel_basis: Mapped[str] = mapped_column(String(20))
    travel_agreement_id: Mapped[str | None] = mapped_column(String(36))
    dsa_owner: Mapped[str] = mapped_column(String(40), index=True)
    dsa_basis: Mapped[str] = mapped_column(String(20))
    dsa_agreement_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(20), index=True)
    # The entitlement and how it was computed; all empty until it is fixed.
    entitlement_amount: Mapped[Decimal | None] = mapped_column(DecimalText)
    entitlement_currency: Mapped[str | None] = mapped_column(String(3))
    daily_rate: Mapped[Decimal | None] = mapped_column(DecimalText)
    meeting_days: Mapped[int | None] = mapped_column(Integer)
    travel_days: Mapped[int | None] = mapped_column(Integer)
    rate_city: Mapped[str | None] = mapped_column(String(100))
    rate_valid_from: Mapped[date | None] = mapped_column(Date)
    dsa_rate_missing: Mapped[bool] = mapped_column(Boolean, default=False)
    refund_due: Mapped[bool] = mapped_column(Boolean, default=False)
    # Whether the latest event about the case said its ticket is late, so the daily
    # check says so once (`travel_case_overdue`) rather than every day.
    overdue_stated: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    ticket: Mapped["Ticket | None"] = relationship(lazy="selectin")
    dsa_payment: Mapped["DsaPayment | None"] = relationship(lazy="selectin")

    @property
    def travel_route(self):
        return domain.Route(self.travel_owner, self.travel_basis, self.travel_agreement_id)

    @travel_route.setter
    def travel_route(self, route):
        self.travel_owner, self.travel_basis, self.travel_agreement_id = (
            route.owner, route.basis, route.agreement_id)

    @property
    def dsa_route(self):
        return domain.Route(self.dsa_owner, self.dsa_basis, self.dsa_agreement_id)

    @dsa_route.setter
    def dsa_route(self, route):
        self.dsa_owner, self.dsa_basis, self.dsa_agreement_id = (
            route.owner, route.basis, route.agreement_id)

    @property
    def owed(self):
        """The fixed entitlement as a domain value, or None while it is not fixed."""
        if self.entitlement_amount is None:
            return None
        return domain.Entitlement(
            amount=self.entitlement_amount, currency=self.entitlement_currency,
            daily_rate=self.daily_rate, meeting_days=self.meeting_days,
            travel_days=self.travel_days, city=self.rate_city, valid_from=self.rate_valid_from)

    @owed.setter
    def owed(self, owed):
        self.entitlement_amount, self.entitlement_currency = owed.amount, owed.currency
        self.daily_rate, self.meeting_days, self.travel_days = (
            owed.daily_rate, owed.meeting_days, owed.travel_days)
        self.rate_city, self.rate_valid_from = owed.city, owed.valid_from
        self.dsa_rate_missing = False

    @property
    def entitlement(self):
        return money(self.entitlement_amount, self.entitlement_currency)

    @property
    def entitlement_basis(self):
        if self.entitlement_amount is None:
            return None
        return {"daily_rate": money(self.daily_rate, self.entitlement_currency),
                "meeting_days": self.meeting_days, "travel_days": self.travel_days,
                "city": self.rate_city, "valid_from": self.rate_valid_from}

    @property
    def owner(self):
        """The organisation that must act next on this case."""
        return domain.next_owner(self.status, self.travel_owner, self.dsa_owner,
                                 self.refund_due)


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("travel_cases.id"), unique=True)
    carrier: Mapped[str] = mapped_column(String(100))
    ticket_number: Mapped[str] = mapped_column(String(40))
    fare_amount: Mapped[Decimal] = mapped_column(DecimalText)
    fare_currency: Mapped[str] = mapped_column(String(3))
    outbound_on: Mapped[date] = mapped_column(Date)
    return_on: Mapped[date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(40))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # What the carrier returned once the case was cancelled (in the fare's currency).
    refund_amount: Mapped[Decimal | None] = mapped_column(DecimalText)
    refund_received_on: Mapped[date | None] = mapped_column(Date)
    refund_recorded_by: Mapped[str | None] = mapped_column(String(40))
    refund_recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @property
    def fare(self):
        return money(self.fare_amount, self.fare_currency)

    @property
    def refund(self):
        if self.refund_amount is None:
            return None
        return {"amount": money(self.refund_amount, self.fare_currency),
                "received_on": self.refund_received_on, "recorded_by": self.refund_recorded_by,
                "recorded_at": self.refund_recorded_at}


class DsaPayment(Base):
    __tablename__ = "dsa_payments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("travel_cases.id"), unique=True)
    amount_value: Mapped[Decimal] = mapped_column("amount", DecimalText)
    currency: Mapped[str] = mapped_column(String(3))
    paid_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(500))
    paid_by: Mapped[str] = mapped_column(String(40))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)

    @property
    def amount(self):
        return money(self.amount_value, self.currency)


class Withdrawal(Base):
    """A funded registration withdrawn before travel saw its confirmation (events can
    arrive out of order after retries): the late confirmation must not open a case."""

    __tablename__ = "withdrawals"

    registration_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    withdrawn_at: Mapped[datetime] = mapped_column(UtcDateTime)
