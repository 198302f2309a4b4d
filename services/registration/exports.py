"""What the service hands out as files or streams rather than one JSON body: the list of
participants as CSV, PDF and streamed JSON, and the registrations a delegation file created.

The streamed ones are generators of text, written to the client as they are made: a list
of 100,000 people is never held whole."""
import csv
import io
import json

from coord.corrections import etag
from services.registration.domain import STATE_CATEGORIES
from services.registration.letters import SECRETARIAT, long_date, translated
from services.registration.letters.typesetting import LATIN, new_document
from services.registration.models import registration_reference
from services.registration.schemas import ParticipantListSchema, ParticipantSchema

PARTICIPANT_COLUMNS = ("category", "country", "country_name", "family_name", "given_name",
                       "title", "organisation", "status")

# Headings of the printed list, per language (English where a language has none yet).
HEADINGS = {
    "en": {"provisional": "Provisional list of participants", "final": "List of participants",
           "party": "Parties", "observer-state": "Observer States",
           "igo": "Intergovernmental organizations", "ngo": "Non-governmental organizations",
           "secretariat": "Secretariat", "media": "Media", "page": "Page"},
    "fr": {"provisional": "Liste provisoire des participants",
           "final": "Liste des participants", "party": "Parties",
           "observer-state": "États observateurs",
           "igo": "Organisations intergouvernementales",
           "ngo": "Organisations non gouvernementales", "secretariat": "Secrétariat",
           "media": "Médias", "page": "Page"},
    "es": {"provisional": "Lista provisional de participantes",
           "final": "Lista de participantes", "party": "Partes",
           "observer-state": "Estados observadores",
           "igo": "Organizaciones intergubernamentales",
           "ngo": "Organizaciones no gubernamentales", "secretariat": "Secretaría",
           "media": "Medios de comunicación", "page": "Página"},
}


LIST_HEAD = ParticipantListSchema(exclude=("categories",))
PERSON_FIELDS = tuple(ParticipantSchema().fields)  # plain text each: no schema per person


def in_delegations(people):
    """(category, delegation, person) for each of `people` (in the list's order), where
    the delegation is the country for States, the organisation for the others."""
    for person in people:
        state = person["category"] in STATE_CATEGORIES
        yield person["category"], person["country" if state else "organisation"], person


def participants_csv(people):
    """The list of participants as CSV lines, one person a row, in the list's order (a
    generator, so the response streams)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def line(row):
        writer.writerow(row)
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    yield line(PARTICIPANT_COLUMNS)
    for category, _, person in in_delegations(people):
        yield line((category, person["country"],
                    person["country_name"] if category in STATE_CATEGORIES else "",
                    person["family_name"], person["given_name"], person["title"] or "",
                    person["organisation"], person["status"]))


def participants_json(head, people):
    """The list of participants as ParticipantListSchema describes it, as text pieces: the
    head, then each category, delegation and person as the ordered rows reach them."""
    yield _json(LIST_HEAD.dump(head))[:-1] + ', "categories": ['
    category_now = delegation_now = None
    for category, delegation, person in in_delegations(people):
        opening = ""
        if category != category_now:
            opening = "]}]}, " if category_now is not None else ""
            state = category in STATE_CATEGORIES
            opening += _json({"category": category})[:-1] + (
                ', "countries": [' if state else ', "organisations": [')
            category_now, delegation_now = category, None
        if delegation != delegation_now:
            if delegation_now is not None:
                opening += "]}, "
            named = ({"country": delegation, "country_name": person["country_name"]}
                     if category in STATE_CATEGORIES else {"organisation": delegation})
            opening += _json(named)[:-1] + ', "participants": ['
            delegation_now = delegation
        else:
            opening += ", "
        yield opening + _json({name: person[name] for name in PERSON_FIELDS})
    yield ("]}]}" if category_now is not None else "") + "]}"


def registrations_json(count, meeting_code, pages):
    """A delegation file's answer as RegistrationBatchSchema describes it, as text pieces:
    `count`, then the registrations a page at a time (`pages` of rows of their
    REGISTRATION_ITEM_COLUMNS, of the meeting whose code is `meeting_code`)."""
    yield f'{{"count": {count}, "items": ['
    separator = ""
    for page in pages:
        if page:
            yield separator + _json([registration_item(row, meeting_code)
                                     for row in page])[1:-1]
            separator = ", "
    yield "]}"


def registration_item(row, meeting_code):
    """A registration as RegistrationSchema dumps it (the same JSON, keys in its order),
    from a row of its REGISTRATION_ITEM_COLUMNS. Plain code, not the schema: marshmallow's work per
    field made the answer to a 100,000-row file take 11-18 s; this takes a few. The unit
    tests hold the two to the same output."""
    checked_in_at = row["checked_in_at"]
    return {
        "given_name": row["given_name"], "family_name": row["family_name"],
        "email": row["email"], "country": row["country"], "category": row["category"],
        "organisation": row["organisation"], "funding_requested": row["funding_requested"],
        "visa_letter_requested": row["visa_letter_requested"], "language": row["language"],
        "id": row["id"], "reference": registration_reference(meeting_code, row["number"]),
        "meeting_id": row["meeting_id"], "region": row["region"],
        "funding_eligible": row["funding_eligible"], "priority": row["priority"],
        "funded": row["funded"], "status": row["status"],
        "checked_in_by": row["checked_in_by"],
        "checked_in_at": checked_in_at and checked_in_at.isoformat(),
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(), "etag": etag(row["version"])}


def in_chunks(pieces, size=64 * 1024):
    """`pieces` of text joined into chunks of about `size` characters: one write to the
    client per chunk, not per person."""
    chunk, length = [], 0
    for piece in pieces:
        chunk.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(chunk)
            chunk, length = [], 0
    if chunk:
        yield "".join(chunk)


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # json.dumps would make one per call


def _json(value):
    return _ENCODER.encode(value)


def participants_pdf(listing, people, language):
    """The list of participants as the UN prints it: headed by the meeting (`listing`, the
    list's head), each category under its heading, each delegation (State or organisation)
    in bold, then its people."""
    words = HEADINGS.get(language, HEADINGS["en"])
    title, _ = translated(listing["meeting_title"], listing["translations"], language, "title")
    city, _ = translated(listing["city"], listing["translations"], language, "city")
    heading = words[listing["edition"]]
    place = (f"{city}, {long_date(listing['starts_on'], language)} – "
             f"{long_date(listing['ends_on'], language)}")
    lines = list(_lines(people, words))
    pdf = new_document("\n".join([title, heading, place] + [text for _, text in lines]),
                       language=language, title=f"{listing['meeting_code']} {heading}",
                       author=SECRETARIAT)
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font(LATIN, "B", 14)
    pdf.multi_cell(0, 7, heading, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(LATIN, "", 11)
    pdf.multi_cell(0, 6, f"{title} ({listing['meeting_code']})\n{place}", align="C",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for kind, text in lines:
        if kind == "category":
            pdf.ln(3)
            pdf.set_font(LATIN, "B", 12.5)
            pdf.multi_cell(0, 7, text.upper(), new_x="LMARGIN", new_y="NEXT")
        elif kind == "group":
            pdf.ln(1.5)
            pdf.set_font(LATIN, "B", 10.5)
            pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font(LATIN, "", 10)
            pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _lines(people, words):
    category_now = delegation_now = None
    for category, delegation, person in in_delegations(people):
        if category != category_now:
            category_now, delegation_now = category, None
            yield "category", words[category]
        if delegation != delegation_now:
            delegation_now = delegation
            yield "group", (person["country_name"] if category in STATE_CATEGORIES
                            else delegation)
        name = " ".join(part for part in (person["title"], person["given_name"],
                                          person["family_name"]) if part)
        yield "person", (name if category not in STATE_CATEGORIES
                         else f"{name}, {person['organisation']}")
