"""Confirmation and visa-support letters as PDF, from templates staff can edit.

The wording lives in `templates/<language>/<kind>.md` (see templates/README.md); this
module only fills in the facts, writes dates the way each language writes them (Babel),
and lays the text out on A4 with a Unicode font shipped alongside (fonts/LICENSE), so
names such as "Nguyễn" print on any machine.
"""
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

import jinja2
from babel import Locale
from babel.core import get_global
from babel.dates import format_date
from fpdf import FPDF

HERE = resources.files(__package__)
FONT = "DejaVuSans"
MARKDOWN_MARKERS = ("**", "__", "--", "~~")


@dataclass(frozen=True)
class LetterFacts:
    """What a letter says about a participant and a meeting; read once, then rendered."""

    reference: str
    given_name: str
    family_name: str
    organisation: str
    country: str
    country_name: str
    funded: bool
    meeting_code: str
    meeting_title: str
    city: str
    host_country: str
    host_country_name: str
    starts_on: date
    ends_on: date


def render_letter(kind, language, facts, today=None):
    """The letter `kind` (confirmation|visa) in `language` (en|fr|es) as PDF bytes."""
    text = _templates().get_template(f"{language}/{kind}.md").render(
        _context(language, facts, today or date.today()))
    return _pdf(text, language, title=f"{facts.meeting_code} {kind} letter")


def _context(language, facts, today):
    """The placeholders a template may use (listed in templates/README.md)."""
    return {
        **asdict(facts),
        "participant": f"{facts.given_name} {facts.family_name}",
        "country": country_name(facts.country, facts.country_name, language),
        "host_country": country_name(facts.host_country, facts.host_country_name, language),
        "starts_on": long_date(facts.starts_on, language),
        "ends_on": long_date(facts.ends_on, language),
        "letter_date": long_date(today, language),
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
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(title)
    pdf.set_author("Secretariat of the Minamata Convention on Mercury")
    pdf.set_lang(language)
    pdf.add_font(FONT, "", str(HERE / "fonts" / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(HERE / "fonts" / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    for block in _blocks(text):
        heading = block.startswith("# ")
        pdf.set_font(FONT, "B" if heading else "", 13 if heading else 10.5)
        pdf.multi_cell(0, 5.5, block.removeprefix("# "), markdown=True, align="L",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    return bytes(pdf.output())


def _blocks(text):
    """Paragraphs are separated by blank lines; lines within one keep their breaks."""
    return [block.strip() for block in text.split("\n\n") if block.strip()]
