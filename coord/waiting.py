"""What an open item waits for, as its producer states it in every event about it.

"Who waits on whom" is state, not history: each service knows, for each of its items,
who must act next and what action clears the wait, and says so in every event it emits
about the item. The envelope's `owner` names who must act; `data.waiting` says what:

    "waiting": {"action": "record the ticket refund", "due_on": "2018-11-05", "late": true}

or `"waiting": null` when nothing waits on anyone. Consumers (notifications) keep the
latest statement per item and nothing else, so a wait disappears the moment an event
says it is cleared, and lateness is whatever the producer last said (a producer says it
again when the day makes an item late: `document_late`, `travel_case_overdue`).

The same rule answers a service's own `?owner=` filter, so the two cannot disagree.
"""
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Wait:
    """One item waits on `owner` to do `action` (a verb phrase: "issue the ticket"),
    by `due_on` when there is a deadline; `late` once that deadline has passed."""

    owner: str
    action: str
    due_on: date | None = None
    late: bool = False


def as_data(wait):
    """A wait as an event's `data.waiting` (None: nothing waits)."""
    if wait is None:
        return None
    return {"action": wait.action,
            "due_on": wait.due_on.isoformat() if wait.due_on else None,
            "late": wait.late}


def owner_of(wait):
    """The envelope's `owner` for an item in this state."""
    return None if wait is None else wait.owner
