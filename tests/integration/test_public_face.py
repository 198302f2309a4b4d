"""The public face: anyone reads a meeting's published documents and the meetings without
a token, in English, French or Spanish; nothing unpublished shows anywhere; every answer
is cacheable and revalidates with its ETag."""
import xml.etree.ElementTree as ElementTree

import lxml.html

from tests.documents_support import (
    DOCX, PDF_BYTES, docx_bytes, publish_reduced, register_when_known, working_document,
)
from tests.support import schedule_meeting

ATOM = "{http://www.w3.org/2005/Atom}"
SECRET_TITLE = "Draft budget for the biennium, not for circulation"


def _public(service, path, **kwargs):
    """A request as a website's visitor makes it: no token."""
    return service.client.get(path, as_=None, **kwargs)


def _ok(response, status=200):
    assert response.status_code == status, response.text
    return response


def _refused(response, status, code):
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code, response.text
    return response.json()["error"]


def _revalidates(service, path, response, **kwargs):
    """The answer is public, has a strong ETag, and the same ETag gets a bodiless 304."""
    etag = response.headers["ETag"]
    assert etag.startswith('"'), etag  # strong: not W/"..."
    assert response.headers["Access-Control-Allow-Origin"] == "*"  # any website's script
    assert {"public", "max-age=300"} <= set(
        part.strip() for part in response.headers["Cache-Control"].split(","))
    headers = {**kwargs.pop("headers", {}), "If-None-Match": etag}
    again = _public(service, path, headers=headers, **kwargs)
    assert again.status_code == 304, again.text
    assert (again.content, again.headers["ETag"]) == (b"", etag)
    return etag


def _page_text(response):
    return " ".join(lxml.html.fromstring(response.content).text_content().split())


def test_published_documents_are_public_without_a_token_and_nothing_else_is(
        services, tmp_path):
    registration = services.start("registration")
    documents = services.start("documents", DOCUMENTS_FILE_DIR=str(tmp_path / "files"))
    meeting = schedule_meeting(registration)  # documents learns the code from the event
    report = register_when_known(documents, working_document(meeting["id"], languages="reduced"))
    french = docx_bytes("Rapport du Comité")
    publish_reduced(documents, report["id"], {"en": (PDF_BYTES, "application/pdf"),
                                              "fr": (french, DOCX)})
    draft = register_when_known(documents, working_document(
        meeting["id"], title=SECRET_TITLE, agenda_item="10", languages="reduced"))
    _ok(documents.client.put(f"/documents/{draft['id']}/files/en", data=PDF_BYTES,
                             headers={"Content-Type": "application/pdf"}))
    _ok(documents.client.post(f"/documents/{draft['id']}/submit"))

    listing_path = "/public/documents"
    listing = _ok(_public(documents, listing_path, params={"meeting": "COP-2"}))
    [item] = listing.json()["items"]
    assert set(item) == {"symbol", "title", "kind", "agenda_item", "published_at", "languages"}
    assert (item["symbol"], item["title"], item["agenda_item"]) == (
        "UNEP/MC/COP.2/1", report["title"], "5 (a)")
    assert [v["language"] for v in item["languages"]] == ["en", "fr"]  # es: no file
    assert item["languages"][1]["url"] == "/public/documents/UNEP/MC/COP.2/1/fr"
    listing_etag = _revalidates(documents, listing_path, listing, params={"meeting": "COP-2"})

    download = _ok(_public(documents, item["languages"][1]["url"]))
    assert download.content == french
    assert download.headers["Content-Type"].startswith(DOCX)
    _revalidates(documents, item["languages"][1]["url"], download)

    error = _refused(_public(documents, "/public/documents/UNEP/MC/COP.2/1/ru"), 404,
                     "language_not_published")
    assert "en, fr" in error["message"]
    _refused(_public(documents, "/public/documents/UNEP/MC/COP.2/1/es"), 404,
             "language_not_published")
    # The draft's English file exists, but the public cannot tell it from no document.
    unpublished = _public(documents, f"/public/documents/{draft['symbol']}/en")
    nonexistent = _public(documents, "/public/documents/UNEP/MC/COP.2/99/en")
    assert unpublished.status_code == nonexistent.status_code == 404
    assert unpublished.json()["error"]["code"] == nonexistent.json()["error"]["code"]
    _refused(_public(documents, "/public/documents/" + "UNEP/" * 300 + "1/en"), 404,
             "not_found")
    _refused(_public(documents, listing_path, params={"meeting": "COP-9"}), 404, "not_found")
    _refused(_public(documents, "/public/meetings/COP-9/documents.html"), 404, "not_found")
    _refused(_public(documents, listing_path), 400, "validation_failed")

    information = register_when_known(documents, working_document(
        meeting["id"], kind="information", title="Information for participants",
        agenda_item="2", languages="reduced"))
    publish_reduced(documents, information["id"], {"es": (PDF_BYTES, "application/pdf")})
    changed = _ok(_public(documents, listing_path, params={"meeting": "COP-2"},
                          headers={"If-None-Match": listing_etag}))
    assert changed.headers["ETag"] != listing_etag
    assert [i["symbol"] for i in changed.json()["items"]] == [
        "UNEP/MC/COP.2/1", "UNEP/MC/COP.2/INF/1"]

    feed_path = "/public/documents.atom"
    feed = _ok(_public(documents, feed_path, params={"meeting": "COP-2"}))
    assert feed.headers["Content-Type"].startswith("application/atom+xml")
    entries = ElementTree.fromstring(feed.content).findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "UNEP/MC/COP.2/INF/1: Information for participants",
        f"UNEP/MC/COP.2/1: {report['title']}"]
    french_link = next(link for link in entries[1].findall(f"{ATOM}link")
                       if link.get("hreflang") == "fr")
    assert french_link.get("href") == documents.url + item["languages"][1]["url"]
    _revalidates(documents, feed_path, feed, params={"meeting": "COP-2"})

    page_path = "/public/meetings/COP-2/documents.html"
    french_page = _ok(_public(documents, page_path,
                              headers={"Accept-Language": "de-CH, fr;q=0.8, en;q=0.5"}))
    assert french_page.headers["Content-Type"].startswith("text/html")
    assert french_page.headers["Content-Language"] == "fr"
    assert "Accept-Language" in french_page.headers["Vary"]
    assert "<script" not in french_page.text
    text = _page_text(french_page)
    # Agenda items as a reader counts them: 2 before 5 (a); never the unpublished item 10.
    assert text.index("Point de l'ordre du jour 2") < text.index(
        "Point de l'ordre du jour 5 (a)")
    assert "UNEP/MC/COP.2/1 Report of the Implementation and Compliance Committee " \
           "English Français" in text
    assert "Cette page en : English · Español" in text
    _revalidates(documents, page_path, french_page,
                 headers={"Accept-Language": "de-CH, fr;q=0.8, en;q=0.5"})
    spanish_page = _ok(_public(documents, page_path, params={"lang": "es"}))
    assert spanish_page.headers["Content-Language"] == "es"
    assert "Tema del programa 5 (a)" in _page_text(spanish_page)
    _refused(_public(documents, page_path, params={"lang": "de"}), 400, "validation_failed")

    for public_answer in (listing, changed, feed, french_page, spanish_page):
        for secret in (SECRET_TITLE, draft["symbol"], "unon-dcs", "drafting", "submitted",
                       report["id"], "owner"):
            assert secret not in public_answer.text, (secret, public_answer.url)


def test_meetings_are_public_with_their_dates_and_venue(services):
    registration = services.start("registration")
    schedule_meeting(registration)
    schedule_meeting(registration, code="OEWG-1", title="First open-ended working group",
                     kind="expert", city="Nairobi", country="KEN", starts_on="2018-06-04",
                     ends_on="2018-06-06", symbol_prefix="UNEP/MC/OEWG.1")

    listing = _ok(_public(registration, "/public/meetings"))
    assert [m["code"] for m in listing.json()["items"]] == ["OEWG-1", "COP-2"]
    _revalidates(registration, "/public/meetings", listing)
    meeting = _ok(_public(registration, "/public/meetings/COP-2"))
    assert meeting.json() == {
        "code": "COP-2", "title": "Second meeting of the Conference of the Parties",
        "kind": "cop", "starts_on": "2018-11-19", "ends_on": "2018-11-23", "city": "Geneva",
        "country": "CHE", "symbol_prefix": "UNEP/MC/COP.2", "translations": {}}
    _revalidates(registration, "/public/meetings/COP-2", meeting)
    _refused(_public(registration, "/public/meetings/COP-9"), 404, "not_found")


def test_public_endpoints_are_documented_as_needing_no_token(services):
    expected = {
        "registration": ("/public/meetings", "/public/meetings/{code}"),
        "documents": ("/public/documents", "/public/documents/{symbol}/{lang}",
                      "/public/documents.atom", "/public/meetings/{code}/documents.html"),
    }
    for name, paths in expected.items():
        document = _ok(_public(services.start(name), "/openapi.json")).json()
        for path in paths:
            operation = document["paths"][path]["get"]
            assert "security" not in operation and "401" not in operation["responses"], path
