"""Travel rules, as plain Python (no nameko, no database): unit-testable in milliseconds.

A travel case carries two pieces of work with their own owners: the ticket (travel
owner) and the DSA payment (DSA owner). Its status says which of the two are done.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from coord.errors import Conflict, Invalid
from coord.vocabulary import ORGANISER
from coord.waiting import Wait

OPEN, TICKETED, DSA_PAID, CLOSED, CANCELLED = (
    "open", "ticketed", "dsa_paid", "closed", "cancelled")
STATUSES = (OPEN, TICKETED, DSA_PAID, CLOSED, CANCELLED)
AWAITING_TICKET = (OPEN, DSA_PAID)
AWAITING_DSA = (OPEN, TICKETED)

TRAVEL, DSA_PAYMENT = "travel", "dsa_payment"
ROUTED_CATEGORIES = (TRAVEL, DSA_PAYMENT)
OWN_BASIS = "own"

DEFAULT_TRAVEL_DAYS = 1
TICKET_LEAD_DAYS = 14    # a ticket is due two weeks before the meeting opens
TRAVEL_WINDOW_DAYS = 14  # how far before/after the meeting a trip may start/end


# Status: which of the two pieces of work are done.

def status_after_ticket(status):
    """The status once a ticket is issued, or a 409 when the case cannot take one."""
    if status == CANCELLED:
        raise Conflict("The case is cancelled; it takes no ticket.", code="case_cancelled")
    if status not in AWAITING_TICKET:
        raise Conflict("The case already has a ticket; a case takes one ticket.",
                       code="already_ticketed")
    return TICKETED if status == OPEN else CLOSED


def status_after_dsa_payment(status):
    """The status once the DSA is paid, or a 409 when the case cannot take a payment."""
    if status == CANCELLED:
        raise Conflict("The case is cancelled; no DSA is paid on it.", code="case_cancelled")
    if status not in AWAITING_DSA:
        raise Conflict("The DSA of this case is already paid.", code="already_paid")
    return DSA_PAID if status == OPEN else CLOSED


def next_owner(status, travel_owner, dsa_owner, refund_due=False):
    """Who must act next: the ticket first, then the DSA; after a cancellation, the
    travel owner when a ticket must be refunded. One owner at a time, so the case waits
    on one organisation in every list (`GET /travel-cases?owner=`, the feed's)."""
    if status == CANCELLED:
        return travel_owner if refund_due else None
    if status in AWAITING_TICKET:
        return travel_owner
    if status in AWAITING_DSA:
        return dsa_owner
    return None


def waiting(status, travel_owner, dsa_owner, refund_due, starts_on, today):
    """What the case waits for (coord.waiting), as every travel event states it: the
    ticket (late once its due day has passed), then the DSA, or a cancelled ticket's
    refund; None once nothing is left to do."""
    owner = next_owner(status, travel_owner, dsa_owner, refund_due)
    if owner is None:
        return None
    if status == CANCELLED:
        return Wait(owner, "record the ticket refund")
    if status in AWAITING_TICKET:
        return Wait(owner, "issue the ticket", due_on=ticket_due_on(starts_on),
                    late=is_overdue(status, starts_on, today))
    return Wait(owner, "pay the DSA")


def check_refund(status, refund_due, fare_amount, fare_currency, amount, currency):
    """A refund is recorded once, on a cancelled case whose ticket was issued, in the
    fare's currency and for at most the fare."""
    if status != CANCELLED or not refund_due:
        raise Conflict("Only a cancelled case with an issued ticket awaits a refund; this "
                       "one does not (or its refund is already recorded).",
                       code="no_refund_due")
    if currency != fare_currency:
        raise Invalid(f"The fare was paid in {fare_currency}; record the refund in it.",
                      fields={"amount": {"currency": [f"Must be {fare_currency}."]}})
    if amount > fare_amount:
        raise Invalid(f"The refund is more than the fare of {fare_amount} {fare_currency}.",
                      code="refund_exceeds_fare",
                      fields={"amount": {"amount": [f"At most {fare_amount}."]}})


# Routing: who books the ticket and who pays the DSA.

@dataclass(frozen=True)
class Route:
    owner: str
    basis: str
    agreement_id: str | None


DEFAULT_ROUTE = Route(ORGANISER, OWN_BASIS, None)


def route(category, region, agreements):
    """The route for one piece of work: the meeting's agreement for `category` that
    covers `region`, else the organiser on its own.

    Several may apply: one naming the region beats one for every region (regions None),
    and among equals the latest recorded wins, so a newer agreement supersedes an older.
    `agreements`: objects with id, category, provider, basis, regions, recorded_at.
    """
    applicable = [a for a in agreements
                  if a.category == category and (a.regions is None or region in a.regions)]
    if not applicable:
        return DEFAULT_ROUTE
    best = max(applicable, key=lambda a: (a.regions is not None, a.recorded_at, a.id))
    return Route(best.provider, best.basis, best.id)


@dataclass(frozen=True)
class Reroute:
    """What changes when a case is routed again; None for a side that keeps its route."""

    travel: Route | None
    dsa: Route | None

    def __bool__(self):
        return self.travel is not None or self.dsa is not None


def reroute(status, current_travel, current_dsa, new_travel, new_dsa):
    """Move only the work still to do: a ticketed case keeps its travel owner, a paid case
    its DSA owner (the owner who did the work is the one to be reimbursed), and a
    cancelled case keeps both."""
    if status == CANCELLED:
        return Reroute(None, None)
    travel = new_travel if status in AWAITING_TICKET and new_travel != current_travel else None
    dsa = new_dsa if status in AWAITING_DSA and new_dsa != current_dsa else None
    return Reroute(travel, dsa)


# DSA entitlement.

@dataclass(frozen=True)
class Entitlement:
    amount: Decimal
    currency: str
    daily_rate: Decimal
    meeting_days: int
    travel_days: int
    city: str
    valid_from: date


def meeting_days(starts_on, ends_on):
    """Days of the meeting, both ends included."""
    return (ends_on - starts_on).days + 1


def entitlement(rate, starts_on, ends_on):
    """DSA owed: daily rate x (meeting days + travel days).

    `rate`: object with daily_amount, currency, travel_days, city, valid_from.
    """
    days = meeting_days(starts_on, ends_on)
    return Entitlement(
        amount=rate.daily_amount * (days + rate.travel_days), currency=rate.currency,
        daily_rate=rate.daily_amount, meeting_days=days, travel_days=rate.travel_days,
        city=rate.city, valid_from=rate.valid_from)


def check_city(city):
    """A duty station's name as given in a request, tidied; 400 when it names nothing."""
    tidy = " ".join(city.split())
    if not 1 <= len(tidy) <= 100:
        raise Invalid("Name the city in the path, e.g. /dsa-rates/Geneva.",
                      fields={"city": ["Between 1 and 100 characters."]})
    return tidy


def city_key(city):
    """How cities are matched: 'Geneva', 'geneva ' and 'GENEVA' are one duty station."""
    return " ".join(city.split()).casefold()


# Tickets and payments.

def check_ticket_dates(outbound_on, return_on, starts_on, ends_on):
    """A trip that gets the participant to the meeting and home: the return not before
    the outbound, the outbound by the last meeting day and at most TRAVEL_WINDOW_DAYS
    before the opening, the return from the first day and at most TRAVEL_WINDOW_DAYS
    after the closing."""
    problems = {}
    if return_on < outbound_on:
        problems["return_on"] = ["Must not be before outbound_on."]
    earliest, latest = (starts_on - timedelta(days=TRAVEL_WINDOW_DAYS),
                        ends_on + timedelta(days=TRAVEL_WINDOW_DAYS))
    if not earliest <= outbound_on <= ends_on:
        problems.setdefault("outbound_on", []).append(
            f"Must be between {earliest.isoformat()} and {ends_on.isoformat()}.")
    if not starts_on <= return_on <= latest:
        problems.setdefault("return_on", []).append(
            f"Must be between {starts_on.isoformat()} and {latest.isoformat()}.")
    if problems:
        raise Invalid("The travel dates do not fit the meeting "
                      f"({starts_on.isoformat()} to {ends_on.isoformat()}).", fields=problems)


def check_dsa_payment(amount, currency, owed, reason):
    """A payment that differs from the entitlement (or with no entitlement fixed yet)
    must say why, so the difference can be audited."""
    if reason:
        return
    if owed is None:
        raise Invalid("The entitlement is not fixed yet; say why this amount is paid.",
                      code="reason_required", fields={"reason": ["Required."]})
    if (amount, currency) != (owed.amount, owed.currency):
        raise Invalid(f"The payment differs from the entitlement of {owed.amount} "
                      f"{owed.currency}; say why.",
                      code="reason_required", fields={"reason": ["Required."]})


# Deadlines.

def ticket_due_on(starts_on):
    return starts_on - timedelta(days=TICKET_LEAD_DAYS) if starts_on else None


def is_overdue(status, starts_on, today):
    """No ticket yet, and the day it was due (two weeks before the opening) has passed."""
    due = ticket_due_on(starts_on)
    return status in AWAITING_TICKET and due is not None and today > due


def overdue_if_starting_before(today):
    """`is_overdue` for a query: a case awaiting its ticket is overdue when its meeting
    starts before this day."""
    return today + timedelta(days=TICKET_LEAD_DAYS)
