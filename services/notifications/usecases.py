"""Notifications' service layer: events in; the feed, what waits on whom and digests out."""
from dataclasses import fields
from datetime import datetime, timezone
from types import SimpleNamespace

from sqlalchemy import bindparam, case, func, insert, select, tuple_, update

from coord import auth, scope
from coord.http import decode_cursor, page
from coord.vocabulary import ORGANISATIONS
from services.notifications import domain
from services.notifications.models import PARTIES, FeedEntry, KnownMeeting, WaitingItem
from services.notifications.names import organisation, text
from services.notifications.summaries import summarise


FEED_TURN = "notifications.feed"


def issue_stream_ticket(uow, caller):
    """A one-minute, read-only ticket for the caller (coord.auth): what a browser's
    EventSource or a feed reader puts in the URL instead of a token."""
    ticket, expires_at = auth.issue_ticket(uow.session, caller)
    return {"ticket": ticket, "expires_at": expires_at}


def record(uow, envelope, meeting_codes):
    """Turn an event into a feed entry and note what its subject now waits on; returns
    the entry's values. (`coord.events` hands over each event once, however often it is
    delivered.)

    Entries are written in turns, so they commit in `seq` order: a stream or a page that
    has passed a `seq` has seen every entry before it (coord.db.UnitOfWork.take_turn).
    Nothing reads an entry or a waiting item back in this transaction, so both are
    written as it commits, for the whole batch at once (`_FeedWrites`)."""
    uow.take_turn(FEED_TURN)
    session = uow.session
    writes = _FeedWrites.of(uow)
    meeting_code = meeting_codes.of_event(session, envelope)
    entry = SimpleNamespace(
        id=envelope["event_id"], at=_aware(datetime.fromisoformat(envelope["occurred_at"])),
        type=envelope["type"], producer=envelope["producer"],
        meeting_id=envelope.get("meeting_id"), actor=envelope["actor"],
        owner=envelope.get("owner"), meeting_code=meeting_code,
        summary=summarise(envelope, meeting_code=meeting_code),
        subject_kind=envelope["subject"]["kind"], subject_id=envelope["subject"]["id"],
        data=envelope.get("data") or {},
    )
    writes.entries.append(vars(entry))
    # Everyone it names is party to its subject from now on, and reads every entry about
    # it, earlier ones included ("now or before", coord.scope). Written at once: a
    # webhook's delivery is decided on it in this transaction.
    scope.become_parties(session, PARTIES, entry.subject_kind, entry.subject_id,
                         *scope.named_in(envelope))
    writes.wait(uow, entry)
    return entry


def _aware(moment):
    """The envelope schema reads a time without a zone as UTC; so does the feed."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class MeetingCodes:
    """The code of each event's meeting: from the event's data, or as its meeting was
    scheduled, so events that name only the meeting's id (support's, for one) still read
    "for COP-2".

    `meeting_scheduled` events are remembered in `known_meetings`, and in this process's
    memory: a meeting's code is read from the database once per process, not once per
    event. A meeting not yet known is not remembered as unknown: its `meeting_scheduled`
    may be handled by another process."""

    def __init__(self):
        self._codes = {}

    def of_event(self, session, envelope):
        data, meeting_id = envelope["data"], envelope.get("meeting_id")
        if envelope["type"] == "meeting_scheduled" and meeting_id:
            meeting = session.get(KnownMeeting, meeting_id) or KnownMeeting(id=meeting_id)
            meeting.code = text(data.get("code"))[:40] or None
            session.add(meeting)
            self._codes[meeting_id] = meeting.code
            return meeting.code
        return (text(data.get("meeting_code"))[:40] or None) or (
            self._known(session, meeting_id) if meeting_id else None)

    def _known(self, session, meeting_id):
        if meeting_id not in self._codes:
            known = session.get(KnownMeeting, meeting_id)
            if known is None:
                return None
            self._codes[meeting_id] = known.code
        return self._codes[meeting_id]


WAITING = WaitingItem.__table__
# Built once: building a statement per event cost as much as running it.
READ_ITEMS = select(WAITING.c.subject_kind, WAITING.c.subject_id,
                    *[WAITING.c[field.name] for field in fields(domain.Waiting)]).where(
    tuple_(WAITING.c.subject_kind, WAITING.c.subject_id).in_(bindparam("subjects", expanding=True)))
ADD_ITEM = insert(WAITING)
CHANGE_ITEM = update(WAITING).where((WAITING.c.subject_kind == bindparam("of_kind"))
                                    & (WAITING.c.subject_id == bindparam("of_id")))
ADD_ENTRY = insert(FeedEntry.__table__)


class _FeedWrites:
    """A unit of work's feed entries and waiting items, written as it commits: the entries
    in one insert, in the order of their events (so `seq` follows them), then the items
    that changed in one insert and one executemany update (which psycopg2 still sends a
    row at a time). The waiting items of every subject the batch's events are about are
    read at the first event, in one statement. Each event took four statements of its
    own before."""

    def __init__(self):
        self.entries = []
        self.stored = {}  # subject → its item as stored (None: none), once read
        self.now = {}  # subject → its item after this unit of work's events

    @classmethod
    def of(cls, uow):
        writes = uow.session.info.get(cls)
        if writes is None:
            writes = uow.session.info[cls] = cls()
            uow.before_commit(cls, lambda: writes.write(uow.session))
        return writes

    def wait(self, uow, entry):
        """What the entry's subject now waits on (coord.waiting, in the events' data)."""
        subject = (entry.subject_kind, entry.subject_id)
        if subject not in self.stored:
            self._read(uow, subject)
        self.now[subject] = domain.after_event(
            self.now[subject], entry.type, entry.owner, entry.at, entry.id,
            entry.data.get("waiting", domain.NOT_STATED))

    def _read(self, uow, subject):
        batch = {(envelope["subject"]["kind"], envelope["subject"]["id"])
                 for envelope in uow.deliveries}
        wanted = sorted(({subject} | batch) - self.stored.keys())
        for kind, id_, *item in uow.session.execute(READ_ITEMS, {"subjects": wanted}):
            self.stored[(kind, id_)] = domain.Waiting(*item)
        for missing in wanted:
            self.stored.setdefault(missing, None)
            self.now.setdefault(missing, self.stored[missing])

    def write(self, session):
        if self.entries:
            session.execute(ADD_ENTRY, self.entries)
        added, changed = [], []
        for (kind, id_), state in self.now.items():
            if state is self.stored[(kind, id_)]:
                continue
            if self.stored[(kind, id_)] is None:
                added.append({"subject_kind": kind, "subject_id": id_, **vars(state)})
            else:
                changed.append({"of_kind": kind, "of_id": id_, **vars(state)})
        if added:
            session.execute(ADD_ITEM, added)
        if changed:
            session.execute(CHANGE_ITEM, changed)


def _readable_by(statement, caller, kind_column, id_column):
    """Only what `caller` reads: all for `mc`, else subjects it is party to."""
    if scope.reads_everything(caller):
        return statement
    return statement.where(scope.party_to(PARTIES, caller, kind_column, id_column))


def _filtered(statement, caller, filters):
    statement = _readable_by(statement, caller, FeedEntry.subject_kind, FeedEntry.subject_id)
    for column in ("meeting_id", "owner", "type"):
        if filters.get(column):
            statement = statement.where(getattr(FeedEntry, column) == filters[column])
    if filters.get("waiting_on"):
        statement = statement.where(FeedEntry.id.in_(
            select(WaitingItem.entry_id).where(WaitingItem.owner == filters["waiting_on"])))
    return statement


def feed(uow, caller, query):
    """The entries `caller` reads, newest first, filtered; the cursor is the last entry's
    sequence number."""
    statement = _filtered(select(FeedEntry).order_by(FeedEntry.seq.desc()), caller, query)
    if query.get("since"):
        statement = statement.where(FeedEntry.at >= query["since"])
    position = decode_cursor(query.get("cursor"), expected=int)
    if position is not None:
        statement = statement.where(FeedEntry.seq < position)
    entries = uow.session.scalars(statement.limit(query["limit"] + 1)).all()
    return page(entries, query["limit"], lambda entry: entry.seq)


def newest_seq(uow):
    """The sequence number of the newest entry (0 for an empty feed)."""
    return uow.session.scalar(select(func.max(FeedEntry.seq))) or 0


def entries_after(session, caller, seq, filters, limit=100):
    """The entries `caller` reads after `seq`, oldest first: what a stream that has sent
    `seq` sends next."""
    statement = _filtered(select(FeedEntry).where(FeedEntry.seq > seq), caller, filters)
    return session.scalars(statement.order_by(FeedEntry.seq).limit(limit)).all()


def waiting_overview(uow, caller):
    """For every organisation, how many of the items `caller` reads wait on it and how
    many of those are late."""
    rows = uow.session.execute(_readable_by(
        select(WaitingItem.owner, func.count(), func.sum(case((WaitingItem.late, 1), else_=0)))
        .where(WaitingItem.owner.is_not(None)), caller,
        WaitingItem.subject_kind, WaitingItem.subject_id).group_by(WaitingItem.owner)).all()
    counts = {owner: (waiting, int(late or 0)) for owner, waiting, late in rows}
    return {"organisations": [
        {"owner": code, "owner_name": organisation(code),
         "waiting": counts.get(code, (0, 0))[0], "late": counts.get(code, (0, 0))[1]}
        for code in ORGANISATIONS]}


def digest(uow, caller, owner, now):
    """What currently waits on `owner`, of what `caller` reads: late items first, then the
    longest waiting."""
    rows = uow.session.execute(_readable_by(
        select(WaitingItem, FeedEntry)
        .join(FeedEntry, FeedEntry.id == WaitingItem.entry_id)
        .where(WaitingItem.owner == owner), caller,
        WaitingItem.subject_kind, WaitingItem.subject_id)
        .order_by(WaitingItem.late.desc(), WaitingItem.since, FeedEntry.seq)).all()
    items = [{
        "subject": {"kind": item.subject_kind, "id": item.subject_id},
        "meeting_id": entry.meeting_id, "meeting_code": entry.meeting_code, "since": item.since,
        "days_waiting": domain.days_waiting(item.since, now), "late": item.late,
        "action": item.action,
        "type": entry.type, "summary": entry.summary,
    } for item, entry in rows]
    return {"owner": owner, "owner_name": organisation(owner), "generated_at": now,
            "waiting": len(items), "late": sum(1 for item in items if item["late"]),
            "items": items}
