"""Documents' service layer: each function is one request's work in one unit of work.

Entrypoints call these; tests can too, with a unit of work on a scratch database.
"""
import hashlib
import logging
import uuid
from datetime import date

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from coord.auth import require
from coord.db import utcnow
from coord import corrections, scope, waiting
from coord.envelope import Event
from coord.errors import Conflict, Invalid, NotFound
from coord.http import keyset_slice, page, utc_timestamp
from coord.vocabulary import LANGUAGES, ORGANISER
from services.documents import domain
from services.documents.models import (
    CORRECTIONS, PARTIES, Contribution, Document, LanguageVersion, LateNotice, Meeting, SymbolCounter,
)

log = logging.getLogger(__name__)


# Meetings, from registration's events

def record_meeting(uow, envelope, today):
    """Remember a scheduled meeting with the counters its symbols are numbered from; a
    corrected one (`meeting_updated`) moves the deadlines of its unpublished documents."""
    meeting = keep_meeting(uow, envelope)
    if envelope["type"] == "meeting_updated":
        documents = uow.session.scalars(select(Document).where(
            Document.meeting_id == meeting.id, Document.status != domain.PUBLISHED)).all()
        for document in documents:
            submission_due_on, due_on = domain.deadlines(document.kind, meeting.starts_on)
            _correct(uow, document, envelope["actor"], today,
                     {"submission_due_on": submission_due_on, "due_on": due_on})
    return meeting


def meeting_known(uow, meeting_id):
    return uow.session.get(Meeting, meeting_id) is not None


def keep_meeting(uow, envelope):
    """Store a meeting as its event (or registration's RPC answer, coord.rpc) names it."""
    data = envelope["data"]
    meeting_id = envelope["subject"]["id"]
    meeting = uow.session.get(Meeting, meeting_id) or Meeting(id=meeting_id)
    meeting.code, meeting.title, meeting.kind = data["code"], data["title"], data["kind"]
    meeting.city, meeting.country = data["city"], data["country"]
    meeting.starts_on = date.fromisoformat(data["starts_on"])
    meeting.ends_on = date.fromisoformat(data["ends_on"])
    meeting.symbol_prefix = data["symbol_prefix"]
    meeting.recorded_at = utcnow()
    uow.session.add(meeting)
    _open_series(uow.session, *(domain.series_stem(kind, meeting.symbol_prefix)
                                for kind in domain.KINDS))
    return meeting


def _open_series(session, *stems):
    for stem in stems:
        if session.get(SymbolCounter, stem) is None:
            session.add(SymbolCounter(stem=stem, last_number=0))
    session.flush()


def _next_symbol(session, stem):
    """The next symbol of a series. The UPDATE takes the counter row's lock until commit,
    so concurrent creations in one series queue up (PostgreSQL) or are serialised by
    the single connection (SQLite): no gap, no repeat."""
    session.execute(update(SymbolCounter).where(SymbolCounter.stem == stem)
                    .values(last_number=SymbolCounter.last_number + 1))
    number = session.scalar(select(SymbolCounter.last_number).where(SymbolCounter.stem == stem))
    return f"{stem}{number}"


# Documents

def get_document(uow, document_id, *, lock=False):
    """`lock`: for a change, so that concurrent changes of one document decide one after
    the other on its current state (uow.locked)."""
    document = (uow.locked if lock else uow.session.get)(Document, document_id)
    if document is None:
        raise NotFound(f"No document with id {document_id}.")
    return document


def read_document(uow, caller, document_id):
    """A document `caller` may read: one it holds or held, contributed to or worked on,
    or one published (public anyway); else 404 (coord.scope)."""
    document = uow.session.get(Document, document_id)
    if document is not None and document.status == domain.PUBLISHED:
        return document
    return scope.readable(uow.session, PARTIES, caller, "document", document,
                          f"No document with id {document_id}.")


def register_document(uow, caller, data, today):
    """Create a document in drafting, with an assigned symbol and its deadlines."""
    meeting = uow.session.get(Meeting, data["meeting_id"])
    if meeting is None:
        raise Conflict(
            f"No meeting with id {data['meeting_id']} is known to documents. If it was "
            f"scheduled just now, its meeting_scheduled event may not have arrived yet: "
            f"retry in a moment.", code="unknown_meeting",
            fields={"meeting_id": ["Unknown meeting."]})
    parent = _parent(uow, data, meeting)
    language_set, required = domain.language_set(data["languages"], data["original_language"])
    submission_due_on, due_on = domain.deadlines(data["kind"], meeting.starts_on)
    stem = (domain.child_stem(parent.symbol, data["relation"]) if parent
            else domain.series_stem(data["kind"], meeting.symbol_prefix))
    now = utcnow()
    document = Document(
        id=str(uuid.uuid4()), meeting_id=meeting.id, symbol=_next_symbol(uow.session, stem),
        kind=data["kind"], title=data["title"], agenda_item=data["agenda_item"],
        parent=parent, relation=data["relation"],
        status=domain.DRAFTING, owner=ORGANISER, original_language=data["original_language"],
        language_set=language_set, submission_due_on=submission_due_on, due_on=due_on,
        created_at=now, updated_at=now, meeting=meeting,
        versions=[LanguageVersion(language=language, position=LANGUAGES.index(language))
                  for language in required])
    uow.session.add(document)
    _open_series(uow.session, *(domain.child_stem(document.symbol, relation)
                                for relation in domain.RELATIONS))
    uow.emit(_document_event(uow, "document_registered", document, caller, owner=ORGANISER))
    uow.session.flush()
    _notice_missed(uow, document, today)
    return document


def _parent(uow, data, meeting):
    """The document an addendum, revision or corrigendum belongs to (same meeting, kind)."""
    parent_id, relation = data["parent_id"], data["relation"]
    if (parent_id is None) != (relation is None):
        missing, given = ("relation", "parent_id") if relation is None else (
            "parent_id", "relation")
        raise Invalid("Give parent_id and relation together, or neither.",
                      fields={missing: [f"Required with {given}."]})
    if parent_id is None:
        return None
    parent = uow.session.get(Document, parent_id)
    if parent is None:
        raise Invalid(f"No document with id {parent_id}.",
                      fields={"parent_id": ["Unknown document."]})
    if parent.meeting_id != meeting.id or parent.kind != data["kind"]:
        raise Invalid(f"A {domain.RELATIONS[relation]} goes with its parent's meeting and "
                      f"kind: {parent.meeting.code}, {parent.kind}.",
                      fields={"parent_id": ["Belongs to another meeting or kind."]})
    return parent


def list_documents(uow, caller, query, today):
    """The documents `caller` may read (`read_document`), oldest first, filtered."""
    statement = scope.scoped(
        select(Document).options(
            selectinload(Document.versions), selectinload(Document.contributions)),
        caller, PARTIES, "document", Document.id, Document.status == domain.PUBLISHED)
    for column in ("meeting_id", "status", "kind", "owner"):
        if query.get(column):
            statement = statement.where(getattr(Document, column) == query[column])
    if query.get("late") is not None:
        late = _late(today)
        statement = statement.where(late if query["late"] else ~late)
    documents = uow.session.scalars(keyset_slice(
        statement, query, Document.created_at, Document.id, utc_timestamp)).all()
    return page(documents, query["limit"], lambda d: [d.created_at.isoformat(), d.id])


def _late(today):
    """`domain.missed_deadlines` as SQL, so the late filter pages in the database."""
    return or_(
        and_(Document.status == domain.DRAFTING, Document.submission_due_on.is_not(None),
             Document.submission_due_on < today),
        and_(Document.status != domain.PUBLISHED, Document.due_on.is_not(None),
             Document.due_on < today))


def describe(document, today):
    """A document as the API shows it, lateness measured against `today`."""
    missed = _missed(document, today)
    fields = ("id", "meeting_id", "symbol", "kind", "title", "agenda_item", "parent_id",
              "relation", "status", "owner", "original_language", "language_set",
              "contributions", "submission_due_on", "due_on", "created_at", "updated_at",
              "etag")
    return {
        **{name: getattr(document, name) for name in fields},
        "meeting_code": document.meeting.code,
        "languages": [_describe_version(document, version) for version in document.versions],
        "late": bool(missed),
        "days_late": max((m.days_late for m in missed), default=None),
        "missed_deadlines": missed,
    }


# Corrections

DOCUMENT_CORRECTABLE = ("title", "agenda_item", "due_on")


def correct_document(uow, caller, document_id, changes, if_match, today):
    """Correct the title, agenda item or due date of a document not yet published
    (`document_updated`); a due date moved past today clears its lateness, one moved
    into the past makes it late at once."""
    require(caller, action="correct documents")
    document = get_document(uow, document_id, lock=True)
    corrections.check_if_match(if_match, document.version, "document")
    corrections.check_correctable(changes, DOCUMENT_CORRECTABLE, "document")
    if document.status == domain.PUBLISHED:
        raise Conflict("The document is published; issue a corrigendum (relation corr) "
                       "instead.", code="not_correctable")
    _correct(uow, document, caller, today, changes)
    return document


def _correct(uow, document, caller, today, changes):
    """Apply a correction, keep it in the history, forget late notices the new dates
    no longer justify, announce it, and notice at once a deadline it makes missed."""
    changed = corrections.apply(document, changes)
    if not changed:
        return
    document.updated_at = utcnow()
    corrections.record(uow.session, CORRECTIONS, "document", document, caller, changed)
    still_missed = {missed.deadline for missed in _missed(document, today)}
    uow.session.execute(delete(LateNotice).where(
        LateNotice.document_id == document.id, LateNotice.deadline.not_in(still_missed)))
    uow.emit(_document_event(uow, "document_updated", document, caller, owner=document.owner,
                             changes=changed))
    _notice_missed(uow, document, today)


def document_history(uow, caller, document_id, query):
    read_document(uow, caller, document_id)
    return corrections.history(uow.session, CORRECTIONS, "document", document_id, query)


def _missed(document, today):
    return domain.missed_deadlines(status=document.status, today=today, due_on=document.due_on,
                                   submission_due_on=document.submission_due_on)


def _describe_version(document, version):
    file = None
    if version.file_sha256:
        file = {"content_type": version.file_content_type, "size": version.file_size,
                "sha256": version.file_sha256, "uploaded_at": version.file_uploaded_at,
                "uploaded_by": version.file_uploaded_by,
                "url": f"/documents/{document.id}/files/{version.language}"}
    return {"language": version.language, "status": "done" if version.done_at else "pending",
            "done_at": version.done_at, "done_by": version.done_by, "file": file}


# The chain

def contribute(uow, caller, document_id, note):
    """A partner's contribution to a draft; the secretariat holds the pen."""
    document = get_document(uow, document_id, lock=True)
    domain.check_contribution(document.status)
    contribution = Contribution(id=str(uuid.uuid4()), document_id=document.id,
                                contributor=caller, note=note, created_at=utcnow())
    document.contributions.append(contribution)
    document.updated_at = contribution.created_at
    uow.emit(_document_event(uow, "contribution_recorded", document, caller, owner=ORGANISER,
                             contributor=caller, note=note))
    return contribution


def submit(uow, caller, document_id):
    """To conference services, which now hold it; the original language counts as done."""
    document, step = _step(uow, caller, document_id, "submit", "submit documents")
    _mark_done(document, document.original_language, caller)
    return _advance(uow, caller, document, step, "document_submitted")


def mark_edited(uow, caller, document_id):
    document, step = _step(uow, caller, document_id, "edited", "mark documents edited")
    return _advance(uow, caller, document, step, "document_edited")


def translate(uow, caller, document_id, language):
    """One language done; the last required one makes the document translated."""
    require(caller, *domain.ACTORS["translate"], action="record translations")
    domain.check_language(language)
    document = get_document(uow, document_id, lock=True)
    domain.move(document.status, "translate")
    domain.check_among(language, _required(document))
    domain.check_translation(language, done=_done(document),
                             original_language=document.original_language)
    _mark_done(document, language, caller)
    status, owner = domain.status_after_translation(_required(document), _done(document))
    return _advance(uow, caller, document, domain.Move(status, (), owner),
                    "translation_completed", language=language)


def publish(uow, caller, document_id):
    require(caller, *domain.ACTORS["publish"], action="publish documents")
    document = get_document(uow, document_id, lock=True)
    domain.check_publishable(document.status, _required(document), _done(document))
    document = _advance(uow, caller, document, domain.move(document.status, "publish"),
                        "document_published")
    document.published_at = document.updated_at  # the public date; later edits keep it
    return document


def _step(uow, caller, document_id, action, description):
    require(caller, *domain.ACTORS[action], action=description)
    document = get_document(uow, document_id, lock=True)
    return document, domain.move(document.status, action)


def _advance(uow, caller, document, step, event_type, **extra):
    document.status, document.owner, document.updated_at = step.status, step.owner, utcnow()
    uow.emit(_document_event(uow, event_type, document, caller, owner=step.owner, **extra))
    return document


def _required(document):
    return [version.language for version in document.versions]


def _done(document):
    return [version.language for version in document.versions if version.done_at]


def _version(document, language):
    domain.check_language(language)
    domain.check_among(language, _required(document))
    return next(v for v in document.versions if v.language == language)


def _mark_done(document, language, caller):
    version = _version(document, language)
    version.done_at, version.done_by = utcnow(), caller


def _document_event(uow, event_type, document, actor, *, owner, **extra):
    """A documents event, stating what the document now waits for: late while a deadline
    it was noticed late for still applies (so moving on clears it)."""
    late = any(domain.deadline_applies(notice.deadline, document.status)
               for notice in uow.session.scalars(
                   select(LateNotice).where(LateNotice.document_id == document.id)))
    wait = domain.waiting(document.status, owner, late)
    # Whoever acts on it (a contributor, conference services) or holds it reads it from
    # now on, and still once it has moved on.
    scope.become_parties(uow.session, PARTIES, "document", document.id, actor, owner)
    return Event(event_type, "document", document.id, actor=actor, owner=waiting.owner_of(wait),
                 meeting_id=document.meeting_id,
                 data={**document_fields(document), **extra, "waiting": waiting.as_data(wait)})


def document_fields(document):
    """What every documents event carries (docs/events.md), plus the deadlines and set."""
    return {
        "symbol": document.symbol, "title": document.title, "kind": document.kind,
        "agenda_item": document.agenda_item, "status": document.status,
        "due_on": _iso(document.due_on), "submission_due_on": _iso(document.submission_due_on),
        "languages": _done(document), "required_languages": _required(document),
        "meeting_code": document.meeting.code, "relation": document.relation,
        "parent_symbol": document.parent.symbol if document.parent else None,
    }


def _iso(day):
    return day.isoformat() if day else None


# Files

def attach_file(uow, caller, document_id, language, *, files, content_type, content):
    """Store one language version's file (mc drafts, unon-dcs translates)."""
    require(caller, domain.CONFERENCE_SERVICES, action="upload document files")
    document = get_document(uow, document_id, lock=True)
    version = _version(document, language)
    domain.check_file_allowed(document.status)
    domain.check_file(content_type, content, files.max_bytes)
    version.file_sha256 = files.store.put(content)
    version.file_size, version.file_content_type = len(content), content_type
    version.file_uploaded_at, version.file_uploaded_by = utcnow(), caller
    scope.become_parties(uow.session, PARTIES, "document", document.id, caller)
    document.updated_at = version.file_uploaded_at
    return _describe_version(document, version)["file"]


def read_file(uow, caller, document_id, language, *, files):
    """(document, version, bytes) of an uploaded file, checked against its checksum."""
    document = read_document(uow, caller, document_id)
    version = next((v for v in document.versions if v.language == language), None)
    if version is None or not version.file_sha256:
        raise NotFound(f"No {language} file has been uploaded for {document.symbol}.")
    return document, version, file_content(document, version, files)


def file_content(document, version, files):
    """The bytes of a version's uploaded file, checked against its checksum."""
    content = files.store.read(version.file_sha256)
    if content is None or hashlib.sha256(content).hexdigest() != version.file_sha256:
        log.error("file %s of %s %s is missing or damaged on disk",
                  version.file_sha256, document.symbol, version.language)
        raise NotFound(f"The {version.language} file of {document.symbol} is missing or "
                       f"damaged on the server; upload it again.", code="file_unavailable")
    return content


# Deadlines

def mark_late_documents(unit_of_work, today):
    """Send `document_late` once per document and missed deadline; returns how many went.

    Each notice is its own unit of work: its stored fact (`LateNotice`) commits with its
    event, and a notice another timer sent first fails on the primary key and is skipped.
    """
    with unit_of_work() as uow:
        due = [(document.id, missed.deadline)
               for document in uow.session.scalars(select(Document).where(_late(today)))
               for missed in _missed(document, today)]
        noticed = set(uow.session.execute(
            select(LateNotice.document_id, LateNotice.deadline)).tuples())
    sent = 0
    for document_id, deadline in due:
        if (document_id, deadline) in noticed:
            continue
        try:
            with unit_of_work() as uow:
                sent += _notice_late(uow, document_id, deadline, today)
        except IntegrityError:
            log.info("document %s already noticed late (%s) by another timer",
                     document_id, deadline)
    return sent


def _notice_late(uow, document_id, deadline, today):
    document = get_document(uow, document_id, lock=True)
    missed = next((m for m in _missed(document, today) if m.deadline == deadline), None)
    if missed is None or uow.session.get(LateNotice, (document_id, deadline)):
        return 0  # handled in between: submitted, published or noticed
    _emit_late(uow, document, missed)
    return 1


def _notice_missed(uow, document, today):
    """Say at once that a document is late when the change that makes it so happens
    (registered after its deadline, or its meeting moved), not at the next check."""
    for missed in _missed(document, today):
        if not uow.session.get(LateNotice, (document.id, missed.deadline)):
            _emit_late(uow, document, missed)


def _emit_late(uow, document, missed):
    uow.session.add(LateNotice(document_id=document.id, deadline=missed.deadline,
                               holder=document.owner, days_late=missed.days_late,
                               noticed_at=utcnow()))
    uow.session.flush()
    uow.emit(_document_event(uow, "document_late", document, ORGANISER, owner=document.owner,
                             days_late=missed.days_late, deadline=missed.deadline))
