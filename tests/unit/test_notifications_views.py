"""The feed's other shapes: Atom for feed readers, text digests, server-sent events."""
import json
from datetime import datetime, timezone
from types import SimpleNamespace

import feedparser
import pytest

from coord.errors import Invalid
from services.notifications import atom, digest, stream

AT = datetime(2018, 11, 19, 8, 30, tzinfo=timezone.utc)


def entry(seq, summary="BRS issued the ticket for Ana Pérez (Peru) to COP-2.",
          type_="ticket_issued", late=False):
    return SimpleNamespace(
        seq=seq, id=f"00000000-0000-4000-8000-{seq:012d}", at=AT, type=type_,
        meeting_id="m-1", meeting_code="COP-2", actor="brs", owner="chb", summary=summary,
        subject_kind="travel_case", subject_id="c-1", late=late)


def test_atom_is_parsed_by_a_feed_reader():
    document = atom.render(
        [entry(2, "Late & <urgent>", "document_late", late=True), entry(1)],
        self_url="http://staff.example/feed.atom?owner=chb", page_url="http://staff.example/",
        filters={"owner": "chb"})
    parsed = feedparser.parse(document)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    assert "owner chb" in parsed.feed.subtitle
    assert [item.title for item in parsed.entries] == [
        "LATE: Late & <urgent>", "BRS issued the ticket for Ana Pérez (Peru) to COP-2."]
    assert parsed.entries[1].id == "urn:uuid:00000000-0000-4000-8000-000000000001"
    assert parsed.entries[1].author == "BRS"
    assert parsed.entries[1].tags[0].term == "ticket_issued"


def test_an_empty_atom_feed_is_still_valid():
    parsed = feedparser.parse(atom.render([], self_url="http://x/feed.atom",
                                          page_url="http://x/", filters={}))
    assert not parsed.bozo and parsed.entries == []


def waiting(summary, meeting_code, days, late=False):
    return {"summary": summary, "meeting_code": meeting_code, "days_waiting": days,
            "late": late}


def test_the_text_digest_groups_by_meeting_and_says_what_is_late():
    text = digest.as_text({
        "owner_name": "BRS", "generated_at": AT, "waiting": 3, "late": 1, "items": [
            waiting("A document is late; it is waiting on BRS.", "COP-2", 3, True),
            waiting("The secretariat asked BRS for IT equipment for BUR-3 (laptops, a long "
                    "description that needs wrapping to stay readable in an e-mail); BRS is "
                    "to accept or decline it.", "BUR-3", 1),
            waiting("A travel case waits on BRS.", None, 0),
        ]})
    assert text.splitlines()[0] == (
        "Waiting on BRS: 3 items, 1 of them late (2018-11-19 08:30 UTC).")
    assert "COP-2\n- [late, 3 days] A document is late; it is waiting on BRS.\n" in text
    assert "BUR-3\n- [1 day] The secretariat asked BRS" in text
    assert "\n  " in text  # the long line wrapped, indented
    assert all(len(line) <= 78 for line in text.splitlines())
    assert "Other\n- [today] A travel case waits on BRS." in text


def test_an_empty_digest_says_so():
    text = digest.as_text({"owner_name": "CHB", "generated_at": AT, "waiting": 0, "late": 0,
                           "items": []})
    assert text == "Nothing is waiting on CHB (2018-11-19 08:30 UTC).\n"


def test_each_server_sent_event_carries_the_entrys_seq_as_its_id():
    framed = stream.frame(entry(7))
    lines = framed.split("\n")
    assert lines[0] == "id: 7"
    assert json.loads(lines[1].removeprefix("data: "))["seq"] == 7
    assert framed.endswith("\n\n") and len(lines) == 4


@pytest.mark.parametrize("header, query, expected", [
    (None, None, None), (None, 4, 4), ("12", 4, 12), (" 0 ", None, 0)])
def test_the_stream_resumes_after_last_event_id_header_first(header, query, expected):
    assert stream.resume_position(header, query) == expected


@pytest.mark.parametrize("header", ["abc", "-1", "", "1.5"])
def test_a_malformed_last_event_id_is_refused(header):
    with pytest.raises(Invalid) as refused:
        stream.resume_position(header, None)
    assert "Last-Event-ID" in refused.value.fields


def test_an_entry_with_characters_xml_cannot_hold_does_not_break_the_atom_feed():
    from services.notifications.atom import render

    class Entry:
        id, actor, type, late = "e-1", "mc", "x", False
        at = datetime(2018, 11, 19, tzinfo=timezone.utc)
        summary = "Ana\x01 was nominated."

    document = render([Entry()], self_url="http://h/feed.atom", page_url="http://h/", filters={})
    parsed = feedparser.parse(document)
    assert not parsed.bozo and parsed.entries[0].title == "Ana\ufffd was nominated."


@pytest.mark.parametrize("header", ["²", "-1", "1e3", "99999999999999999999"])
def test_a_last_event_id_that_is_not_a_plain_number_is_refused(header):
    from coord.errors import Invalid
    from services.notifications.stream import resume_position

    with pytest.raises(Invalid):
        resume_position(header, None)


def test_a_since_before_any_meeting_could_exist_is_refused():
    from marshmallow import ValidationError

    from services.notifications.schemas import FeedQuery

    with pytest.raises(ValidationError):
        FeedQuery().load({"since": "0001-01-01T00:00:00+01:00"})
