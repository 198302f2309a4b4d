"""Registration's service layer: each function is one request's work in one unit of work.

Entrypoints call these; tests can too, with a unit of work on a scratch database.
"""
import uuid

from sqlalchemy import extract, select
from sqlalchemy.exc import IntegrityError

from coord.db import utcnow
from coord.envelope import Event
from coord.errors import Conflict, NotFound
from coord.http import decode_cursor, page
from coord.vocabulary import ORGANISER
from services.registration import domain
from services.registration.countries import country
from services.registration.models import Meeting, Registration


def _get(session, model, id_):
    found = session.get(model, id_)
    if found is None:
        raise NotFound(f"No {model.__tablename__[:-1]} with id {id_}.")
    return found


def get_meeting(uow, meeting_id):
    return _get(uow.session, Meeting, meeting_id)


def get_registration(uow, registration_id):
    return _get(uow.session, Registration, registration_id)


def schedule_meeting(uow, caller, data):
    domain.check_meeting_dates(data["starts_on"], data["ends_on"])
    country(data["country"])
    if uow.session.scalar(select(Meeting.id).where(Meeting.code == data["code"])):
        raise Conflict(f"A meeting with code {data['code']} already exists.",
                       code="duplicate", fields={"code": ["Already used."]})
    meeting = Meeting(id=str(uuid.uuid4()), created_at=utcnow(), **data)
    uow.session.add(meeting)
    uow.session.flush()
    uow.emit(Event(
        "meeting_scheduled", "meeting", meeting.id, actor=caller, meeting_id=meeting.id,
        data={"code": meeting.code, "title": meeting.title, "kind": meeting.kind,
              "city": meeting.city, "country": meeting.country,
              "starts_on": meeting.starts_on.isoformat(), "ends_on": meeting.ends_on.isoformat(),
              "symbol_prefix": meeting.symbol_prefix}))
    return meeting


def list_meetings(uow, query):
    statement = select(Meeting).order_by(Meeting.starts_on, Meeting.id)
    if query.get("kind"):
        statement = statement.where(Meeting.kind == query["kind"])
    if query.get("year"):
        statement = statement.where(extract("year", Meeting.starts_on) == query["year"])
    position = decode_cursor(query["cursor"], expected=list)
    if position:
        starts_on, last_id = position
        statement = statement.where(
            (Meeting.starts_on > starts_on) |
            ((Meeting.starts_on == starts_on) & (Meeting.id > last_id)))
    meetings = uow.session.scalars(statement.limit(query["limit"] + 1)).all()
    return page(meetings, query["limit"], lambda m: [m.starts_on.isoformat(), m.id])


def register(uow, caller, meeting_id, data):
    meeting = get_meeting(uow, meeting_id)
    origin = country(data["country"])
    email = data["email"].lower()
    duplicate = uow.session.scalar(select(Registration.id).where(
        Registration.meeting_id == meeting.id, Registration.email == email))
    if duplicate:
        raise Conflict(f"{email} is already registered for {meeting.code}.",
                       code="duplicate", fields={"email": ["Already registered."]})
    now = utcnow()
    registration = Registration(
        id=str(uuid.uuid4()), meeting_id=meeting.id, email=email,
        country=origin.alpha3, region=origin.region, funding_eligible=origin.funding_eligible,
        priority=origin.priority, funded=False, status=domain.NOMINATED,
        created_at=now, updated_at=now,
        **{k: v for k, v in data.items() if k not in ("email", "country")})
    uow.session.add(registration)
    _flush_or_conflict(uow, f"{email} is already registered for {meeting.code}.")
    uow.emit(_registration_event("registration_submitted", registration, caller,
                                 owner=ORGANISER, meeting=meeting))
    return registration


def confirm(uow, caller, registration_id, funded):
    registration = get_registration(uow, registration_id)
    meeting = get_meeting(uow, registration.meeting_id)
    new_status = domain.next_status(registration.status, "confirm")
    if funded:
        origin = country(registration.country)
        funded_already = uow.session.scalar(select(Registration.id).where(
            Registration.meeting_id == registration.meeting_id,
            Registration.country == registration.country, Registration.funded.is_(True)))
        domain.check_funding(country_name=origin.name, eligible=origin.funding_eligible,
                             funded_from_country=bool(funded_already))
    registration.status, registration.funded, registration.updated_at = (
        new_status, funded, utcnow())
    _flush_or_conflict(uow, "Another participant from this country was just funded.",
                       code="funding_quota")
    uow.emit(_registration_event("registration_confirmed", registration, caller, owner=None,
                                 meeting=meeting))
    return registration


def _flush_or_conflict(uow, message, code="duplicate"):
    """Flush, turning a unique-constraint race lost to another request into a 409."""
    try:
        uow.session.flush()
    except IntegrityError as exc:
        uow.session.rollback()
        raise Conflict(message, code=code) from exc


def _registration_event(event_type, registration, caller, *, owner, meeting):
    return Event(
        event_type, "registration", registration.id, actor=caller, owner=owner,
        meeting_id=registration.meeting_id,
        data={"meeting_code": meeting.code, "given_name": registration.given_name,
              "family_name": registration.family_name, "country": registration.country,
              "region": registration.region, "category": registration.category,
              "organisation": registration.organisation, "status": registration.status,
              "funding_requested": registration.funding_requested,
              "funding_eligible": registration.funding_eligible,
              "funded": registration.funded, "priority": registration.priority})


def list_registrations(uow, meeting_id, query):
    get_meeting(uow, meeting_id)
    statement = select(Registration).where(Registration.meeting_id == meeting_id)
    if query.get("status"):
        statement = statement.where(Registration.status == query["status"])
    position = decode_cursor(query["cursor"], expected=str)
    if position:
        statement = statement.where(Registration.id > position)
    registrations = uow.session.scalars(
        statement.order_by(Registration.id).limit(query["limit"] + 1)).all()
    return page(registrations, query["limit"], lambda r: r.id)
