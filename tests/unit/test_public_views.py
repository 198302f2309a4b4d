"""The public face's rules and renderings: reading order, the reader's language, translated
meeting fields where a meeting has them, and an Atom feed a feed reader accepts."""
from datetime import date, datetime, timezone
from types import SimpleNamespace

import feedparser
import lxml.html
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from coord.public import reader_language, translated, translations
from services.documents import domain, public_views

PUBLISHED = datetime(2018, 10, 8, 9, 0, tzinfo=timezone.utc)
BASE = "https://documents.example"


def meeting(**extra):
    return SimpleNamespace(code="COP-2", title="Second meeting of the Conference of the Parties",
                           city="Geneva", starts_on=date(2018, 11, 19), ends_on=date(2018, 11, 23),
                           recorded_at=PUBLISHED, **extra)


def document(symbol, agenda_item, languages=("en", "fr")):
    return {"symbol": symbol, "title": f"Title of {symbol}", "kind": "working",
            "agenda_item": agenda_item, "published_at": PUBLISHED,
            "languages": [{"language": code, "url": f"/public/documents/{symbol}/{code}",
                           "content_type": "application/pdf", "size": 1234}
                          for code in languages]}


def test_agenda_items_and_symbols_sort_as_a_reader_counts():
    items = ["10", "2", "5 (b)", "5 (a)", "Annex"]
    assert sorted(items, key=domain.reading_order) == ["2", "5 (a)", "5 (b)", "10", "Annex"]
    symbols = ["UNEP/MC/COP.2/10", "UNEP/MC/COP.2/9", "UNEP/MC/COP.2/9/Add.1"]
    assert sorted(symbols, key=domain.reading_order) == [
        "UNEP/MC/COP.2/9", "UNEP/MC/COP.2/9/Add.1", "UNEP/MC/COP.2/10"]


def test_the_reader_gets_the_language_asked_for_else_the_best_public_one():
    def reader(accept_language):
        return Request(EnvironBuilder(headers={"Accept-Language": accept_language}).get_environ())

    assert reader_language(reader("es-AR, es;q=0.9"), None) == "es"
    assert reader_language(reader("de-CH, fr;q=0.5"), None) == "fr"
    assert reader_language(reader("de, ru"), None) == "en"
    assert reader_language(reader("es"), "fr") == "fr"


def test_translated_fields_are_read_where_a_meeting_keeps_them_else_english():
    plain = meeting()
    assert translations(plain) == {}
    assert translated(plain, "city", "fr") == "Geneva"
    french = meeting(translations={"fr": {"title": "Deuxième réunion", "city": "Genève"},
                                   "de": {"city": "Genf"}, "es": None})
    assert translations(french) == {"fr": {"title": "Deuxième réunion", "city": "Genève"}}
    assert (translated(french, "city", "fr"), translated(french, "city", "es")) == (
        "Genève", "Geneva")


def test_the_page_lists_documents_by_agenda_item_in_the_readers_language():
    agenda = [("2", [document("UNEP/MC/COP.2/INF/1", "2", languages=())]),
              ("5 (a)", [document("UNEP/MC/COP.2/1", "5 (a)")])]
    html = public_views.documents_page(
        meeting(translations={"fr": {"title": "Deuxième réunion <COP>", "city": "Genève"}}),
        agenda, language="fr", base_url=BASE, page_path="/public/meetings/COP-2/documents.html")
    page = lxml.html.fromstring(html)
    text = " ".join(page.text_content().split())
    assert page.get("lang") == "fr"
    assert page.findtext(".//h1") == "Deuxième réunion <COP>"  # escaped, shown as typed
    assert "COP-2 · 19–23 nov. 2018 · Genève" in text
    assert [h.text_content() for h in page.iter("h2")] == [
        "Point de l'ordre du jour 2", "Point de l'ordre du jour 5 (a)"]
    assert "UNEP/MC/COP.2/1 Title of UNEP/MC/COP.2/1 English Français 8 octobre 2018" in text
    links = {a.text_content(): a.get("href") for a in page.iter("a")}
    assert links["Français"] == f"{BASE}/public/documents/UNEP/MC/COP.2/1/fr"
    assert links["Español"] == f"{BASE}/public/meetings/COP-2/documents.html?lang=es"
    assert not page.xpath("//script")


def test_the_page_says_when_nothing_is_published_yet():
    html = public_views.documents_page(meeting(), [], language="es", base_url=BASE,
                                       page_path="/public/meetings/COP-2/documents.html")
    assert "Todavía no se ha publicado ningún documento" in html


def test_new_publications_are_an_atom_feed_with_a_link_per_language():
    feed = feedparser.parse(public_views.publications_atom(
        meeting(), [document("UNEP/MC/COP.2/1", "5 (a)"),
                    document("UNEP/MC/COP.2/INF/1", "2", languages=())],
        self_url=f"{BASE}/public/documents.atom?meeting=COP-2",
        page_url=f"{BASE}/public/meetings/COP-2/documents.html", base_url=BASE))
    assert not feed.bozo, feed.bozo_exception
    first, second = feed.entries
    assert first.title == "UNEP/MC/COP.2/1: Title of UNEP/MC/COP.2/1"
    assert first.id == "tag:mercuryconvention.org,2017:document:UNEP/MC/COP.2/1"
    assert [(link.hreflang, link.type, link.href) for link in first.links] == [
        (code, "application/pdf", f"{BASE}/public/documents/UNEP/MC/COP.2/1/{code}")
        for code in ("en", "fr")]
    assert second.content[0].value == "Agenda item 2. No file yet."


def test_the_feed_is_the_same_bytes_for_the_same_publications():
    """Its date is the newest publication's, never the request's: the ETag holds."""
    def render(documents):
        return public_views.publications_atom(
            meeting(), documents, self_url=f"{BASE}/a", page_url=f"{BASE}/p", base_url=BASE)

    assert render([]) == render([])
    assert render([document("UNEP/MC/COP.2/1", "5")]) == render([document("UNEP/MC/COP.2/1", "5")])
