"""Life cycles as data: `{status: {action: what the action leads to}}`.

Each service keeps its own table of moves in its domain module; this is only the one
way every service refuses an illegal move, so partners always read the same 409.
"""
from coord.errors import Conflict


def follow(moves, current, action, subject):
    """What `action` leads to from `current`, or a 409 naming the moves allowed there."""
    allowed = moves.get(current, {})
    if action not in allowed:
        names = ", ".join(sorted(allowed)) or "none (final state)"
        raise Conflict(f"A {current} {subject} cannot {action}; allowed: {names}.",
                       code="illegal_transition")
    return allowed[action]
