"""Events are handled in batches (`coord.events.handle_deliveries`), on a real service
database: each event once however often and in whatever batches it comes, one failing
event never takes its batch down, and token events are kept, not handed on."""
import json

import pytest
from sqlalchemy import select

from coord.auth import TOKEN_ISSUED, TOKEN_TABLE
from coord.db import OUTBOX, UnitOfWork, make_engine
from coord.envelope import Event
from coord.events import handle_deliveries
from services.travel.models import Base


@pytest.fixture
def unit_of_work(database_kind, sqlite_databases, postgresql, tmp_path):
    url = (postgresql("travel") if database_kind == "postgresql"
           else sqlite_databases.copy("travel", tmp_path))
    engine = make_engine(url)
    yield lambda: UnitOfWork(engine, Base.metadata, "travel")
    engine.dispose()


def happened(name, data=None):
    return Event(name, "meeting", "m-1", actor="mc", data=data or {}).envelope("registration")


class Recorder:
    """A handler whose effect is an event in the outbox, failing on events named 'bad'."""

    def __init__(self):
        self.handed = []

    def __call__(self, uow, envelope):
        self.handed.append(envelope["type"])
        uow.emit(Event("seen", "meeting", "m-1", actor="mc",
                       data={"of": envelope["type"]}))
        if envelope["type"] == "bad":
            raise ValueError("cannot handle this one")


def effects(unit_of_work):
    outbox = Base.metadata.tables[OUTBOX]
    with unit_of_work() as uow:
        return [json.loads(payload)["data"]["of"] for payload in uow.session.scalars(
            select(outbox.c.payload).order_by(outbox.c.seq))]


def test_each_event_is_handled_once_however_often_and_in_whichever_batch_it_comes(
        unit_of_work):
    first, second, third = happened("first"), happened("second"), happened("third")
    handler = Recorder()

    assert handle_deliveries(unit_of_work, handler, [first, second, first]) == [None] * 3
    assert handle_deliveries(unit_of_work, handler, [second, third]) == [None] * 2

    assert handler.handed == ["first", "second", "third"]
    assert effects(unit_of_work) == ["first", "second", "third"]


def test_a_failing_event_delays_its_batch_but_takes_none_of_it_down(unit_of_work):
    before, bad, after = happened("before"), happened("bad"), happened("after")
    handler = Recorder()

    outcomes = handle_deliveries(unit_of_work, handler, [before, bad, after])

    assert [outcome is None for outcome in outcomes] == [True, False, True]
    assert outcomes[1][0] is ValueError
    assert effects(unit_of_work) == ["before", "after"]  # nothing of the failed one
    # The failure claimed nothing: the event, redelivered once its cause is fixed, is
    # handled; the others are not handled again.
    handle_deliveries(unit_of_work, lambda uow, envelope: handler.handed.append("fixed"),
                      [before, bad, after])
    assert handler.handed[-1] == "fixed" and handler.handed.count("fixed") == 1


def test_token_events_are_kept_for_authentication_and_not_handed_on(unit_of_work):
    token = Event(TOKEN_ISSUED, "organisation", "party-ZMB", actor="mc", data={
        "token_id": "t-1", "organisation": "party-ZMB", "kind": "focal_point",
        "digest": "0" * 64}).envelope("registration")
    handler = Recorder()

    assert handle_deliveries(unit_of_work, handler, [token, happened("other")]) == [None] * 2

    assert handler.handed == ["other"]
    with unit_of_work() as uow:
        assert uow.session.scalar(select(TOKEN_TABLE.c.organisation)) == "party-ZMB"
