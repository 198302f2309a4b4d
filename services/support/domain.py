"""Support rules, as plain Python (no nameko, no database): unit-testable in ms.

Agreements say who provides what, on which basis, for a meeting. Support requests are the
messages between the organiser and a provider. The ledger sums both, and the travel
service's tickets and DSA payments, per provider and basis, per currency.
"""
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple
from decimal import Decimal

from coord.errors import Conflict, Invalid
from coord.lifecycle import follow
from coord.vocabulary import ORGANISER
from coord.waiting import Wait

TRAVEL, DSA_PAYMENT = "travel", "dsa_payment"
CATEGORIES = (TRAVEL, DSA_PAYMENT, "onsite_registration", "it_equipment", "technical",
              "communications", "document_processing", "logistics")
# Travel and DSA payment are routed per participant by the travel service, so each region
# has exactly one owner; their work reaches the ledger as the travel service's events,
# never as support requests (which would count the same fares twice).
ROUTED_CATEGORIES = (TRAVEL, DSA_PAYMENT)
REQUEST_CATEGORIES = tuple(c for c in CATEGORIES if c not in ROUTED_CATEGORIES)

RECIPROCITY, REIMBURSEMENT, OWN = "reciprocity", "reimbursement", "own"
BASES = (RECIPROCITY, REIMBURSEMENT, OWN)

REQUESTED, ACCEPTED, DECLINED, DELIVERED, INVOICED, SETTLED = (
    "requested", "accepted", "declined", "delivered", "invoiced", "settled")
STATUSES = (REQUESTED, ACCEPTED, DECLINED, DELIVERED, INVOICED, SETTLED)

# action -> status it leads to, per current status
MOVES = {
    REQUESTED: {"accept": ACCEPTED, "decline": DECLINED},
    ACCEPTED: {"deliver": DELIVERED},
    DELIVERED: {"invoice": INVOICED},
    INVOICED: {"settle": SETTLED},
}
# The provider answers, delivers and invoices; the organiser settles.
ORGANISER_ACTIONS = ("settle",)

TICKET, DSA = "ticket", "dsa"

# An agreement waits for its provider to acknowledge it; a declined one routes nothing.
RECORDED, ACKNOWLEDGED, AGREEMENT_DECLINED = "recorded", "acknowledged", "declined"
AGREEMENT_STATUSES = (RECORDED, ACKNOWLEDGED, AGREEMENT_DECLINED)
AGREEMENT_MOVES = {RECORDED: {"acknowledge": ACKNOWLEDGED, "decline": AGREEMENT_DECLINED}}


class ChargeSource(NamedTuple):
    """Where a travel event keeps what the ledger needs (docs/events.md, travel)."""

    kind: str
    category: str
    money_field: str
    owner_field: str
    basis_field: str


TRAVEL_CHARGES = {
    "ticket_issued": ChargeSource(TICKET, TRAVEL, "fare", "travel_owner", "travel_basis"),
    "dsa_paid": ChargeSource(DSA, DSA_PAYMENT, "amount", "dsa_owner", "dsa_basis"),
}


# Agreements

def check_parties(provider, basis):
    """`own` means the organiser does the work itself, and only then."""
    if (basis == OWN) != (provider == ORGANISER):
        message = ("Only mc works on basis 'own'." if basis == OWN else
                   "mc does its own work on basis 'own', not through an agreement with itself.")
        raise Invalid(message, fields={"basis": [message]})


def check_regions(regions):
    """None means every region; otherwise a non-empty list without repeats."""
    if regions is not None and (not regions or len(set(regions)) != len(regions)):
        raise Invalid("List each region once, or leave regions out for every region.",
                      fields={"regions": ["Give at least one region, each once."]})


def regions_overlap(first, second):
    """Whether two region sets share a region; None is every region."""
    return first is None or second is None or bool(set(first) & set(second))


def covers(regions, region):
    return regions is None or region in regions


def initial_agreement_status(basis):
    """The organiser's own work needs nobody's acknowledgement."""
    return ACKNOWLEDGED if basis == OWN else RECORDED


def agreement_waiting(status, provider):
    """What an agreement waits for (coord.waiting): its provider's answer, or nothing."""
    return Wait(provider, "acknowledge or decline the agreement") if status == RECORDED else None


def next_agreement_status(current, action):
    return follow(AGREEMENT_MOVES, current, action, "agreement")


def check_no_overlap(existing, *, provider, category, regions):
    """At most one agreement per region: for routed categories across all providers (one
    owner routes each participant), for the others per provider (several partners may
    share on-site registration or technical support, but each on one basis)."""
    for agreement in existing:
        same_scope = category in ROUTED_CATEGORIES or agreement.provider == provider
        if (agreement.category == category and same_scope
                and regions_overlap(agreement.regions, regions)):
            raise Conflict(
                f"{agreement.provider} already has a {category} agreement "
                f"({agreement.basis}) for {describe_regions(agreement.regions)} at this "
                f"meeting, which overlaps {describe_regions(regions)}.",
                code="overlapping_agreement")


def describe_regions(regions):
    return "every region" if regions is None else ", ".join(regions)


def choose_agreement(agreements, *, provider, category, region):
    """The provider's one agreement for this category (and region) that a request uses."""
    matching = [a for a in agreements
                if a.provider == provider and a.category == category
                and (region is None or covers(a.regions, region))]
    where = f" in {region}" if region else ""
    if not matching:
        raise Conflict(f"{provider} has no {category} agreement{where} at this meeting; "
                       "record one first, so the request has a basis.", code="no_agreement")
    if len(matching) > 1:
        raise Conflict(f"{provider} has several {category} agreements at this meeting, for "
                       "different regions; say which region the request is for.",
                       code="ambiguous_agreement", fields={"region": ["Required here."]})
    return matching[0]


# Support requests

def next_status(current, action, *, basis):
    """The status `action` leads to from `current`, or a 409 naming the allowed moves."""
    if action == "invoice":
        check_invoiceable(basis)
    return follow(MOVES, current, action, "support request")


def check_invoiceable(basis):
    if basis != REIMBURSEMENT:
        raise Conflict(f"This item is provided on {basis}; only reimbursement items are "
                       "invoiced.", code="not_reimbursable")


def who_acts(action, provider):
    """The organisation (besides mc, which may do everything) that may take `action`."""
    return ORGANISER if action in ORGANISER_ACTIONS else provider


REQUEST_ACTIONS = {REQUESTED: "accept or decline the request", ACCEPTED: "deliver it",
                   DELIVERED: "invoice it", INVOICED: "settle the invoice"}


def next_owner(status, *, provider, basis):
    """The organisation that must act next on a request in `status`, or None."""
    if status in (REQUESTED, ACCEPTED):
        return provider
    if status == DELIVERED and basis == REIMBURSEMENT:
        return provider
    if status == INVOICED:
        return ORGANISER
    return None


def request_waiting(status, *, provider, basis):
    """What a request waits for (coord.waiting), as its events and queues say."""
    owner = next_owner(status, provider=provider, basis=basis)
    return None if owner is None else Wait(owner, REQUEST_ACTIONS[status])


def stages_reached(status):
    """Every status a request in `status` has passed through, itself included."""
    reached = [status]
    while reached[-1] != REQUESTED:
        reached.append(next(before for before, moves in MOVES.items()
                            if reached[-1] in moves.values()))
    return reached


# Travel work

def travel_basis(agreement, *, actor, event_owner, event_basis):
    """The basis of a ticket or DSA payment: our own agreement with the organisation that
    did it decides; the travel service's word counts only when it names that same
    organisation; what nobody agreed to provide is the organiser's own work."""
    if agreement is not None:
        return agreement.basis
    if actor == event_owner and event_basis in BASES:
        return event_basis
    return OWN


# The ledger

@dataclass
class CurrencyTotals:
    """One provider's money in one currency, on one basis. Travel amounts are what the
    provider paid; under reimbursement they are owed back, otherwise they are services
    received."""

    reimbursable: bool
    tickets: Decimal = Decimal(0)
    dsa: Decimal = Decimal(0)
    invoiced: Decimal = Decimal(0)
    settled: Decimal = Decimal(0)
    refunds_pending: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)

    @property
    def owed(self):
        """What the organiser owes back: what the provider paid or invoiced, less what
        carriers refunded to it."""
        if not self.reimbursable:
            return Decimal(0)
        return self.invoiced + self.tickets + self.dsa - self.refunded

    @property
    def outstanding(self):
        return self.owed - self.settled


@dataclass
class LedgerLine:
    provider: str
    basis: str
    requests: Counter = field(default_factory=Counter)  # stage -> requests that reached it
    items: Counter = field(default_factory=Counter)  # stage -> their quantities
    travel: Counter = field(default_factory=Counter)  # tickets, dsa_payments, refunds_pending
    amounts: dict = field(default_factory=dict)  # currency -> CurrencyTotals

    def totals(self, currency):
        if currency not in self.amounts:
            self.amounts[currency] = CurrencyTotals(reimbursable=self.basis == REIMBURSEMENT)
        return self.amounts[currency]

    def add_request(self, request):
        for stage in stages_reached(request.status):
            self.requests[stage] += 1
            self.items[stage] += request.quantity
        if request.invoice_currency is not None:
            totals = self.totals(request.invoice_currency)
            totals.invoiced += request.invoice_amount
            if request.status == SETTLED and request.settlement_id is None:
                totals.settled += request.invoice_amount  # settled on its own (/settle)

    def add_charge(self, charge, refund):
        totals = self.totals(charge.currency)
        if charge.kind == TICKET:
            self.travel["tickets"] += 1
            totals.tickets += charge.amount
            if refund is not None and refund.refund_amount is None:
                self.travel["refunds_pending"] += 1
                totals.refunds_pending += charge.amount
            elif refund is not None:
                self.travel["refunded"] += 1
                totals.refunded += refund.refund_amount
        else:
            self.travel["dsa_payments"] += 1
            totals.dsa += charge.amount


def build_ledger(agreements, requests, charges, refunds=None, settlements=()):
    """One line per provider and basis: every agreement's, and every one with activity.

    A cancelled case with a refund due leaves its fare owed (the provider paid it and we
    do not know what the carrier returns) but shows it as a pending refund; once the
    refund is recorded, it is taken off what is owed. `refunds`: travel case id -> its
    refund (amount None while pending). Settlements count as settled on the
    reimbursement line of their provider.
    """
    lines, refunds = {}, refunds or {}

    def line(provider, basis):
        return lines.setdefault((provider, basis), LedgerLine(provider, basis))

    for agreement in agreements:
        line(agreement.provider, agreement.basis)
    for request in requests:
        line(request.provider, request.basis).add_request(request)
    for charge in charges:
        line(charge.provider, charge.basis).add_charge(
            charge, refunds.get(charge.travel_case_id) if charge.kind == TICKET else None)
    for settlement in settlements:
        line(settlement.provider, REIMBURSEMENT).totals(settlement.currency).settled += (
            settlement.amount)
    return [lines[key] for key in sorted(lines)]


def check_settlement(amount, currency, outstanding):
    """A settlement pays down what is owed; never more."""
    if amount > outstanding:
        raise Conflict(f"Only {outstanding} {currency} is outstanding to this provider at "
                       f"this meeting; a settlement of {amount} {currency} is more than owed.",
                       code="more_than_owed")


def settled_invoices(owed_items, paid):
    """The invoiced requests that settlements totalling `paid` have paid off, paying
    what is owed oldest first. `owed_items`: (when, amount, request or None) in one
    currency; a request is paid off once everything before it and it are covered."""
    covered = []
    for _when, amount, request in sorted(owed_items, key=lambda item: item[0]):
        paid -= amount
        if paid < 0:
            break
        if request is not None:
            covered.append(request)
    return covered
