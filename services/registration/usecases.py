"""Registration's service layer: each function is one request's work in one unit of work.

Entrypoints call these; tests can too, with a unit of work on a scratch database.
"""
import hashlib
import logging
import uuid
from dataclasses import dataclass
from operator import itemgetter
from datetime import date
from types import SimpleNamespace

from marshmallow import ValidationError
from sqlalchemy import case, extract, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from coord import corrections, scope, waiting
from coord.db import utcnow
from coord.envelope import Event
from coord.errors import Conflict, Forbidden, Invalid, NotFound
from coord.mail import queue_mail
from coord.http import decode_cursor, keyset_slice, page
from coord.vocabulary import ORGANISER
from coord.waiting import Wait
from services.registration import badges, delegation_csv, domain, organisations
from services.registration.countries import all_countries, country
from services.registration.letters import LetterFacts, render_letter, translated
from services.registration.letters.typesetting import check_printable
from services.registration.models import (
    CORRECTIONS, MAIL_OUTBOX, PARTIES, REGISTRATION_ITEM_COLUMNS, AdmittedObserver,
    Credentials, Meeting, NominationLetter, ObserverRequest, Registration, SideEvent,
    registration_reference,
)
from services.registration.schemas import RegistrationCreateSchema

NOMINATION = RegistrationCreateSchema()
log = logging.getLogger(__name__)


def _get(session, model, id_, name):
    return _found(session.get(model, id_), name, id_)


def _locked(uow, model, id_, name):
    """The subject of a state change, locked before its status is read (uow.locked)."""
    return _found(uow.locked(model, id_), name, id_)


def _found(found, name, id_):
    if found is None:
        raise NotFound(f"No {name} with id {id_}.")
    return found


def get_meeting(uow, meeting_id):
    return _get(uow.session, Meeting, meeting_id, "meeting")


def meeting_by_code(uow, code):
    """A meeting as public URLs name it, by its code."""
    meeting = uow.session.scalar(select(Meeting).where(Meeting.code == code))
    if meeting is None:
        raise NotFound(f"No meeting with code {code}.")
    return meeting


def get_registration(uow, registration_id):
    return _get(uow.session, Registration, registration_id, "registration")


# Who reads a participant (coord.scope): mc; the organisation that nominated them; their
# country's focal point (party-<ISO3>); the desk that registered them on site.

def read_registration(uow, caller, registration_id):
    """A registration `caller` may read; 404, as for none, when it may not."""
    registration = uow.session.get(Registration, registration_id)
    if registration is not None and registration.country == scope.focal_point_country(
            caller):
        return registration
    return scope.readable(uow.session, PARTIES, caller, "registration", registration,
                          f"No registration with id {registration_id}.")


def _readable(statement, caller, registration_id=Registration.id,
              country_column=Registration.country):
    """`statement` cut to the participants `caller` reads (`read_registration`), in SQL."""
    focal_country = scope.focal_point_country(caller)
    own_country = (country_column == focal_country,) if focal_country else ()
    return scope.scoped(statement, caller, PARTIES, "registration", registration_id,
                        *own_country)


def _becomes_party(uow, registration, organisation):
    scope.become_parties(uow.session, PARTIES, "registration", registration.id, organisation)


def _flush_or_conflict(uow, message, code="duplicate", fields=None):
    """Flush, turning a unique-constraint race lost to another request into a 409."""
    try:
        uow.session.flush()
    except IntegrityError as exc:
        uow.session.rollback()
        raise Conflict(message, code=code, fields=fields) from exc


def _page_by_id(uow, statement, model, query):
    """One page of `statement`'s rows in id order, from the query's cursor on."""
    rows = uow.session.scalars(_from_cursor_by_id(statement, model, query)).all()
    return page(rows, query["limit"], lambda row: row.id)


def _from_cursor_by_id(statement, model, query):
    """`statement` in id order from the query's cursor on, one row past the page (`page`
    tells by it whether there is a next one)."""
    position = decode_cursor(query["cursor"], expected=str)
    if position:
        statement = statement.where(model.id > position)
    return statement.order_by(model.id).limit(query["limit"] + 1)


def _filtered(statement, model, query, *names):
    """`statement` narrowed to the query's values for `names` (absent ones ignored)."""
    for name in names:
        if query.get(name) is not None:
            statement = statement.where(getattr(model, name) == query[name])
    return statement


# Meetings

def schedule_meeting(uow, caller, data):
    domain.check_meeting_dates(data["starts_on"], data["ends_on"])
    country(data["country"])
    _check_meeting_printable(data["title"], data["city"], data["translations"])
    if uow.session.scalar(select(Meeting.id).where(Meeting.code == data["code"])):
        raise Conflict(f"A meeting with code {data['code']} already exists.",
                       code="duplicate", fields={"code": ["Already used."]})
    meeting = Meeting(id=str(uuid.uuid4()), created_at=utcnow(), **data)
    uow.session.add(meeting)
    _flush_or_conflict(uow, f"A meeting with code {data['code']} already exists.")
    uow.emit(_meeting_event("meeting_scheduled", meeting, caller))
    return meeting


def _check_meeting_printable(title, city, translations):
    """Letters and lists print a meeting's title and city in every language it has."""
    check_printable({"title": title, "city": city, **{
        f"translations.{language}.{name}": value
        for language, fields in (translations or {}).items() for name, value in fields.items()}})


def _meeting_event(event_type, meeting, caller, **extra):
    return Event(event_type, "meeting", meeting.id, actor=caller, meeting_id=meeting.id,
                 data={**_meeting_data(meeting), **extra})


def _meeting_data(meeting):
    """What `meeting_scheduled` says of a meeting, and `meeting_snapshot` answers."""
    return {"code": meeting.code, "title": meeting.title, "kind": meeting.kind,
            "city": meeting.city, "country": meeting.country,
            "starts_on": meeting.starts_on.isoformat(), "ends_on": meeting.ends_on.isoformat(),
            "symbol_prefix": meeting.symbol_prefix, "translations": meeting.translations,
            "waiting": None}


def meeting_snapshot(uow, meeting_id):
    """A meeting as its `meeting_scheduled` envelope names it (`subject`, `data`), for a
    service asking over RPC before that event reaches it (coord.rpc); None when unknown."""
    meeting = uow.session.get(Meeting, str(meeting_id))
    if meeting is None:
        return None
    return {"subject": {"kind": "meeting", "id": meeting.id}, "data": _meeting_data(meeting)}


# Corrections (coord.corrections): what may change, and what follows.

MEETING_CORRECTABLE = ("title", "city", "country", "starts_on", "ends_on", "translations")
# Names, contact, organisation, letters' language and visa data; not the country,
# category or funding, on which the funding quota, the region and travel were decided.
PERSONAL_DATA = ("email", "nationality", "date_of_birth", "passport_number",
                 "passport_expires_on")
REGISTRATION_CORRECTABLE = ("given_name", "family_name", "organisation", "title", "function",
                            "language", "visa_letter_requested") + PERSONAL_DATA


def correct_meeting(uow, caller, meeting_id, changes, if_match):
    """Correct a meeting's title, venue, dates or translations (`meeting_updated`):
    documents move their deadlines, travel recomputes unpaid entitlements."""
    meeting = _locked(uow, Meeting, meeting_id, "meeting")
    corrections.check_if_match(if_match, meeting.version, "meeting")
    corrections.check_correctable(changes, MEETING_CORRECTABLE, "meeting")
    domain.check_meeting_dates(changes.get("starts_on", meeting.starts_on),
                               changes.get("ends_on", meeting.ends_on))
    if "country" in changes:
        country(changes["country"])
    _check_meeting_printable(changes.get("title", meeting.title), changes.get("city", meeting.city),
                             changes.get("translations", meeting.translations))
    changed = corrections.apply(meeting, changes)
    if changed:
        corrections.record(uow.session, CORRECTIONS, "meeting", meeting, caller, changed)
        uow.emit(_meeting_event("meeting_updated", meeting, caller, changes=changed))
    return meeting


def correct_registration(uow, caller, registration_id, changes, if_match):
    """Correct a nominee's or participant's names, e-mail, organisation or visa request
    (`registration_updated`); nothing else follows (travel keeps its case). A rejected
    or withdrawn registration is closed: 409."""
    registration = _locked(uow, Registration, registration_id, "registration")
    corrections.check_if_match(if_match, registration.version, "registration")
    corrections.check_correctable(changes, REGISTRATION_CORRECTABLE, "registration")
    domain.check_correctable_status(registration.status)
    _check_person(changes)
    if "email" in changes:
        changes = {**changes, "email": changes["email"].lower()}
    changed = corrections.apply(registration, changes)
    if not changed:
        return registration
    for name, key in _list_keys(registration.given_name, registration.family_name,
                                registration.organisation).items():
        setattr(registration, name, key)
    registration.updated_at = utcnow()
    meeting = get_meeting(uow, registration.meeting_id)
    _flush_or_conflict(uow, f"{registration.email} is already registered for {meeting.code}.")
    corrections.record(uow.session, CORRECTIONS, "registration", registration, caller, changed)
    _emit_registration(
        uow, "registration_updated", registration, caller, meeting,
        owner=ORGANISER if registration.status == domain.NOMINATED else None,
        changes=_without_personal_data(changed))
    return registration


def _without_personal_data(changed):
    """Events go to every partner: a correction of an e-mail or of visa data says only
    that it changed."""
    return {name: ({"before": None, "after": None} if name in PERSONAL_DATA else change)
            for name, change in changed.items()}


def history(uow, kind, subject_id, query):
    """A meeting's corrections, oldest first (404 for an unknown one)."""
    get_meeting(uow, subject_id)
    return corrections.history(uow.session, CORRECTIONS, kind, subject_id, query)


def registration_history(uow, caller, registration_id, query):
    """A registration's corrections, for those who read it."""
    read_registration(uow, caller, registration_id)
    return corrections.history(uow.session, CORRECTIONS, "registration", registration_id,
                               query)


def list_meetings(uow, query):
    statement = _filtered(select(Meeting), Meeting, query, "kind")
    if query.get("year"):
        statement = statement.where(extract("year", Meeting.starts_on) == query["year"])
    meetings = uow.session.scalars(keyset_slice(
        statement, query, Meeting.starts_on, Meeting.id, date.fromisoformat)).all()
    return page(meetings, query["limit"], lambda m: [m.starts_on.isoformat(), m.id])


# Registrations

def register(uow, caller, meeting_id, data):
    """One nomination. Every check, read and write that needs no reference number comes
    first (its event carries none); the number is taken last (`_take_numbers`), so the
    meeting's row is locked only for the insert and the commit, not through the work of
    every nomination queued behind it. An e-mail registered concurrently after the check
    loses on the unique index: 409."""
    meeting = get_meeting(uow, meeting_id)
    origin = country(data["country"])
    _check_person(data)
    _check_nominator(uow, caller, meeting, data)
    email = data["email"].lower()
    already, taken = f"{email} is already registered for {meeting.code}.", {
        "email": ["Already registered."]}  # found now, or lost to a concurrent nomination
    if _registered_emails(uow, meeting, [email]):
        raise Conflict(already, code="duplicate", fields=taken)
    registration = Registration(meeting=meeting, **_registration_row(
        meeting, data, origin, None, utcnow()))
    _becomes_party(uow, registration, caller)  # its nominator
    _emit_registration(uow, "registration_submitted", registration, caller, meeting,
                       owner=ORGANISER)
    registration.number = _take_numbers(uow, meeting)
    uow.session.add(registration)
    _flush_or_conflict(uow, already, fields=taken)
    return registration


DELEGATION_BATCH = 1000  # a file's rows checked against the database and inserted at once
DELEGATION_PROGRESS = 10_000  # a log line each time this many more rows have been read


@dataclass(frozen=True)
class Nominee:
    """Whom a nomination is for, as invitations are addressed: a category, a country and
    an organisation."""

    category: str
    country: str
    organisation: str


@dataclass(frozen=True)
class DelegationImported:
    """What a delegation file created: `count` registrations numbered from
    `first_number` (in the file's order), for these `nominees`."""

    meeting_id: str
    meeting_code: str
    first_number: int
    count: int
    nominees: frozenset


def register_delegation(uow, caller, meeting_id, chunks, limits):
    """A delegation's nominations from CSV, read as it arrives (`chunks` of the body):
    every row or none (400 naming each bad row); `limits`: the operator's
    delegation_csv.Limits. The answer's registrations are read back from the database
    (`created_registrations`) once this has committed. The file's count is known only at
    its end, so the meeting's row is locked from the start: its rows are numbered on from
    the meeting's last number, which moves past them when the file is done."""
    meeting = _locked(uow, Meeting, meeting_id, "meeting")
    delegation = _DelegationImport(uow, caller, meeting)
    for number, cells, shape_problem in delegation_csv.read_rows(chunks, limits):
        delegation.take(number, cells, shape_problem)
    return delegation.finish()


class _DelegationImport:
    """One delegation file going into the database, in batches, inside the caller's one
    transaction: a file of 100,000 rows is never held whole, nor are its registrations or
    their events. Kept meanwhile: the file's e-mails (to name a repeat's first row), the
    errors, and whom the file nominates.

    Rows are checked one by one as the reader hands them over; each batch is checked
    against the database for e-mails registered before, then inserted with its events
    (Core, one statement per table). After the first bad row nothing more is inserted but
    every row is still checked, so the 400 names them all; the unit of work then rolls
    back what the earlier batches inserted.
    """

    def __init__(self, uow, caller, meeting):
        self.uow, self.caller, self.meeting = uow, caller, meeting
        self.first_number = meeting.last_number + 1
        self.read = self.created = 0
        self.errors = {}
        self.first_row = {}  # e-mail: the row it first appears on
        self.batch = []
        self.nominees = set()

    def take(self, number, cells, shape_problem):
        self.read += 1
        if self.read % DELEGATION_PROGRESS == 0:
            log.info("delegation file for %s: %d rows read, %d imported, %d not valid",
                     self.meeting.code, self.read, self.created, len(self.errors))
        if shape_problem:
            self.errors[delegation_csv.row_label(number)] = shape_problem
            return
        try:
            data = NOMINATION.load(cells)
            origin = country(data["country"])
            _check_person(data)
        except ValidationError as exc:
            self.errors[delegation_csv.row_label(number)] = exc.messages
            return
        except Invalid as exc:
            self.errors[delegation_csv.row_label(number)] = exc.fields
            return
        _check_nominator(self.uow, self.caller, self.meeting, data)
        self.batch.append((number, data, origin))
        if len(self.batch) == DELEGATION_BATCH:
            self._flush()

    def finish(self):
        self._flush()
        if self.errors:
            raise Invalid(f"{len(self.errors)} row(s) of the file are not valid; nothing was "
                          "imported.", code="invalid_rows", fields=dict(sorted(
                              self.errors.items(), key=lambda item: int(item[0].split()[-1]))))
        _take_numbers(self.uow, self.meeting, self.created)  # those its rows were given
        log.info("delegation file for %s: %d registrations imported", self.meeting.code,
                 self.created)
        return DelegationImported(self.meeting.id, self.meeting.code, self.first_number,
                                  self.created,
                                  frozenset(self.nominees))

    def _flush(self):
        batch, self.batch = self.batch, []
        self._note_email_clashes(batch)
        if self.errors or not batch:
            return  # nothing of a refused file is inserted any more
        now = utcnow()
        rows = [_registration_row(self.meeting, data, origin, self.first_number + self.created
                                  + offset, now)
                for offset, (_, data, origin) in enumerate(batch)]
        self.uow.session.execute(insert(Registration.__table__), rows)
        scope.become_parties_to_each(self.uow.session, PARTIES, "registration",
                                     [row["id"] for row in rows], self.caller)  # nominator
        self.uow.emit_many(_registration_event(
            "registration_submitted", SimpleNamespace(**row), self.caller, self.meeting,
            owner=ORGANISER) for row in rows)
        self.created += len(rows)
        self.nominees.update(Nominee(row["category"], row["country"], row["organisation"])
                             for row in rows)

    def _note_email_clashes(self, batch):
        """Rows whose e-mail was registered before this file, or repeats an earlier row's."""
        taken = _registered_emails(self.uow, self.meeting, [data["email"] for _, data, _ in batch],
                                   numbered_before=self.first_number)
        for number, data, _ in batch:
            email = data["email"].lower()
            if email in taken:
                self.errors[delegation_csv.row_label(number)] = {
                    "email": [f"Already registered for {self.meeting.code}."]}
            elif email in self.first_row:
                self.errors[delegation_csv.row_label(number)] = {
                    "email": [f"Same email as row {self.first_row[email]}."]}
            self.first_row.setdefault(email, number)


def created_registrations(engine, imported, columns, page_size=DELEGATION_BATCH):
    """The registrations a delegation file created, in the file's order, a page at a time,
    as rows of the named `columns` (no ORM object, nor its joined meeting, per row): read
    after its unit of work committed, each page on a connection held only while it is
    read, for the streamed answer (the worker has returned by then)."""
    registrations = Registration.__table__
    end = imported.first_number + imported.count
    for start in range(imported.first_number, end, page_size):
        with engine.connect() as connection:
            yield connection.execute(select(*(registrations.c[name] for name in columns)).where(
                registrations.c.meeting_id == imported.meeting_id,
                registrations.c.number >= start,
                registrations.c.number < min(start + page_size, end),
            ).order_by(registrations.c.number)).mappings().all()


def _check_nominator(uow, caller, meeting, data):
    organisations.check_may_act_for(uow, caller, meeting, country=data["country"].upper(),
                                    category=data["category"],
                                    organisation_name=data["organisation"])


def _check_acts_for(uow, caller, registration):
    """A focal point or observer organisation acts only on its own people (403)."""
    organisations.check_may_act_for(
        uow, caller, registration.meeting, country=registration.country,
        category=registration.category, organisation_name=registration.organisation)


def _registered_emails(uow, meeting, emails, numbered_before=None):
    """Which of `emails` are registered for the meeting (only among registrations
    numbered before `numbered_before`, when given: those before a file's own)."""
    lowered = {email.lower() for email in emails}
    statement = select(Registration.email).where(
        Registration.meeting_id == meeting.id, Registration.email.in_(lowered))
    if numbered_before is not None:
        statement = statement.where(Registration.number < numbered_before)
    return set(uow.session.scalars(statement))


def _take_numbers(uow, meeting, count=1):
    """The first of `count` reference numbers taken for the meeting's new registrations:
    its counter moved on in one `UPDATE ... RETURNING`, which locks the meeting's row
    (PostgreSQL) until this unit of work ends. Concurrent nominations take numbers one
    after the other, and one that rolls back gives its numbers back: unique and without
    gaps."""
    last = uow.session.scalar(update(Meeting).where(Meeting.id == meeting.id).values(
        last_number=Meeting.last_number + count).returning(Meeting.last_number),
        execution_options={"synchronize_session": "fetch"})
    return last - count + 1


def _check_person(data):
    """What letters and badges print about a person must be printable (400 otherwise)."""
    check_printable({name: data.get(name) for name in (
        "given_name", "family_name", "organisation", "title", "function")})


def _registration_row(meeting, data, origin, number, now):
    """A new registration's columns, from a nomination's `data` (every column present,
    as a batch insert of many rows needs)."""
    return {
        **dict.fromkeys(NOMINATION.fields), **data,
        "id": str(uuid.uuid4()), "meeting_id": meeting.id, "number": number,
        "email": data["email"].lower(), "country": origin.alpha3, "region": origin.region,
        "funding_eligible": origin.funding_eligible, "priority": origin.priority,
        "funded": False, "status": domain.NOMINATED, "created_at": now, "updated_at": now,
        **_list_keys(data["given_name"], data["family_name"], data["organisation"])}


def _list_keys(given_name, family_name, organisation):
    """The registration's names as the list of participants sorts them."""
    return {"given_key": domain.list_key(given_name),
            "family_key": domain.list_key(family_name),
            "organisation_key": domain.list_key(organisation)}


def confirm(uow, caller, registration_id, funded, send_mail=False):
    registration = _locked(uow, Registration, registration_id, "registration")
    new_status = domain.next_status(registration.status, "confirm")
    if funded:
        origin = country(registration.country)
        funded_already = uow.session.scalar(select(Registration.id).where(
            Registration.meeting_id == registration.meeting_id,
            Registration.country == registration.country, Registration.funded.is_(True),
            Registration.status.in_(domain.PARTICIPATING)))
        domain.check_funding(country_name=origin.name, eligible=origin.funding_eligible,
                             funded_from_country=bool(funded_already))
    registration.funded = funded
    _move(uow, caller, registration, new_status, "registration_confirmed")
    if send_mail:
        _queue_letters(uow, registration)
    return registration


LETTER_MAIL = {
    "en": ("Your registration for {title} is confirmed ({reference})",
           "Dear {name},\n\nYour registration for the {title} ({code}) in {city} is confirmed. "
           "Your letters are attached.\n\nSecretariat of the Minamata Convention on Mercury\n"),
    "fr": ("Votre inscription à la {title} est confirmée ({reference})",
           "Madame, Monsieur,\n\nVotre inscription à la {title} ({code}), à {city}, est "
           "confirmée. Vos lettres sont jointes.\n\nSecrétariat de la Convention de Minamata "
           "sur le mercure\n"),
    "es": ("Su inscripción en la {title} está confirmada ({reference})",
           "Estimado/a {name}:\n\nSu inscripción en la {title} ({code}), en {city}, está "
           "confirmada. Adjuntamos sus cartas.\n\nSecretaría del Convenio de Minamata sobre el "
           "Mercurio\n"),
}


def _queue_letters(uow, registration):
    """The confirmation (and the visa letter, if asked for) to the nomination's address,
    in the participant's language (English where no mail wording exists yet)."""
    meeting = registration.meeting
    language = registration.language if registration.language in LETTER_MAIL else "en"
    letter_language = (registration.language
                       if registration.language in domain.LETTER_LANGUAGES else "en")
    title, _ = translated(meeting.title, meeting.translations or {}, language, "title")
    city, _ = translated(meeting.city, meeting.translations or {}, language, "city")
    subject, body = LETTER_MAIL[language]
    facts = {"title": title, "city": city, "code": meeting.code,
             "reference": registration.reference,
             "name": f"{registration.given_name} {registration.family_name}"}
    kinds = ("confirmation", "visa") if registration.visa_letter_requested else ("confirmation",)
    queue_mail(uow.session, MAIL_OUTBOX, to=registration.email,
               subject=subject.format(**facts), body=body.format(**facts), language=language,
               kind="letters", about_id=registration.id, attachments=[
                   {"letter": kind, "registration_id": registration.id,
                    "lang": letter_language,
                    "filename": f"{meeting.code}-{kind}-{letter_language}.pdf"}
                   for kind in kinds])


def reject(uow, caller, registration_id):
    registration = _locked(uow, Registration, registration_id, "registration")
    return _move(uow, caller, registration, domain.next_status(registration.status, "reject"),
                 "registration_rejected")


def withdraw(uow, caller, registration_id):
    """Withdraw a nominee or participant; a funded one frees the country's funded place."""
    registration = _locked(uow, Registration, registration_id, "registration")
    _check_acts_for(uow, caller, registration)
    return _move(uow, caller, registration,
                 domain.next_status(registration.status, "withdraw"), "registration_withdrawn")


def check_in(uow, caller, registration_id):
    """On-site registration at the venue, by the organiser or a partner at the desk."""
    registration = _locked(uow, Registration, registration_id, "registration")
    new_status = domain.next_status(registration.status, "check-in")
    registration.checked_in_by, registration.checked_in_at = caller, utcnow()
    _becomes_party(uow, registration, caller)  # the desk that registered them on site
    return _move(uow, caller, registration, new_status, "participant_checked_in")


def _move(uow, caller, registration, new_status, event_type):
    registration.status, registration.updated_at = new_status, utcnow()
    # Only the one-funded-participant-per-country index can refuse a change of status.
    _flush_or_conflict(uow, "Another participant from this country was just funded.",
                       code="funding_quota")
    _emit_registration(uow, event_type, registration, caller,
                       get_meeting(uow, registration.meeting_id), owner=None)
    return registration


def _waiting(owner, action):
    """`data.waiting` (coord.waiting) of an item waiting on `owner` (None: on nobody)."""
    return waiting.as_data(Wait(owner, action) if owner else None)


def _emit_registration(uow, event_type, registration, caller, meeting, *, owner, **extra):
    uow.emit(_registration_event(event_type, registration, caller, meeting, owner=owner,
                                 **extra))


def _registration_event(event_type, registration, caller, meeting, *, owner, **extra):
    return Event(
        event_type, "registration", registration.id, actor=caller, owner=owner,
        meeting_id=registration.meeting_id,
        data={"meeting_code": meeting.code, "given_name": registration.given_name,
              "family_name": registration.family_name, "country": registration.country,
              "region": registration.region, "category": registration.category,
              "organisation": registration.organisation, "status": registration.status,
              "funding_requested": registration.funding_requested,
              "funding_eligible": registration.funding_eligible,
              "funded": registration.funded, "priority": registration.priority,
              "waiting": _waiting(owner, domain.ACTIONS["registration"]), **extra})


_ITEM_COLUMNS = tuple(Registration.__table__.c[name] for name in REGISTRATION_ITEM_COLUMNS)


def list_registrations(uow, caller, meeting_id, query):
    """The meeting's registrations `caller` reads, filtered: a page read as plain rows of
    only the columns RegistrationSchema shows, each with its reference and etag. ORM
    objects, each with its joined meeting and every column parsed, made this use case
    half of a list request's time; the rows are read on the session's connection, past
    the ORM's result layer, which had cost as much as the query. The meeting's code comes
    with each row; only a page with none asks whether the meeting exists (404), so a page
    is one statement."""
    statement = _filtered(_readable(select(*_ITEM_COLUMNS, Meeting.code).join(Meeting).where(
        Registration.meeting_id == meeting_id), caller),
        Registration, query, "status", "country", "category", "priority")
    rows = uow.session.connection().execute(
        _from_cursor_by_id(statement, Registration, query)).all()
    if not rows:
        _found(uow.session.scalar(select(Meeting.id).where(Meeting.id == meeting_id)),
               "meeting", meeting_id)
    items = []
    for *columns, code in rows:
        item = dict(zip(REGISTRATION_ITEM_COLUMNS, columns))
        item["reference"] = registration_reference(code, item["number"])
        item["etag"] = corrections.etag(item["version"])
        items.append(item)
    return page(items, query["limit"], itemgetter("id"))


PARTICIPANT_COLUMNS = (Registration.id, Registration.title, Registration.given_name,
                       Registration.family_name, Registration.organisation,
                       Registration.status, Registration.category, Registration.country)


def participants(uow, caller, meeting_id, today=None):
    """The list of participants (confirmed and checked in) `caller` reads: its head
    (meeting, edition, total), provisional until the meeting has ended, final after; and
    the statement that reads its people in the list's order (`participants_in_order`)."""
    meeting = get_meeting(uow, meeting_id)
    people = _readable(select(*PARTICIPANT_COLUMNS).where(
        Registration.meeting_id == meeting.id,
        Registration.status.in_(domain.PARTICIPATING)), caller)
    head = {"meeting_id": meeting.id, "meeting_code": meeting.code,
            "meeting_title": meeting.title, "city": meeting.city,
            "translations": meeting.translations or {},
            "starts_on": meeting.starts_on, "ends_on": meeting.ends_on,
            "edition": "final" if (today or date.today()) > meeting.ends_on else "provisional",
            "total": uow.session.scalar(select(func.count()).select_from(people.subquery()))}
    return head, people.order_by(*_LIST_ORDER)


def _list_order():
    """The list of participants as the UN issues it, sorted by the database: Parties, then
    observer States, each by country (domain.countries_in_list_order); then IGOs, NGOs,
    the secretariat and media, each by organisation; people by family then given name
    (domain.list_key, stored beside the names), the id last, so every reading agrees."""
    countries = domain.countries_in_list_order(
        {code: found.un_name for code, found in all_countries().items()})
    is_state = Registration.category.in_(domain.STATE_CATEGORIES)
    return (case({category: rank for rank, category in enumerate(domain.CATEGORIES)},
                 value=Registration.category),
            case((is_state, case({code: rank for rank, code in enumerate(countries)},
                                 value=Registration.country))),
            case((~is_state, Registration.organisation_key)),
            case((~is_state, Registration.organisation)),
            Registration.family_key, Registration.given_key, Registration.id)


_LIST_ORDER = _list_order()


def participants_in_order(engine, statement, batch=1000):
    """The people of the list (`participants`), each a row with its country's UN short
    name, fetched `batch` at a time: for a streamed answer, read after the worker has
    returned, on a connection of its own held until the last row (on SQLite, the
    process's one connection: other requests wait meanwhile). Plain dicts from Core rows:
    ORM result rows cost a second per 100,000 people."""
    un_names = {code: found.un_name for code, found in all_countries().items()}
    with engine.connect() as connection:  # Core rows: no ORM result processing per row
        rows = connection.execution_options(yield_per=batch).execute(statement)
        names = tuple(rows.keys())
        for row in rows:
            person = dict(zip(names, row))
            person["country_name"] = un_names[person["country"]]
            yield person


def letter_facts(uow, registration_id, kind):
    """What a confirmation or visa letter says; 409 when this registration gets none."""
    if kind not in domain.LETTER_KINDS:
        raise NotFound(f"There is no {kind!r} letter; letters are "
                       f"{' and '.join(domain.LETTER_KINDS)}.")
    registration = get_registration(uow, registration_id)
    domain.check_letter(kind, status=registration.status,
                        visa_letter_requested=registration.visa_letter_requested)
    meeting = registration.meeting
    return LetterFacts(
        reference=registration.reference, given_name=registration.given_name,
        family_name=registration.family_name, organisation=registration.organisation,
        country=registration.country, country_name=country(registration.country).name,
        funded=registration.funded, meeting_code=meeting.code, meeting_title=meeting.title,
        city=meeting.city, host_country=meeting.country,
        host_country_name=country(meeting.country).name,
        starts_on=meeting.starts_on, ends_on=meeting.ends_on,
        translations=meeting.translations or {}, title=registration.title,
        function=registration.function, nationality=registration.nationality,
        nationality_name=registration.nationality and country(registration.nationality).name,
        passport_number=registration.passport_number,
        passport_expires_on=registration.passport_expires_on,
        date_of_birth=registration.date_of_birth)


def readable_letter_facts(uow, caller, registration_id, kind):
    """`letter_facts` for those who read the registration."""
    read_registration(uow, caller, registration_id)
    return letter_facts(uow, registration_id, kind)


def mail_attachment(session, spec):
    """A mail's attachment, rendered when the mail is sent: (bytes, media type)."""
    facts = letter_facts(SimpleNamespace(session=session), spec["registration_id"],
                         spec["letter"])
    return render_letter(spec["letter"], spec["lang"], facts), "application/pdf"


def badge(uow, registration_id):
    """A participant's badge as PDF, with its reference; 409 for one not (yet) coming."""
    registration = get_registration(uow, registration_id)
    if registration.status not in domain.PARTICIPATING:
        raise Conflict(f"Badges are printed for confirmed participants; this registration "
                       f"is {registration.status}.", code="illegal_state")
    meeting = registration.meeting
    state = registration.category in domain.STATE_CATEGORIES
    pdf = badges.render_badge(
        name=" ".join(p for p in (registration.given_name, registration.family_name)),
        affiliation=(country(registration.country).un_name if state
                     else registration.organisation),
        category=registration.category, meeting_code=meeting.code,
        meeting_title=meeting.title, code=badges.badge_code(meeting.id, registration.id))
    return pdf, registration.reference


def scan_badge(uow, meeting_id, code):
    """The participant a badge code names, at this meeting's desk. A forged code, or a
    badge of another meeting, is refused and logged (with no personal data)."""
    meeting = get_meeting(uow, meeting_id)
    registration = uow.session.get(Registration, badges.registration_id_of(code))
    if registration is None or not badges.signature_matches(code, registration.meeting_id):
        log.warning("badge scan refused at %s: the code is not genuine", meeting.code)
        raise Invalid("This badge code is not genuine.", code="invalid_badge_code",
                      fields={"code": ["Not a genuine badge code."]})
    if registration.meeting_id != meeting.id:
        log.warning("badge scan refused at %s: a badge of %s", meeting.code,
                    registration.meeting.code)
        raise Conflict(f"This badge is for {registration.meeting.code}, not {meeting.code}.",
                       code="badge_of_other_meeting")
    return registration


def personal_data(uow, caller, registration_id):
    """A participant's visa data, for mc and whoever books their travel or pays their DSA
    only: 404 to those who may not read the participant at all, 403 to the others who
    may (a nominator, the desk that checked them in)."""
    registration = read_registration(uow, caller, registration_id)
    if not scope.is_party(uow.session, PARTIES, caller, TRAVEL_BOOKING, registration.id):
        raise Forbidden("Only the organiser and the offices that book this participant's "
                        "travel or pay their DSA read their personal data.")
    return registration


# The subject "who books a participant's travel or pays their DSA", keyed by registration
# id, in the parties table: travel decides it and says so in its events.
TRAVEL_BOOKING = "travel_booking"


def record_travel_owners(uow, envelope):
    """Travel routed a participant's case (`travel_case_opened`, `travel_case_rerouted`):
    its travel and DSA owners read the participant from now on, personal data included,
    and the owners before a re-routing keep reading ("now or before", coord.scope)."""
    data = envelope["data"]
    owners = (data.get("travel_owner"), data.get("dsa_owner"))
    for subject_type in ("registration", TRAVEL_BOOKING):
        scope.become_parties(uow.session, PARTIES, subject_type, data["registration_id"],
                             *owners)


# Nomination letters

def upload_nomination_letter(uow, caller, meeting_id, country_code, content):
    """Keep a Party's nomination letter for a meeting (mc, or that Party's focal point); a
    new upload replaces the last (`nomination_letter_received`)."""
    meeting = get_meeting(uow, meeting_id)
    origin = country(country_code)
    organisations.check_may_act_for_country(uow, caller, origin.alpha3)
    domain.check_nomination_letter(content)
    letter = uow.session.scalar(select(NominationLetter).where(
        NominationLetter.meeting_id == meeting.id, NominationLetter.country == origin.alpha3)
        .with_for_update())
    if letter is None:
        letter = NominationLetter(id=str(uuid.uuid4()), meeting_id=meeting.id,
                                  country=origin.alpha3)
        uow.session.add(letter)
    letter.content, letter.sha256 = content, hashlib.sha256(content).hexdigest()
    letter.uploaded_by, letter.uploaded_at = caller, utcnow()
    _flush_or_conflict(uow, f"A letter for {origin.alpha3} was just uploaded; try again.")
    uow.emit(Event(
        "nomination_letter_received", "nomination_letter", letter.id, actor=caller,
        owner=None, meeting_id=meeting.id,
        data={"meeting_code": meeting.code, "country": letter.country,
              "sha256": letter.sha256, "size": len(content), "waiting": None}))
    return letter


def nomination_letter(uow, caller, meeting_id, country_code):
    """The letter as uploaded (mc, or that Party's focal point); 404 when there is none."""
    meeting = get_meeting(uow, meeting_id)
    organisations.check_may_act_for_country(uow, caller, country_code.upper())
    letter = uow.session.scalar(select(NominationLetter).where(
        NominationLetter.meeting_id == meeting.id,
        NominationLetter.country == country_code.upper()))
    if letter is None:
        raise NotFound(f"No nomination letter of {country_code.upper()} for {meeting.code}.")
    return letter


# Credentials

def get_credentials(uow, caller, credentials_id):
    """Credentials, for those who read their holder's registration."""
    credentials = _get(uow.session, Credentials, credentials_id, "credentials")
    try:
        read_registration(uow, caller, credentials.registration_id)
    except NotFound:
        raise NotFound(f"No credentials with id {credentials_id}.") from None
    return credentials


def submit_credentials(uow, caller, registration_id, data):
    """Record the credentials a Party's representative presented, for examination."""
    registration = _locked(uow, Registration, registration_id, "registration")
    _check_acts_for(uow, caller, registration)
    domain.check_credentials_holder(category=registration.category,
                                    status=registration.status)
    outstanding = uow.session.scalar(select(Credentials.status).where(
        Credentials.registration_id == registration.id,
        Credentials.status.in_((domain.SUBMITTED, domain.ACCEPTED))))
    if outstanding:
        raise Conflict(f"This representative's credentials are already {outstanding}; new "
                       "ones can be presented only after deficient ones.", code="duplicate")
    credentials = Credentials(
        id=str(uuid.uuid4()), meeting_id=registration.meeting_id,
        registration_id=registration.id, registration=registration,
        country=registration.country, status=domain.SUBMITTED, created_at=utcnow(), **data)
    uow.session.add(credentials)
    uow.session.flush()
    _emit_credentials(uow, "credentials_submitted", credentials, caller, owner=ORGANISER)
    return credentials


def review_credentials(uow, caller, credentials_id, decision):
    credentials = _locked(uow, Credentials, credentials_id, "credentials")
    domain.check_undecided("credentials", credentials.status, domain.SUBMITTED)
    credentials.status, credentials.reason = decision["decision"], decision.get("reason")
    credentials.reviewed_at = utcnow()
    uow.session.flush()
    _emit_credentials(uow, "credentials_reviewed", credentials, caller, owner=None)
    return credentials


def _emit_credentials(uow, event_type, credentials, caller, *, owner):
    registration = credentials.registration
    uow.emit(Event(
        event_type, "credentials", credentials.id, actor=caller, owner=owner,
        meeting_id=credentials.meeting_id,
        data={"meeting_code": get_meeting(uow, credentials.meeting_id).code,
              "registration_id": registration.id, "given_name": registration.given_name,
              "family_name": registration.family_name, "country": credentials.country,
              "issued_by": credentials.issued_by,
              "decision": _decision(credentials.status, domain.SUBMITTED),
              "status": credentials.status, "reason": credentials.reason,
              "waiting": _waiting(owner, domain.ACTIONS["credentials"])}))


def list_credentials(uow, caller, meeting_id, query):
    get_meeting(uow, meeting_id)
    statement = _filtered(_readable(
        select(Credentials).where(Credentials.meeting_id == meeting_id), caller,
        Credentials.registration_id, Credentials.country),
        Credentials, query, "status", "country")
    return _page_by_id(uow, statement, Credentials, query)


def credentials_report(uow, caller, meeting_id):
    """Every Party with a representative expected (of those `caller` reads), and how its
    credentials stand."""
    meeting = get_meeting(uow, meeting_id)
    representatives = uow.session.scalars(_readable(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.category == domain.PARTY,
        Registration.status.in_((domain.NOMINATED,) + domain.PARTICIPATING)), caller)).all()
    latest = {}  # registration id -> its latest credentials
    for credentials in uow.session.scalars(select(Credentials).where(
            Credentials.meeting_id == meeting.id).order_by(Credentials.created_at)):
        latest[credentials.registration_id] = credentials
    countries = {}
    for person in sorted(representatives, key=lambda r: (r.family_name, r.given_name)):
        countries.setdefault(person.country, []).append(
            _representative(person, latest.get(person.id)))
    rows = sorted(({"country": code, "country_name": country(code).name,
                    "standing": domain.credentials_standing(
                        {r["status"] for r in people}),
                    "representatives": people} for code, people in countries.items()),
                  key=lambda row: row["country_name"])
    counts = {standing: sum(row["standing"] == standing for row in rows)
              for standing in domain.CREDENTIALS_STATUSES + ("none",)}
    return {"meeting_id": meeting.id, "meeting_code": meeting.code, "counts": counts,
            "countries": rows}


def _representative(registration, credentials):
    return {"registration_id": registration.id, "given_name": registration.given_name,
            "family_name": registration.family_name,
            "credentials_id": credentials.id if credentials else None,
            "status": credentials.status if credentials else None,
            "issued_by": credentials.issued_by if credentials else None,
            "reason": credentials.reason if credentials else None}


# Observer admission

# Observer requests are the secretariat's records of outside organisations (a contact
# address among them): no organisation with a token is party to one, so only mc reads them
# (coord.scope: the same rule as everywhere, with no parties recorded).

def get_observer_request(uow, caller, request_id):
    return scope.readable(uow.session, PARTIES, caller, "observer_request",
                          uow.session.get(ObserverRequest, request_id),
                          f"No observer request with id {request_id}.")


def request_observer_status(uow, caller, meeting_id, data):
    """Record an organisation's request; one admitted before is admitted again at once."""
    meeting = get_meeting(uow, meeting_id)
    if data.get("country"):
        country(data["country"])
    key = domain.organisation_key(data["organisation"])
    if uow.session.scalar(select(ObserverRequest.id).where(
            ObserverRequest.meeting_id == meeting.id,
            ObserverRequest.organisation_key == key)):
        raise Conflict(f"{data['organisation']} already asked to observe {meeting.code}.",
                       code="duplicate", fields={"organisation": ["Already requested."]})
    request = ObserverRequest(id=str(uuid.uuid4()), meeting_id=meeting.id,
                              organisation_key=key, status=domain.PENDING,
                              created_at=utcnow(), **data)
    uow.session.add(request)
    _flush_or_conflict(uow, f"{data['organisation']} already asked to observe {meeting.code}.")
    _emit_observer(uow, "observer_request_submitted", request, caller, owner=ORGANISER)
    earlier = _earlier_admission(uow, key, meeting)
    if earlier:
        _decide_observer(uow, caller, request, domain.ADMITTED,
                         f"Admitted at {earlier.code}; an admitted organisation stays "
                         "admitted for later meetings.")
    return request


def _earlier_admission(uow, key, meeting):
    """The meeting at which this organisation was admitted, if it precedes `meeting`."""
    return uow.session.scalar(
        select(Meeting).join(AdmittedObserver, AdmittedObserver.meeting_id == Meeting.id)
        .where(AdmittedObserver.organisation_key == key,
               Meeting.starts_on <= meeting.starts_on))


def decide_observer_request(uow, caller, request_id, decision):
    request = _locked(uow, ObserverRequest, request_id, "observer request")
    domain.check_undecided("observer request", request.status, domain.PENDING)
    return _decide_observer(uow, caller, request, decision["decision"], decision.get("reason"))


def _decide_observer(uow, caller, request, decision, reason):
    request.status, request.reason, request.decided_at = decision, reason, utcnow()
    if decision == domain.ADMITTED and not uow.session.get(
            AdmittedObserver, request.organisation_key):
        uow.session.add(AdmittedObserver(
            organisation_key=request.organisation_key, organisation=request.organisation,
            meeting_id=request.meeting_id, request_id=request.id,
            admitted_at=request.decided_at))
    _flush_or_conflict(uow, f"{request.organisation} was just admitted by another decision.")
    _emit_observer(uow, "observer_request_decided", request, caller, owner=None)
    return request


def _emit_observer(uow, event_type, request, caller, *, owner):
    uow.emit(Event(
        event_type, "observer_request", request.id, actor=caller, owner=owner,
        meeting_id=request.meeting_id,
        data={"meeting_code": get_meeting(uow, request.meeting_id).code,
              "organisation": request.organisation, "kind": request.kind,
              "decision": _decision(request.status, domain.PENDING),
              "status": request.status, "reason": request.reason,
              "waiting": _waiting(owner, domain.ACTIONS["observer_request"])}))


def list_observer_requests(uow, caller, meeting_id, query):
    get_meeting(uow, meeting_id)
    statement = _filtered(scope.scoped(
        select(ObserverRequest).where(ObserverRequest.meeting_id == meeting_id),
        caller, PARTIES, "observer_request", ObserverRequest.id), ObserverRequest, query,
        "status")
    return _page_by_id(uow, statement, ObserverRequest, query)


# Side events

# A side event is read by mc and by the partner that asked for it, its organiser
# (`organiser_code`); one asked for by mc for an outside organiser, by mc only.

def read_side_event(uow, caller, side_event_id):
    """A side event `caller` may read; 404, as for none, when it may not."""
    return _readable_side_event(uow, caller, uow.session.get(SideEvent, side_event_id),
                                side_event_id)


def _readable_side_event(uow, caller, side_event, side_event_id):
    if side_event is not None and side_event.organiser_code == caller:
        return side_event
    return scope.readable(uow.session, PARTIES, caller, "side_event", side_event,
                          f"No side event with id {side_event_id}.")


def request_side_event(uow, caller, meeting_id, data):
    """A request to hold a side event in a preferred slot within the meeting's dates.

    A partner asking for itself becomes the organiser who acts once it is accepted.
    """
    meeting = get_meeting(uow, meeting_id)
    domain.check_slot(data["preferred_starts_at"], data["preferred_ends_at"],
                      meeting_starts_on=meeting.starts_on, meeting_ends_on=meeting.ends_on,
                      start_field="preferred_starts_at", end_field="preferred_ends_at")
    side_event = SideEvent(id=str(uuid.uuid4()), meeting_id=meeting.id,
                           organiser_code=None if caller == ORGANISER else caller,
                           status=domain.REQUESTED, created_at=utcnow(), **data)
    uow.session.add(side_event)
    uow.session.flush()
    _emit_side_event(uow, "side_event_requested", side_event, caller, owner=ORGANISER)
    return side_event


def decide_side_event(uow, caller, side_event_id, decision):
    """Accept into a room and slot (409 if another accepted event holds it), or decline."""
    side_event = _locked(uow, SideEvent, side_event_id, "side event")
    domain.check_undecided("side event", side_event.status, domain.REQUESTED)
    if decision["decision"] == domain.ACCEPTED:
        _place(uow, side_event, decision)
    side_event.status, side_event.reason = decision["decision"], decision.get("reason")
    side_event.decided_at = utcnow()
    uow.session.flush()
    _emit_side_event(uow, "side_event_decided", side_event, caller,
                     owner=side_event.organiser_code if side_event.status == domain.ACCEPTED
                     else None)
    return side_event


def close_side_event(uow, caller, side_event_id, action):
    """The organiser (or mc) says an accepted side event was held, or is cancelled; a
    cancelled one no longer holds its room (only accepted ones do). They are the side
    event's only readers: anyone else gets the 404 of one that does not exist, which
    says nothing of its title or organiser."""
    side_event = _readable_side_event(uow, caller, uow.locked(SideEvent, side_event_id),
                                      side_event_id)
    side_event.status = domain.close_side_event(side_event.status, action)
    uow.session.flush()
    _emit_side_event(uow, f"side_event_{side_event.status}", side_event, caller, owner=None)
    return side_event


def _place(uow, side_event, decision):
    # Locks the meeting's row (PostgreSQL) so two acceptances into one room queue up.
    meeting = uow.session.scalar(
        select(Meeting).where(Meeting.id == side_event.meeting_id).with_for_update(of=Meeting))
    starts_at, ends_at = side_event.preferred_starts_at, side_event.preferred_ends_at
    if "starts_at" in decision:  # another slot than the one asked for (checked then)
        starts_at, ends_at = decision["starts_at"], decision["ends_at"]
        domain.check_slot(starts_at, ends_at, meeting_starts_on=meeting.starts_on,
                          meeting_ends_on=meeting.ends_on)
    room_key = domain.room_key(decision["room"])
    for other in uow.session.scalars(select(SideEvent).where(
            SideEvent.meeting_id == meeting.id, SideEvent.status.in_(domain.HOLDING_ROOMS),
            SideEvent.room_key == room_key)):
        if domain.overlaps(starts_at, ends_at, other.starts_at, other.ends_at):
            raise Conflict(f"{other.room} is taken from {other.starts_at.isoformat()} to "
                           f"{other.ends_at.isoformat()} by \"{other.title}\".",
                           code="room_taken", fields={"room": ["Taken at that time."]})
    side_event.room, side_event.room_key = decision["room"], room_key
    side_event.starts_at, side_event.ends_at = starts_at, ends_at


def _emit_side_event(uow, event_type, side_event, caller, *, owner):
    uow.emit(Event(
        event_type, "side_event", side_event.id, actor=caller, owner=owner,
        meeting_id=side_event.meeting_id,
        data={"meeting_code": get_meeting(uow, side_event.meeting_id).code,
              "title": side_event.title, "organiser": side_event.organiser,
              "organiser_code": side_event.organiser_code,
              "decision": _decision(side_event.status, domain.REQUESTED),
              "status": side_event.status, "room": side_event.room,
              "starts_at": _iso(side_event.starts_at), "ends_at": _iso(side_event.ends_at),
              "preferred_starts_at": _iso(side_event.preferred_starts_at),
              "preferred_ends_at": _iso(side_event.preferred_ends_at),
              "reason": side_event.reason,
              "waiting": _waiting(owner, domain.ACTIONS[
                  "side_event_requested" if side_event.status == domain.REQUESTED
                  else "side_event_accepted"])}))


def _decision(status, undecided):
    """An event's `decision`: the status once decided, null while awaiting it."""
    return None if status == undecided else status


def _iso(moment):
    return moment.isoformat() if moment else None


def list_side_events(uow, caller, meeting_id, query):
    get_meeting(uow, meeting_id)
    statement = _filtered(scope.scoped(
        select(SideEvent).where(SideEvent.meeting_id == meeting_id), caller, PARTIES,
        "side_event", SideEvent.id, SideEvent.organiser_code == caller), SideEvent, query,
        "status")
    return _page_by_id(uow, statement, SideEvent, query)
