"""Registration rules, as plain Python (no nameko, no database): unit-testable in ms."""
from coord.errors import Conflict, Invalid

NOMINATED, CONFIRMED, REJECTED, WITHDRAWN, CHECKED_IN = (
    "nominated", "confirmed", "rejected", "withdrawn", "checked_in")
STATUSES = (NOMINATED, CONFIRMED, REJECTED, WITHDRAWN, CHECKED_IN)

# action -> status it leads to, per current status
MOVES = {
    NOMINATED: {"confirm": CONFIRMED, "reject": REJECTED, "withdraw": WITHDRAWN},
    CONFIRMED: {"check-in": CHECKED_IN, "withdraw": WITHDRAWN},
}

MEETING_KINDS = ("cop", "bureau", "regional", "expert", "committee", "webinar")
CATEGORIES = ("party", "observer-state", "igo", "ngo", "secretariat", "media")


def next_status(current, action):
    """The status `action` leads to from `current`, or a 409 naming the allowed moves."""
    allowed = MOVES.get(current, {})
    if action not in allowed:
        moves = ", ".join(sorted(allowed)) or "none (final state)"
        raise Conflict(f"A {current} registration cannot {action}; allowed: {moves}.",
                       code="illegal_transition")
    return allowed[action]


def check_meeting_dates(starts_on, ends_on):
    if ends_on < starts_on:
        raise Invalid("The meeting cannot end before it starts.",
                      fields={"ends_on": ["Must not be before starts_on."]})


def check_funding(*, country_name, eligible, funded_from_country):
    """Funded participation: an eligible country, one funded participant per country."""
    if not eligible:
        raise Conflict(f"{country_name} is not eligible for funded participation.",
                       code="funding_not_eligible")
    if funded_from_country:
        raise Conflict(f"{country_name} already has a funded participant at this meeting.",
                       code="funding_quota")
