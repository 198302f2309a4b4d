"""Documents rules, as plain Python (no nameko, no database): unit-testable in ms.

The processing chain (CONTRACT.md "Documents"):

    drafting --submit (mc)--> submitted --edited (unon-dcs)--> edited
      --translations (unon-dcs), once every required language is done--> translated
      --publish (mc)--> published

The document's original language (English unless stated) counts as done when the
secretariat submits it: conference services edit it, and translate it into the others.
"""
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta

from coord.errors import Conflict, Invalid
from coord.lifecycle import follow
from coord.waiting import Wait
from coord.vocabulary import LANGUAGES, ORGANISER

DRAFTING, SUBMITTED, EDITED, TRANSLATED, PUBLISHED = (
    "drafting", "submitted", "edited", "translated", "published")
STATUSES = (DRAFTING, SUBMITTED, EDITED, TRANSLATED, PUBLISHED)

WORKING, INFORMATION = "working", "information"
KINDS = (WORKING, INFORMATION)

RELATIONS = {"add": "addendum", "rev": "revision", "corr": "corrigendum"}

CONFERENCE_SERVICES = "unon-dcs"

# Always required before publication: the languages of the convention website.
PUBLICATION_LANGUAGES = ("en", "fr", "es")
ALL_LANGUAGES, REDUCED_LANGUAGES = "all", "reduced"

# UN practice: pre-session documents are due six weeks before the meeting opens, and
# reach conference services four weeks earlier still, so they can be edited and translated.
DUE_BEFORE_OPENING = timedelta(weeks=6)
SUBMISSION_BEFORE_OPENING = timedelta(weeks=10)
DUE, SUBMISSION = "due", "submission"

# What a document waits for in each status, from its holder (coord.waiting).
ACTIONS = {DRAFTING: "submit the document", SUBMITTED: "edit the document",
           EDITED: "translate the document", TRANSLATED: "translate the document"}


def deadline_applies(deadline, status):
    """Whether a missed deadline still makes the document late: submission until it is
    submitted, due until it is published."""
    return status == DRAFTING if deadline == SUBMISSION else status != PUBLISHED


def waiting(status, holder, late):
    """What the document waits for; a translated one, once every language is in, waits
    on mc to publish it."""
    if holder is None or status == PUBLISHED:
        return None
    action = ("publish the document" if holder == ORGANISER and status == TRANSLATED
              else ACTIONS[status])
    return Wait(holder, action, late=late)


@dataclass(frozen=True)
class Move:
    """One step of the chain: who may take it, where it leads, who holds the document next."""

    status: str
    actors: tuple
    owner: str | None


# action -> move, per current status
MOVES = {
    DRAFTING: {"submit": Move(SUBMITTED, (), CONFERENCE_SERVICES)},
    SUBMITTED: {"edited": Move(EDITED, (CONFERENCE_SERVICES,), CONFERENCE_SERVICES)},
    # Each translation keeps the document edited until the last required language is in
    # (`status_after_translation`).
    EDITED: {"translate": Move(EDITED, (CONFERENCE_SERVICES,), CONFERENCE_SERVICES)},
    TRANSLATED: {"publish": Move(PUBLISHED, (), None)},
}
ACTORS = {action: move.actors for moves in MOVES.values() for action, move in moves.items()}


def move(current, action):
    """The move `action` makes from `current`, or a 409 naming the allowed moves."""
    return follow(MOVES, current, action, "document")


def check_contribution(status):
    """Partners contribute to the draft; once submitted, the text is conference services'."""
    if status != DRAFTING:
        raise Conflict(f"Contributions are recorded while the document is drafting; "
                       f"this one is {status}.", code="illegal_transition")


# Languages

def language_set(requested, original_language):
    """(set name, required languages in UN order) for what the creator asked for.

    `requested`: "all" (the six, the default), "reduced" (English, French and Spanish),
    or an explicit list of languages that must include those three.
    """
    if requested in (None, ALL_LANGUAGES):
        name, languages = ALL_LANGUAGES, set(LANGUAGES)
    elif requested == REDUCED_LANGUAGES:
        name, languages = REDUCED_LANGUAGES, set(PUBLICATION_LANGUAGES)
    else:
        unknown = sorted(set(requested) - set(LANGUAGES))
        if unknown:
            raise Invalid(f"{', '.join(unknown)}: not UN languages; use {' '.join(LANGUAGES)}.",
                          fields={"languages": [f"Unknown: {', '.join(unknown)}."]})
        missing = [lang for lang in PUBLICATION_LANGUAGES if lang not in requested]
        if missing:
            raise Invalid("English, French and Spanish are always required for publication.",
                          fields={"languages": [f"Must include {', '.join(missing)}."]})
        languages = set(requested)
        name = ALL_LANGUAGES if languages == set(LANGUAGES) else REDUCED_LANGUAGES
    if original_language not in languages:
        raise Invalid(f"The original language {original_language} must be one of the "
                      f"document's languages.",
                      fields={"original_language": ["Not among the document's languages."]})
    return name, tuple(lang for lang in LANGUAGES if lang in languages)


def check_language(language):
    """Only the six UN languages exist here (400 for anything else)."""
    if language not in LANGUAGES:
        raise Invalid(f"{language} is not a UN language; use one of {' '.join(LANGUAGES)}.",
                      code="unknown_language",
                      fields={"lang": [f"Must be one of: {', '.join(LANGUAGES)}."]})


def check_among(language, required):
    """A document is issued only in its own languages (a reduced set may leave some out)."""
    if language not in required:
        raise Conflict(f"This document is issued in {', '.join(required)} only; "
                       f"{language} is not one of its languages.", code="language_not_required")


def check_translation(language, *, done, original_language):
    """Each language is translated once; the original needs no translation."""
    if language == original_language:
        raise Conflict(f"{language} is the document's original language; it was done when "
                       f"the document was submitted.", code="duplicate")
    if language in done:
        raise Conflict(f"The {language} translation is already done.", code="duplicate")


def missing_languages(required, done):
    return [lang for lang in required if lang not in done]


def status_after_translation(required, done):
    """Translated, owned by the secretariat again, once every required language is done."""
    if missing_languages(required, done):
        return EDITED, CONFERENCE_SERVICES
    return TRANSLATED, ORGANISER


def check_publishable(status, required, done):
    """Publication needs every required language (always en, fr and es) and editing done."""
    missing = missing_languages(required, done)
    if status == EDITED and missing:
        raise Conflict(f"Cannot publish yet: the {', '.join(missing)} translation"
                       f"{'s are' if len(missing) > 1 else ' is'} not done.",
                       code="languages_missing")
    move(status, "publish")


# Symbols

def series_stem(kind, symbol_prefix):
    """The part of a meeting document's symbol before its number."""
    return f"{symbol_prefix}/INF/" if kind == INFORMATION else f"{symbol_prefix}/"


def child_stem(parent_symbol, relation):
    """`UNEP/MC/COP.2/5` + add -> `UNEP/MC/COP.2/5/Add.`; numbered per parent."""
    return f"{parent_symbol}/{relation.capitalize()}."


# Deadlines

def deadlines(kind, meeting_opens_on):
    """(submission due, document due); information documents carry no deadline."""
    if kind != WORKING:
        return None, None
    return meeting_opens_on - SUBMISSION_BEFORE_OPENING, meeting_opens_on - DUE_BEFORE_OPENING


@dataclass(frozen=True)
class MissedDeadline:
    deadline: str  # DUE or SUBMISSION
    was_on: date
    days_late: int


def missed_deadlines(*, status, submission_due_on, due_on, today):
    """Deadlines a document has passed without meeting: submission while still drafting,
    due while not yet published."""
    missed = []
    if status == DRAFTING and submission_due_on is not None and today > submission_due_on:
        missed.append(MissedDeadline(SUBMISSION, submission_due_on,
                                     (today - submission_due_on).days))
    if status != PUBLISHED and due_on is not None and today > due_on:
        missed.append(MissedDeadline(DUE, due_on, (today - due_on).days))
    return missed


# Files

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
FILE_TYPES = {PDF: "pdf", DOCX: "docx"}
DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024


def check_file(content_type, content, max_bytes):
    """Refuse (400) an empty or oversized file, or one that is not what it claims to be."""
    if content_type not in FILE_TYPES:
        raise Invalid(f"Upload a PDF ({PDF}) or a Word document ({DOCX}); got "
                      f"{content_type or 'no Content-Type'}.", code="unsupported_file_type")
    if len(content) > max_bytes:
        raise Invalid(f"The file is over the limit of {max_bytes} bytes.", code="file_too_large")
    if not content:
        raise Invalid("The file is empty.", code="empty_file")
    if not _looks_like(content_type, content):
        raise Invalid(f"The content is not a {FILE_TYPES[content_type].upper()} file, whatever "
                      f"its Content-Type says.", code="file_type_mismatch")


def _looks_like(content_type, content):
    if content_type == PDF:
        return content.startswith(b"%PDF-")
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return any(name.startswith("word/") for name in archive.namelist())
    except zipfile.BadZipFile:
        return False


def check_file_allowed(status):
    """A published version is the record: change it with a corrigendum or a revision."""
    if status == PUBLISHED:
        raise Conflict("The document is published; its files are final. Issue a "
                       "corrigendum or a revision instead.", code="illegal_transition")


def reading_order(text):
    """Sort key that puts numbered labels as a reader counts them, not as strings compare:
    agenda item 2 before 10, UNEP/MC/COP.2/9 before UNEP/MC/COP.2/10."""
    return [int(part) if part.isdigit() else part.casefold()
            for part in re.split(r"(\d+)", text)]
