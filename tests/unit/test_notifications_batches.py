"""Notifications writes a batch's feed entries and waiting items as the batch commits:
the feed and what waits on whom come out as if each event had come on its own."""
import pytest
from sqlalchemy import select

from coord.db import UnitOfWork, make_engine
from coord.events import handle_deliveries
from services.notifications import usecases
from services.notifications.models import Base, FeedEntry, WaitingItem
from tests.notifications_support import SAMPLES


def _notifications(url):
    engine = make_engine(url)
    codes = usecases.MeetingCodes()

    def handle(envelopes):
        outcomes = handle_deliveries(lambda: UnitOfWork(engine, Base.metadata, "notifications"),
                                     lambda uow, envelope: usecases.record(uow, envelope, codes),
                                     envelopes)
        assert outcomes == [None] * len(envelopes)

    def stored():
        with engine.connect() as connection:
            feed = connection.execute(select(FeedEntry.id, FeedEntry.owner, FeedEntry.summary)
                                      .order_by(FeedEntry.seq)).all()
            waiting = connection.execute(select(WaitingItem.__table__).order_by(
                WaitingItem.subject_kind, WaitingItem.subject_id)).all()
        return feed, waiting

    return handle, stored


@pytest.fixture
def events():
    """Every sample event, those of a kind all about one subject, so a subject's waiting
    item is set, moved and cleared within the batch; each event twice, as redelivered."""
    envelopes = [sample.envelope(subject_id=f"{sample.subject_kind}-1") for sample in SAMPLES]
    return envelopes + envelopes[::3]


def test_a_batch_leaves_the_feed_and_the_waiting_items_as_one_event_at_a_time_does(
        events, tmp_path, sqlite_databases):
    for name in ("one-by-one", "batched"):
        (tmp_path / name).mkdir()
    one_by_one, batched = (
        _notifications(sqlite_databases.copy("notifications", tmp_path / name))
        for name in ("one-by-one", "batched"))
    handle_one, stored_one = one_by_one
    for envelope in events:
        handle_one([envelope])
    handle_batch, stored_batch = batched
    handle_batch(events[:7])  # a subject's item read, then written, by an earlier batch
    handle_batch(events[7:])

    feed, waiting = stored_batch()
    assert (feed, waiting) == stored_one()
    assert [entry.id for entry in feed] == list(dict.fromkeys(
        envelope["event_id"] for envelope in events))
    assert any(item.owner for item in waiting) and len(waiting) > 3
