"""Symbols are assigned per meeting and series, without gaps, while created concurrently."""
from concurrent.futures import ThreadPoolExecutor

from tests.documents_support import (
    announce_meeting, register_when_known, working_document,
)


def _create_concurrently(documents, bodies):
    def create(body):
        response = documents.client.post("/documents", json=body)
        assert response.status_code == 201, response.text
        return response.json()["symbol"]

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(create, bodies))


def _numbered(prefix, count):
    return {f"{prefix}/{n}" for n in range(1, count + 1)}


def _assert_gap_free_under_concurrency(services, documents):
    meeting_id = announce_meeting(services)
    register_when_known(documents, working_document(meeting_id))  # UNEP/MC/COP.2/1
    bodies = [working_document(meeting_id, kind="information" if n % 3 == 0 else "working")
              for n in range(20)]
    symbols = _create_concurrently(documents, bodies)

    assert len(set(symbols)) == 20
    assert {s for s in symbols if "/INF/" not in s} | {"UNEP/MC/COP.2/1"} == _numbered(
        "UNEP/MC/COP.2", 14)
    assert {s for s in symbols if "/INF/" in s} == _numbered("UNEP/MC/COP.2/INF", 7)
    assert _all_pages(documents, meeting_id) == set(symbols) | {"UNEP/MC/COP.2/1"}


def _all_pages(documents, meeting_id):
    """Every symbol of the meeting, following next_cursor page by page."""
    symbols, cursor = set(), None
    while True:
        params = {"meeting_id": meeting_id, "limit": 6, **({"cursor": cursor} if cursor else {})}
        response = documents.client.get("/documents", params=params)
        assert response.status_code == 200, response.text
        symbols |= {document["symbol"] for document in response.json()["items"]}
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return symbols


def test_twenty_documents_created_at_once_get_gap_free_symbols(services):
    _assert_gap_free_under_concurrency(services, services.start("documents"))


def test_addenda_revisions_and_corrigenda_are_numbered_per_parent(services):
    documents = services.start("documents")
    meeting_id = announce_meeting(services)
    parents = [register_when_known(documents, working_document(meeting_id)) for _ in range(2)]
    bodies = [working_document(meeting_id, parent_id=parent["id"], relation=relation)
              for parent in parents for relation in ("add", "add", "rev", "corr")]
    symbols = _create_concurrently(documents, bodies)
    assert sorted(symbols) == [
        "UNEP/MC/COP.2/1/Add.1", "UNEP/MC/COP.2/1/Add.2", "UNEP/MC/COP.2/1/Corr.1",
        "UNEP/MC/COP.2/1/Rev.1", "UNEP/MC/COP.2/2/Add.1", "UNEP/MC/COP.2/2/Add.2",
        "UNEP/MC/COP.2/2/Corr.1", "UNEP/MC/COP.2/2/Rev.1"]
    addendum = documents.client.get("/documents", params={"limit": 3}).json()["items"][2]
    assert (addendum["parent_id"], addendum["relation"]) == (parents[0]["id"], "add")
    revised = register_when_known(documents, working_document(
        meeting_id, parent_id=addendum["id"], relation="rev"))
    assert revised["symbol"] == addendum["symbol"] + "/Rev.1"

