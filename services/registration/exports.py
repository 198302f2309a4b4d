"""Files the service hands out besides JSON: the list of participants as CSV and PDF."""
import csv
import io

from services.registration.letters import SECRETARIAT, long_date, translated
from services.registration.letters.typesetting import LATIN, new_document

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


def people(listing):
    """(category, country, country_name, organisation group, person) in the list's order."""
    for group in listing["categories"]:
        for delegation in group.get("countries", []):
            for person in delegation["participants"]:
                yield group["category"], delegation, person
        for organisation in group.get("organisations", []):
            for person in organisation["participants"]:
                yield group["category"], organisation, person


def participants_csv(listing):
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
    for category, group, person in people(listing):
        yield line((category, person["country"], group.get("country_name", ""),
                    person["family_name"], person["given_name"], person["title"] or "",
                    person["organisation"], person["status"]))


def participants_pdf(listing, language):
    """The list of participants as the UN prints it: headed by the meeting, each category
    under its heading, each delegation (State or organisation) in bold, then its people."""
    words = HEADINGS.get(language, HEADINGS["en"])
    title, _ = translated(listing["meeting_title"], listing["translations"], language, "title")
    city, _ = translated(listing["city"], listing["translations"], language, "city")
    heading = words[listing["edition"]]
    place = (f"{city}, {long_date(listing['starts_on'], language)} – "
             f"{long_date(listing['ends_on'], language)}")
    lines = list(_lines(listing, words))
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


def _lines(listing, words):
    current_category, current_group = None, None
    for category, group, person in people(listing):
        if category != current_category:
            current_category, current_group = category, None
            yield "category", words[category]
        if group is not current_group:
            current_group = group
            yield "group", group.get("country_name") or group["organisation"]
        name = " ".join(part for part in (person["title"], person["given_name"],
                                          person["family_name"]) if part)
        yield "person", (name if category not in ("party", "observer-state")
                         else f"{name}, {person['organisation']}")
