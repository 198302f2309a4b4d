"""Registration's tables. The outbox and inbox live in the same database (coord.db)."""
from datetime import date, datetime

from sqlalchemy import (
    JSON, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from coord import corrections, scope
from coord.auth import add_token_table
from coord.db import UtcDateTime, add_messaging_tables
from coord.mail import AddressConfirmedByCode, add_mail_table


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)
TOKENS = add_token_table(Base.metadata)
MAIL_OUTBOX = add_mail_table(Base.metadata)
CORRECTIONS = corrections.history_table(Base.metadata)
PARTIES = scope.add_parties_table(Base.metadata)  # who reads what (coord.scope)


class Meeting(corrections.Correctable, Base):
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
    # {language: {"title": ..., "city": ...}} for languages other than English
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The last reference number given to one of its registrations (usecases._take_numbers).
    last_number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


# The list of participants sorts by these (domain.list_key), character by character as
# Python compares text: PostgreSQL's default collation would follow the server's locale.
LIST_KEY = String(300).with_variant(String(300, collation="C"), "postgresql")

FUNDED_PARTICIPANT = "funded = true AND status IN ('confirmed', 'checked_in')"


class Registration(corrections.Correctable, Base):
    __tablename__ = "registrations"
    __table_args__ = (
        Index("uq_registration_email", "meeting_id", "email", unique=True),
        Index("uq_registration_number", "meeting_id", "number", unique=True),
        # A meeting's list pages in id order (usecases._page_by_id).
        Index("ix_registrations_meeting_id_id", "meeting_id", "id"),
        # At most one funded participant per country per meeting, held by the database
        # itself so two racing confirmations cannot both win. A withdrawn participant
        # keeps `funded` (travel cancels the case) but frees the country's place.
        Index("uq_funded_country", "meeting_id", "country", unique=True,
              sqlite_where=text(FUNDED_PARTICIPANT), postgresql_where=text(FUNDED_PARTICIPANT)),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"))
    number: Mapped[int] = mapped_column(Integer)  # 42 in the reference COP-2/REG/0042
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
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    # Personal data for visas: read by mc and the offices that book the participant's travel (usecases.personal_data).
    title: Mapped[str | None] = mapped_column(String(60))
    function: Mapped[str | None] = mapped_column(String(300))
    nationality: Mapped[str | None] = mapped_column(String(3))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    passport_number: Mapped[str | None] = mapped_column(String(40))
    passport_expires_on: Mapped[date | None] = mapped_column(Date)
    # given_name, family_name, organisation as the list of participants compares them
    given_key: Mapped[str] = mapped_column(LIST_KEY)
    family_key: Mapped[str] = mapped_column(LIST_KEY)
    organisation_key: Mapped[str] = mapped_column(LIST_KEY)
    checked_in_by: Mapped[str | None] = mapped_column(String(40))
    checked_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    meeting: Mapped[Meeting] = relationship(lazy="joined")

    @property
    def reference(self):
        """The reference a person reads and quotes: COP-2/REG/0042."""
        return registration_reference(self.meeting.code, self.number)


def registration_reference(meeting_code, number):
    return f"{meeting_code}/REG/{number:04d}"


# The columns a registration's answer (RegistrationSchema) is made from, and only those
# (not personal data, nor sort keys): what lists read as plain rows, without an ORM object
# and its joined meeting per registration.
REGISTRATION_ITEM_COLUMNS = (
    "id", "meeting_id", "number", "given_name", "family_name", "email", "country", "region",
    "category", "organisation", "funding_requested", "visa_letter_requested", "language",
    "funding_eligible", "priority", "funded", "status", "checked_in_by", "checked_in_at",
    "created_at", "updated_at", "version")


class Credentials(Base):
    """Credentials presented for one Party representative, and their examination."""

    __tablename__ = "credentials"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    registration_id: Mapped[str] = mapped_column(ForeignKey("registrations.id"), index=True)
    country: Mapped[str] = mapped_column(String(3))
    issued_by: Mapped[str] = mapped_column(String(40))
    issuing_authority: Mapped[str | None] = mapped_column(String(300))
    issued_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    registration: Mapped[Registration] = relationship(lazy="joined")


class ObserverRequest(Base):
    """An organisation's request to attend one meeting as an observer."""

    __tablename__ = "observer_requests"
    __table_args__ = (
        Index("uq_observer_request", "meeting_id", "organisation_key", unique=True),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    organisation: Mapped[str] = mapped_column(String(300))
    organisation_key: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10))
    country: Mapped[str | None] = mapped_column(String(3))
    contact_email: Mapped[str] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(300))
    competence: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AdmittedObserver(Base):
    """An organisation the Conference admitted once, and so for every later meeting."""

    __tablename__ = "admitted_observers"

    organisation_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(300))
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"))
    request_id: Mapped[str] = mapped_column(ForeignKey("observer_requests.id"))
    admitted_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SideEvent(Base):
    """A request to hold a side event during a meeting, and where and when it was placed."""

    __tablename__ = "side_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    organiser: Mapped[str] = mapped_column(String(300))
    organiser_code: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str] = mapped_column(String(254))
    description: Mapped[str | None] = mapped_column(Text)
    expected_participants: Mapped[int | None] = mapped_column(Integer)
    preferred_starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    preferred_ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20))
    room: Mapped[str | None] = mapped_column(String(100))
    room_key: Mapped[str | None] = mapped_column(String(100))
    starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Invitation(Base):
    """The letter inviting one Party (its focal point) or one admitted observer to a
    meeting, and how far it got: issued, sent, nominations received."""

    __tablename__ = "invitations"
    __table_args__ = (Index("uq_invitation", "meeting_id", "addressee", unique=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    # party-PER for a Party's focal point; an admitted observer's organisation key
    addressee: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10))  # party | observer
    country: Mapped[str | None] = mapped_column(String(3))
    organisation: Mapped[str] = mapped_column(String(300))  # as the letter names it
    language: Mapped[str] = mapped_column(String(2))
    funding_eligible: Mapped[bool] = mapped_column(Boolean)
    nominations_due: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(30))
    issued_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    nominations_received_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    meeting: Mapped[Meeting] = relationship(lazy="joined")

    @property
    def reference(self):
        """What the letter quotes: COP-2/INV/PER."""
        return f"{self.meeting.code}/INV/{self.country or self.id[:8]}"


class FocalPointAddress(AddressConfirmedByCode, Base):
    """An address for a Party focal point's mail (its invitations), used once the focal
    point confirmed it with the code mailed there (as digest addresses are)."""

    __tablename__ = "focal_point_addresses"
    __table_args__ = (Index("uq_focal_point_address", "country", "address", unique=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    country: Mapped[str] = mapped_column(String(3), index=True)


class InformationNote(Base):
    """A meeting's information note for participants, as documents published it
    (`document_published` of its `<prefix>/INF/1`): what participants are mailed."""

    __tablename__ = "information_notes"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    symbol: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(500))
    languages: Mapped[list] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Organisation(Base):
    """An organisation that is data rather than a line of the tokens file: a Party's
    focal point (`party-<ISO3>`), an observer organisation or a new partner. Its tokens
    are rows of `organisation_tokens` (coord.auth)."""

    __tablename__ = "organisations"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(3))
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class NominationLetter(Base):
    """The letter (PDF) by which a Party nominates its delegation to a meeting, as its
    focal point or mc uploaded it; one per country and meeting, the latest upload."""

    __tablename__ = "nomination_letters"
    __table_args__ = (
        Index("uq_nomination_letter", "meeting_id", "country", unique=True),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"))
    country: Mapped[str] = mapped_column(String(3))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(60))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
