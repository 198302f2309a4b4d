"""Notifications' service layer: events in, feed entries out."""
from datetime import datetime

from sqlalchemy import select

from coord.http import decode_cursor, page
from services.notifications.models import FeedEntry
from services.notifications.summaries import summarise


def record(uow, envelope):
    """Turn an event into a feed entry, once, however often it is delivered."""
    if not uow.first_delivery(envelope["event_id"]):
        return None
    entry = FeedEntry(
        id=envelope["event_id"], at=datetime.fromisoformat(envelope["occurred_at"]),
        type=envelope["type"], producer=envelope["producer"],
        meeting_id=envelope.get("meeting_id"), actor=envelope["actor"],
        owner=envelope.get("owner"), summary=summarise(envelope),
        subject_kind=envelope["subject"]["kind"], subject_id=envelope["subject"]["id"],
        data=envelope.get("data") or {},
    )
    uow.session.add(entry)
    return entry


def feed(uow, query):
    """Entries newest first, filtered; the cursor is the last entry's sequence number."""
    statement = select(FeedEntry).order_by(FeedEntry.seq.desc())
    for column in ("meeting_id", "owner", "type"):
        if query.get(column):
            statement = statement.where(getattr(FeedEntry, column) == query[column])
    if query.get("since"):
        statement = statement.where(FeedEntry.at >= query["since"])
    position = decode_cursor(query["cursor"], expected=int)
    if position is not None:
        statement = statement.where(FeedEntry.seq < position)
    entries = uow.session.scalars(statement.limit(query["limit"] + 1)).all()
    return page(entries, query["limit"], lambda entry: entry.seq)
