"""The feed's rules, in plain Python: what is late, and what waits on whom.

An item (a subject: a registration, a travel case, a document...) waits on the owner named
by the latest event about it. Events can arrive out of order, so "latest" means latest
`occurred_at`: an older event that arrives late is in the feed but does not change who
the item waits on.
"""
from dataclasses import dataclass
from datetime import datetime

LATE_EVENT_TYPES = frozenset({"document_late"})


def entry_is_late(event_type):
    """Whether an event itself reports something late (staff see it highlighted)."""
    return event_type in LATE_EVENT_TYPES


@dataclass(frozen=True)
class Waiting:
    """Who an item waits on, since when, whether it is late, and the latest event."""

    owner: str | None
    since: datetime
    late: bool
    latest_at: datetime
    entry_id: str


def after_event(current, event_type, owner, occurred_at, entry_id):
    """What an item waits on once an event about it is recorded.

    An event older than the one that set the current state changes nothing. While the
    item keeps its owner it keeps its waiting time and stays late once late (a
    contribution to a late document does not make it on time); when the work moves to
    someone else, both start afresh.
    """
    if current is not None and occurred_at < current.latest_at:
        return current
    same_owner = current is not None and current.owner == owner
    return Waiting(
        owner=owner, since=current.since if same_owner else occurred_at,
        late=entry_is_late(event_type) or (same_owner and current.late),
        latest_at=occurred_at, entry_id=entry_id)


def days_waiting(since, now):
    """Whole days an item has waited, never negative (clocks of producers differ)."""
    return max((now - since).days, 0)
