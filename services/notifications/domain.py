"""The feed's rules, in plain Python: what is late, and what waits on whom.

An item (a subject: a registration, a travel case, a document...) waits on the owner named
by the latest event about it, for the action that event's `data.waiting` names
(coord.waiting): the producer's statement of the item's state, so a wait that is done is
gone at once. Events can arrive out of order, so "latest" means latest `occurred_at`: an
older event that arrives late is in the feed but does not change who the item waits on.
Events without the statement (producers of an older version) fall back to their
`owner`, and to their type for lateness.
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
    action: str | None = None


NOT_STATED = object()


def after_event(current, event_type, owner, occurred_at, entry_id, stated=NOT_STATED):
    """What an item waits on once an event about it is recorded.

    `stated` is the event's `data.waiting` (None: nothing waits), or NOT_STATED when the
    event does not carry one. An event older than the one that set the current state
    changes nothing. While the item keeps its owner it keeps its waiting time; when the
    work moves to someone else (or to another action) it starts afresh. A stated wait is
    late exactly when its producer says so; without one, an item stays late once late
    while it keeps its owner.
    """
    if current is not None and occurred_at < current.latest_at:
        return current
    if stated is NOT_STATED:
        action = None
        same_owner = current is not None and current.owner == owner
        late = entry_is_late(event_type) or (same_owner and current.late)
    else:
        stated = stated if isinstance(stated, dict) else {}
        owner = owner if stated else None
        action = stated.get("action")[:200] if isinstance(stated.get("action"), str) else None
        same_owner = (current is not None and current.owner == owner
                      and current.action == action)
        late = stated.get("late") is True
    return Waiting(
        owner=owner, since=current.since if same_owner else occurred_at, late=late,
        latest_at=occurred_at, entry_id=entry_id, action=action)


def days_waiting(since, now):
    """Whole days an item has waited, never negative (clocks of producers differ)."""
    return max((now - since).days, 0)
