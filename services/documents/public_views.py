"""Documents' public face, rendered: the page a webmaster embeds and the Atom feed.

Plain Python over Jinja2 (HTML, escaped by default), Babel (dates and language names as
each language writes them) and feedgen (Atom 1.0). No script: the page works wherever
HTML does, in an iframe or copied into a website.
"""
from importlib import resources

import jinja2
from babel import Locale
from babel.dates import format_date, format_interval
from feedgen.feed import FeedGenerator
from lxml import etree

from coord.public import PUBLIC_LANGUAGES, translated

# Atom ids must never change, wherever the service is reached from: tag URIs (RFC 4151)
# in the secretariat's name, not URLs of this host.
TAG = "tag:mercuryconvention.org,2017"
ATOM = "{http://www.w3.org/2005/Atom}"

LABELS = {
    "en": {"documents": "Documents", "agenda_item": "Agenda item", "symbol": "Symbol",
           "title": "Title", "languages": "Languages", "published": "Published",
           "none": "No documents have been published for this meeting yet.",
           "page_in": "This page in:"},
    "fr": {"documents": "Documents", "agenda_item": "Point de l'ordre du jour",
           "symbol": "Cote", "title": "Titre", "languages": "Langues",
           "published": "Publication",
           "none": "Aucun document n'a encore été publié pour cette réunion.",
           "page_in": "Cette page en\u00a0:"},
    "es": {"documents": "Documentos", "agenda_item": "Tema del programa",
           "symbol": "Signatura", "title": "Título", "languages": "Idiomas",
           "published": "Publicación",
           "none": "Todavía no se ha publicado ningún documento para esta reunión.",
           "page_in": "Esta página en:"},
}

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FunctionLoader(lambda name: resources.files(__package__).joinpath(
        "templates", name).read_text(encoding="utf-8")),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def language_name(code):
    """A language as it writes its own name, capitalised as a UN website lists it:
    English, Français, Español, Русский, 中文, العربية."""
    name = Locale.parse(code).display_name
    return name[:1].upper() + name[1:]


def documents_page(meeting, agenda, *, language, base_url, page_path):
    """The HTML page of a meeting's published documents by agenda item, in `language`.

    `agenda`: `public.by_agenda_item`; `base_url`: this service's address as the reader
    reached it, so every link works wherever the page is shown."""
    return _TEMPLATES.get_template("public_documents.html").render(
        lang=language, labels=LABELS[language],
        meeting_code=meeting.code, meeting_title=translated(meeting, "title", language),
        city=translated(meeting, "city", language),
        dates=format_interval(meeting.starts_on, meeting.ends_on, "yMMMd", locale=language),
        agenda=[(item, [_for_reader(document, language, base_url) for document in documents])
                for item, documents in agenda],
        other_languages=[(code, language_name(code), f"{base_url}{page_path}?lang={code}")
                         for code in PUBLIC_LANGUAGES if code != language])


def _for_reader(document, language, base_url):
    return {**document, "published_on": format_date(document["published_at"], "long",
                                                    locale=language),
            "languages": [{**version, "name": language_name(version["language"]),
                           "url": base_url + version["url"]}
                          for version in document["languages"]]}


def publications_atom(meeting, documents, *, self_url, page_url, base_url):
    """New publications of a meeting as Atom 1.0, newest first (`public.latest_publications`).

    The feed's date is its newest publication's (or the meeting's announcement when none),
    never the time of the request, so the same publications give the same bytes and ETag."""
    feed = FeedGenerator()
    feed.id(f"{TAG}:documents:{meeting.code}")
    feed.title(f"{meeting.code}: {meeting.title}: documents")
    feed.subtitle(f"Documents published for {meeting.code}, newest first.")
    feed.author({"name": "Minamata Convention secretariat"})
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.language("en")
    feed.updated(documents[0]["published_at"] if documents else meeting.recorded_at)
    for document in documents:
        entry = feed.add_entry(order="append")
        entry.id(f"{TAG}:document:{document['symbol']}")
        entry.title(f"{document['symbol']}: {document['title']}")
        names = ", ".join(language_name(v["language"]) for v in document["languages"])
        entry.content(f"Agenda item {document['agenda_item']}. "
                      f"{'Available in: ' + names if names else 'No file yet'}.", type="text")
        entry.published(document["published_at"])
        entry.updated(document["published_at"])
        entry.category(term=document["kind"], label=f"{document['kind']} document")
        for version in document["languages"]:
            entry.link(href=base_url + version["url"])
    return _describe_links(feed.atom_str(), documents)


def _describe_links(atom, documents):
    """Each entry's links as alternates with their language, media type and size.

    feedgen 1.0.0 writes an entry's links with their href only (it reads the other
    attributes back from the element it has just made), so they are set here, on the
    links it wrote, one per downloadable language in order."""
    tree = etree.fromstring(atom)
    for entry, document in zip(tree.iterfind(f"{ATOM}entry"), documents):
        for link, version in zip(entry.iterfind(f"{ATOM}link"), document["languages"]):
            link.attrib.update({"rel": "alternate", "hreflang": version["language"],
                                "type": version["content_type"],
                                "length": str(version["size"])})
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
