"""The feed as server-sent events (text/event-stream), resumable with Last-Event-ID.

Each entry is one event whose `id:` is the entry's `seq`, so a client that reconnects
with the last id it saw gets exactly the entries after it. The stream reads the feed
table whenever there is news of an entry (`coord.news`: at once from this process's
consumer, by LISTEN/NOTIFY from other processes on PostgreSQL) and, as a fallback, every
few seconds, so it sees entries recorded by any process sharing the database. It runs
after the worker that answered the request has finished, so it holds only the database
engine and the news, never a worker's dependencies.
"""
import json
import time

from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from coord.errors import Invalid
from services.notifications import usecases
from services.notifications.schemas import FeedEntrySchema

RECONNECT_MS = 3000
ENTRY = FeedEntrySchema()


def resume_position(header, query_value):
    """The seq to resume after: the Last-Event-ID header wins over `?last_event_id=`;
    None when the client gave neither (it gets only what is recorded from now on)."""
    if header is None:
        return query_value
    text = header.strip()
    if not (text.isascii() and text.isdecimal() and len(text) <= 18):
        raise Invalid("Last-Event-ID must be the id of an event from this stream.",
                      code="malformed_last_event_id",
                      fields={"Last-Event-ID": ["Not a non-negative integer."]})
    return int(text)


def frame(entry):
    """One entry as a server-sent event."""
    return f"id: {entry.seq}\ndata: {json.dumps(ENTRY.dump(entry), ensure_ascii=False)}\n\n"


class FeedStream:
    """Iterating it yields the stream's text, forever: entries `caller` reads after
    `after` matching `filters`, then each new one as soon as `news` tells of it, with a
    comment line when idle so proxies and dead clients are noticed."""

    def __init__(self, engine, caller, news, filters, after, *, heartbeat_interval=15.0):
        self.engine = engine
        self.caller = caller  # who reads: only its entries are sent (coord.scope)
        self.news = news
        self.filters = {name: filters.get(name) for name in ("meeting_id", "owner", "type")}
        self.after = after
        self.heartbeat_interval = heartbeat_interval

    def __iter__(self):
        yield f"retry: {RECONNECT_MS}\n\n"
        last_sent = time.monotonic()
        while True:
            ticket = self.news.ticket()
            text = self._next_batch()
            if text:
                last_sent = time.monotonic()
                yield text
                continue
            quiet = time.monotonic() - last_sent
            if quiet >= self.heartbeat_interval:
                last_sent = time.monotonic()
                yield ": still here\n\n"
                continue
            self.news.wait(ticket, min(self.news.fallback_poll, self.heartbeat_interval - quiet))

    def _next_batch(self):
        with Session(self.engine) as session:
            entries = usecases.entries_after(session, self.caller, self.after,
                                              self.filters)
            if entries:
                self.after = entries[-1].seq
            return "".join(frame(entry) for entry in entries)


def response(stream, request):
    """A streamed response that reaches the client event by event."""
    # eventlet's WSGI server otherwise holds small writes back until 4 KiB have gathered
    request.environ["eventlet.minimum_write_chunk_size"] = 0
    return Response(iter(stream), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
