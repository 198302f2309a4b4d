import uuid

import pytest

from coord.envelope import ENVELOPE, Event
from coord.errors import Invalid
from coord.http import decode_cursor, encode_cursor, page


def test_a_cursor_round_trips_and_is_refused_when_tampered_with():
    assert decode_cursor(encode_cursor(["2018-11-19", "abc"])) == ["2018-11-19", "abc"]
    with pytest.raises(Invalid):
        decode_cursor("not-base64-json")
    with pytest.raises(Invalid):
        decode_cursor(encode_cursor("text"), expected=int)


def test_a_page_has_a_cursor_only_when_more_items_follow():
    assert page([1, 2], 2, str) == {"items": [1, 2], "next_cursor": None}
    cut = page([1, 2, 3], 2, lambda item: item)
    assert cut["items"] == [1, 2] and decode_cursor(cut["next_cursor"]) == 2


def test_an_event_becomes_a_valid_envelope():
    envelope = Event("ticket_issued", "travel_case", "c-1", actor="brs", owner="chb",
                     meeting_id="m-1", data={"fare": {"amount": "812.40"}}).envelope("travel")
    assert ENVELOPE.validate(envelope) == {}
    assert uuid.UUID(envelope["event_id"])
    assert envelope["subject"] == {"kind": "travel_case", "id": "c-1"}
    assert envelope["occurred_at"].endswith("+00:00")


def test_an_envelope_names_organisations_by_code_standing_or_made_since():
    for actor in ("brs", "party-ZMB", "green-mekong"):
        assert not ENVELOPE.validate(Event("x", "y", "z", actor=actor).envelope("travel"))
    for actor in ("Acme Inc", "party-zmb", "BRS", ""):
        envelope = Event("x", "y", "z", actor=actor).envelope("travel")
        assert "actor" in ENVELOPE.validate(envelope)


def test_money_is_written_to_its_currency_minor_units_and_refused_past_them():
    from decimal import Decimal

    from marshmallow import ValidationError

    from coord.money import MoneySchema

    assert MoneySchema().load({"amount": "100.5", "currency": "USD"}) == {
        "amount": Decimal("100.50"), "currency": "USD"}
    assert MoneySchema().load({"amount": "1200", "currency": "JPY"})["amount"] == Decimal("1200")
    for bad in ({"amount": 100.5, "currency": "USD"}, {"amount": "1.005", "currency": "USD"},
                {"amount": "-3", "currency": "USD"}, {"amount": "3", "currency": "XYZ"}):
        with pytest.raises(ValidationError):
            MoneySchema().load(bad)
