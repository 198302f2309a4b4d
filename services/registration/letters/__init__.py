"""Letters as PDF, from templates staff can edit: confirmation and visa support to
participants, invitations to Parties and observers, practical information to the
organisers of side events.

The wording lives in `templates/<language>/<kind>.md` (see templates/README.md); this
module only fills in the facts, in the letter's language where the meeting has a
translation (else in English, with a note saying so), writes dates the way each language
writes them (Babel), and lays the text out on A4 through `typesetting`, which prints
every script (Arabic right to left) and refuses a name it cannot draw.
"""
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import lru_cache
from importlib import resources

import jinja2
from babel import Locale
from babel.core import get_global
from babel.dates import format_date

from services.registration.letters.typesetting import LATIN, new_document

HERE = resources.files(__package__)
MARKDOWN_MARKERS = ("**", "__", "--", "~~")
RIGHT_TO_LEFT = ("ar",)
SECRETARIAT = "Secretariat of the Minamata Convention on Mercury"


@dataclass(frozen=True, kw_only=True)
class MeetingFacts:
    """A meeting as every letter prints it.

    `translations` is the meeting's {language: {"title", "city"}}; the English `meeting_title`
    and `city` stand in for a language it lacks.
    """

    meeting_code: str
    meeting_title: str
    city: str
    host_country: str
    host_country_name: str
    starts_on: date
    ends_on: date
    translations: dict = field(default_factory=dict)

    @classmethod
    def of(cls, meeting, host_country_name):
        return cls(meeting_code=meeting.code, meeting_title=meeting.title, city=meeting.city,
                   host_country=meeting.country, host_country_name=host_country_name,
                   starts_on=meeting.starts_on, ends_on=meeting.ends_on,
                   translations=meeting.translations or {})


@dataclass(frozen=True, kw_only=True)
class LetterFacts(MeetingFacts):
    """What a letter says about a participant and a meeting; read once, then rendered.
    The visa fields are None when not given."""

    reference: str
    given_name: str
    family_name: str
    organisation: str
    country: str
    country_name: str
    funded: bool
    title: str | None = None
    function: str | None = None
    nationality: str | None = None
    nationality_name: str | None = None
    passport_number: str | None = None
    passport_expires_on: date | None = None
    date_of_birth: date | None = None


@dataclass(frozen=True)
class InvitationFacts:
    """What a letter of invitation says: to whom, to which meeting, by when."""

    reference: str
    kind: str  # party | observer
    organisation: str  # the observer's name; the Party's English name
    country: str | None
    funding_eligible: bool
    nominations_due: date
    meeting: MeetingFacts


@dataclass(frozen=True)
class SideEventFacts:
    """What an accepted side event's organiser is told: where, when, what to bring."""

    reference: str
    title: str
    organiser: str
    room: str
    starts_at: datetime
    ends_at: datetime
    meeting: MeetingFacts


def translated(english, translations, language, name):
    """A meeting field in `language`, else in English: (text, fell back to English)."""
    text = (translations.get(language) or {}).get(name)
    return (text, False) if text else (english, language != "en")


def render_letter(kind, language, facts, today=None):
    """The letter `kind` (confirmation|visa) in `language` as PDF bytes."""
    text = _templates().get_template(f"{language}/{kind}.md").render(
        _context(language, facts, today or date.today()))
    return _pdf(text, language, title=f"{facts.meeting_code} {kind} letter")


def render_invitation(language, facts, today=None):
    """The letter of invitation in `language` (en, fr or es) as PDF bytes."""
    today = today or date.today()
    context = {**_meeting_context(language, facts.meeting, facts.reference, today),
               "party": facts.kind == "party",
               "funding_eligible": facts.funding_eligible,
               "organisation": (country_name(facts.country, facts.organisation, language)
                                if facts.country else facts.organisation),
               "nominations_due": long_date(facts.nominations_due, language),
               "starts_on": long_date(facts.meeting.starts_on, language),
               "ends_on": long_date(facts.meeting.ends_on, language)}
    text = _templates().get_template(f"{language}/invitation.md").render(context)
    return _pdf(text, language, title=f"{facts.meeting.meeting_code} invitation")


def render_side_event_information(facts, today=None):
    """The practical information for an accepted side event's organiser, in English (a
    side event has no language of its own), as PDF bytes."""
    context = {**_meeting_context("en", facts.meeting, facts.reference,
                                  today or date.today()),
               "title": facts.title, "organiser": facts.organiser, "room": facts.room,
               "day": long_date(facts.starts_at.date(), "en"),
               "starts_at": facts.starts_at.strftime("%H:%M"),
               "ends_at": facts.ends_at.strftime("%H:%M")}
    text = _templates().get_template("en/side-event.md").render(context)
    return _pdf(text, "en", title=f"{facts.meeting.meeting_code} side event")


def _meeting_context(language, meeting, reference, today):
    """The meeting (`MeetingFacts`), where it is held, the reference and the letter's
    date, as every letter prints them."""
    title, title_fell_back = translated(meeting.meeting_title, meeting.translations, language,
                                        "title")
    city, city_fell_back = translated(meeting.city, meeting.translations, language, "city")
    return {"reference": reference, "meeting_code": meeting.meeting_code,
            "meeting_title": title, "city": city,
            "untranslated": title_fell_back or city_fell_back,
            "host_country": country_name(meeting.host_country, meeting.host_country_name,
                                         language),
            "letter_date": long_date(today, language)}


def _context(language, facts, today):
    """The placeholders a template may use (listed in templates/README.md)."""
    return {
        **asdict(facts),
        **_meeting_context(language, facts, facts.reference, today),
        "participant": f"{facts.given_name} {facts.family_name}",
        "country": country_name(facts.country, facts.country_name, language),
        "nationality": facts.nationality and country_name(
            facts.nationality, facts.nationality_name, language),
        "starts_on": long_date(facts.starts_on, language),
        "ends_on": long_date(facts.ends_on, language),
        "passport_expires_on": facts.passport_expires_on and long_date(
            facts.passport_expires_on, language),
        "date_of_birth": facts.date_of_birth and long_date(facts.date_of_birth, language),
    }


def long_date(day, language):
    """A date as `language` writes it in a letter ("19 novembre 2018"), never split
    across lines."""
    return format_date(day, format="long", locale=language).replace(" ", "\u00a0")


def country_name(alpha3, english_name, language):
    """The country's name in `language` (CLDR, through Babel), else its English name."""
    alpha2 = (get_global("territory_aliases").get(alpha3) or [None])[0]
    return Locale.parse(language).territories.get(alpha2, english_name)


def _escape_markdown(value):
    """Facts print as written: a name with "--" must not switch on underlining."""
    text = "" if value is None else str(value)
    for marker in MARKDOWN_MARKERS:
        text = text.replace(marker, "\\" + marker)
    return text


@lru_cache(maxsize=1)
def _templates():
    """One environment: Jinja caches parsed templates and reloads a file edited since."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        undefined=jinja2.StrictUndefined,  # a misspelt placeholder fails, never prints blank
        finalize=_escape_markdown, autoescape=False, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)


def _pdf(text, language, title):
    pdf = new_document(text, language=language, title=title, author=SECRETARIAT)
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(True, margin=20)
    right_to_left = language in RIGHT_TO_LEFT
    if right_to_left:
        pdf.set_text_shaping(True, direction="rtl")
    pdf.add_page()
    for block in _blocks(text):
        heading = block.startswith("# ")
        pdf.set_font(LATIN, "B" if heading else "", 13 if heading else 10.5)
        pdf.multi_cell(0, 5.5, block.removeprefix("# "),
                       markdown=True, align="R" if right_to_left else "L",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    return bytes(pdf.output())


def _blocks(text):
    """Paragraphs are separated by blank lines; lines within one keep their breaks."""
    return [block.strip() for block in text.split("\n\n") if block.strip()]
