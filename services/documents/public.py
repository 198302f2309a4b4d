"""Documents' public face, the service layer: what anyone may read without a token.

Only published documents exist here, and only what a website shows of them: symbol,
title, agenda item, kind, publication date and the languages one can download. A
document not (yet) published is answered exactly like a symbol that does not exist,
so the public side cannot even tell that it is being prepared.
"""
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coord.errors import NotFound
from coord.http import keyset_slice, page, utc_timestamp
from services.documents import domain
from services.documents.models import Document, Meeting
from services.documents.usecases import file_content

ATOM_ENTRIES = 50  # a feed reader wants what is new, not the archive


def meeting_by_code(uow, code):
    """The meeting a public URL names by its code (as registration announced it)."""
    meeting = uow.session.scalars(
        select(Meeting).where(Meeting.code == code).order_by(Meeting.recorded_at.desc())
    ).first()
    if meeting is None:
        raise NotFound(f"No meeting with code {code}.", fields={"meeting": ["Unknown meeting."]})
    return meeting


def _published(meeting=None):
    """Published documents, with their language versions; of `meeting` when given."""
    statement = (select(Document).options(selectinload(Document.versions))
                 .where(Document.status == domain.PUBLISHED))
    return statement if meeting is None else statement.where(Document.meeting_id == meeting.id)


def published_documents(uow, meeting, query):
    """One page of a meeting's published documents, in the order their symbols were given."""
    documents = uow.session.scalars(keyset_slice(
        _published(meeting), query, Document.created_at, Document.id, utc_timestamp)).all()
    listed = page(documents, query["limit"], lambda d: [d.created_at.isoformat(), d.id])
    return {**listed, "items": [describe(document) for document in listed["items"]]}


def by_agenda_item(uow, meeting):
    """Every published document of a meeting, `[(agenda_item, [document, ...]), ...]`,
    agenda items and symbols in reading order (item 2 before 10)."""
    groups = {}
    for document in sorted(uow.session.scalars(_published(meeting)).all(),
                           key=lambda d: domain.reading_order(d.symbol)):
        groups.setdefault(document.agenda_item, []).append(describe(document))
    return sorted(groups.items(), key=lambda group: domain.reading_order(group[0]))


def latest_publications(uow, meeting):
    """The meeting's most recent publications, newest first."""
    statement = _published(meeting).order_by(Document.published_at.desc(), Document.id)
    return [describe(document)
            for document in uow.session.scalars(statement.limit(ATOM_ENTRIES)).all()]


def describe(document):
    """A published document as the public sees it: nothing internal (owner, status,
    deadlines, contributors, who uploaded what)."""
    return {
        "symbol": document.symbol, "title": document.title, "kind": document.kind,
        "agenda_item": document.agenda_item, "published_at": document.published_at,
        "languages": [{"language": version.language, "url": file_path(document.symbol,
                                                                     version.language),
                       "content_type": version.file_content_type, "size": version.file_size}
                      for version in _downloadable(document)],
    }


def _downloadable(document):
    return [version for version in document.versions if version.done_at and version.file_sha256]


def file_path(symbol, language):
    """Where the public downloads a language version: the symbol keeps its slashes."""
    return f"/public/documents/{quote(symbol, safe='/')}/{language}"


def published_file(uow, symbol, language, *, files):
    """(document, version, bytes) of a published document's file in one language; 404
    naming the languages it can be had in when it was not published in that one."""
    document = uow.session.scalars(_published().where(Document.symbol == symbol)).first()
    if document is None:
        raise NotFound(f"No published document has the symbol {symbol}.")
    available = {version.language: version for version in _downloadable(document)}
    if language not in available:
        languages = ", ".join(available) or "none yet"
        raise NotFound(
            f"{symbol} is not published in {language!r}; it is published in: {languages}.",
            code="language_not_published",
            fields={"lang": [f"Published in: {languages}."]})
    version = available[language]
    return document, version, file_content(document, version, files)

