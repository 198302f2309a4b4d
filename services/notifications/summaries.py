"""One plain sentence per event, for staff who do not know the system. Plain Python.

A sentence says who did what, for which meeting, and (when someone must act next) what
now waits on whom: "BRS issued the ticket for Ana Pérez (Peru) to COP-2; DSA payment is
now with CHB." Producers are built separately, so every field may be missing or odd:
a sentence is still written from what is there, and an event type this version does not
know gets a generic sentence rather than being lost.
"""
import logging

from services.notifications import names
from services.notifications.names import organisation, text

log = logging.getLogger(__name__)


class Facts:
    """What a sentence needs from an envelope, each read defensively."""

    def __init__(self, envelope, meeting_code=None):
        data = envelope.get("data")
        self.data = data if isinstance(data, dict) else {}
        self.type = text(envelope.get("type"), "event")
        self.actor_code = envelope.get("actor")
        self.owner_code = envelope.get("owner")
        self.actor = organisation(self.actor_code)
        self.owner = organisation(self.owner_code)
        subject = envelope.get("subject")
        self.subject = subject if isinstance(subject, dict) else {}
        self.meeting_code = text(self.data.get("meeting_code")) or text(meeting_code)
        self.meeting = self.meeting_code or "the meeting"

    @property
    def waiting_action(self):
        """What the producer says the owner is to do (coord.waiting), or ''."""
        waiting = self.data.get("waiting")
        return text(waiting.get("action")) if isinstance(waiting, dict) else ""

    def __getitem__(self, key):
        """A data field as text ('' when missing)."""
        return text(self.data.get(key))

    @property
    def person(self):
        """'Ana Pérez (Peru)'; 'a participant from Peru' or 'a participant' when unnamed."""
        name = " ".join(part for part in (self["given_name"], self["family_name"]) if part)
        country = names.country(self.data.get("country"))
        if name:
            return f"{name} ({country})" if country else name
        return f"a participant from {country}" if country else "a participant"

    @property
    def document(self):
        """'UNEP/MC/COP.2/11 (Report of ...)', or whichever of the two is there."""
        symbol, title = self["symbol"], self["title"]
        if symbol:
            return symbol + parenthesis(title)
        return f"the document “{title}”" if title else "a document"

    @property
    def support(self):
        """'IT equipment for COP-2 (laptops, quantity 20)'."""
        details = commas(self["description"], optional("quantity ", self["quantity"]))
        return f"{self.category} for {self.meeting}{parenthesis(details)}"

    @property
    def category(self):
        """A support category in words: 'IT equipment', 'DSA payment'..."""
        return names.named(names.SUPPORT_CATEGORIES, self.data.get("category"), "support")

    def choose(self, key, phrases, default):
        """The phrase for a coded field (e.g. `decision`), `default` for any other value."""
        value = self.data.get(key)
        return phrases[value] if isinstance(value, str) and value in phrases else default


def words(*parts):
    """The non-empty parts, joined by single spaces."""
    return " ".join(part for part in parts if part)


def commas(*parts):
    """The non-empty parts, joined by commas."""
    return ", ".join(part for part in parts if part)


def optional(prefix, value):
    """`prefix` + `value`, or nothing when there is no value."""
    return f"{prefix}{value}" if value else ""


def parenthesis(value):
    return f" ({value})" if value else ""


def because(value):
    """': <reason>' without a doubled full stop."""
    value = text(value).rstrip(". ")
    return f": {value}" if value else ""


def _meeting_scheduled(f):
    place = commas(f["city"], names.country(f.data.get("country")))
    dates = f" from {f['starts_on']} to {f['ends_on']}" if f["starts_on"] and f["ends_on"] else ""
    meeting = f["code"] or f.meeting
    return f"{f.actor} scheduled {meeting}{parenthesis(f['title'])}{optional(' in ', place)}{dates}"


def _credentials_reviewed(f):
    credentials = (f"the credentials of {f.person} for {f.meeting}"
                   f"{parenthesis(optional('issued by ', f['issued_by']))}")
    template = f.choose("decision", {"accepted": "{actor} accepted {credentials}",
                                     "deficient": "{actor} found {credentials} deficient"},
                        "{actor} reviewed {credentials}")
    return (template.format(actor=f.actor, credentials=credentials)
            + because(f.data.get("reason")))


def _observer_request_decided(f):
    who = organisation(f.data.get("organisation"), "an organisation")
    template = f.choose("decision", {
        "admitted": "{actor} admitted {who} as an observer at {meeting}",
        "refused": "{actor} refused {who} admission as an observer at {meeting}"},
        "{actor} decided on the request of {who} to attend {meeting} as an observer")
    return (template.format(actor=f.actor, who=who, meeting=f.meeting)
            + because(f.data.get("reason")))


def _side_event_decided(f):
    event = words("the side event", f["title"] and f"“{f['title']}”",
                  optional("by ", organisation(f.data.get("organiser"), "")))
    where = commas(f["room"], optional("from ", f["starts_at"]))
    verb = f.choose("decision", {"accepted": "accepted", "declined": "declined"}, "decided on")
    return (f"{f.actor} {verb} {event} at {f.meeting}{parenthesis(where)}"
            f"{because(f.data.get('reason'))}")


def _agreement_recorded(f):
    regions = f.data.get("regions")
    if isinstance(regions, list) and regions:
        scope = "for " + names.listing(names.named(names.REGION_NAMES, r) for r in regions)
    else:
        scope = "for every region"
    return words(
        f.actor, "recorded that", organisation(f.data.get("provider"), "a partner"),
        "provides", f.category,
        "for", f.meeting, names.named(names.BASES, f.data.get("basis")), scope)


def _travel_case_opened(f):
    entitlement = optional(", entitlement ", names.money(f.data.get("entitlement")))
    return (f"{f.actor} opened a travel case for {f.person} for {f.meeting}: travel by "
            f"{organisation(f.data.get('travel_owner'))}, DSA by "
            f"{organisation(f.data.get('dsa_owner'))}{entitlement}")


def _travel_case_rerouted(f):
    def moved(role, key):
        now, was = f.data.get(key), f.data.get(f"previous_{key}")
        changed = f" (was {organisation(was)})" if was and was != now else ""
        return f"{role} now by {organisation(now)}{changed}"

    return (f"{f.actor} rerouted the travel case of {f.person} for {f.meeting}: "
            f"{moved('travel', 'travel_owner')}, {moved('DSA', 'dsa_owner')}")


def _document_late(f):
    days = f.data.get("days_late")
    late = (f"{days} day{'' if days == 1 else 's'} past" if isinstance(days, int)
            and not isinstance(days, bool) else "past")
    deadline, date_field = f.choose("deadline", {
        "due": ("due date", "due_on"), "submission": ("submission deadline", "submission_due_on"),
    }, ("deadline", None))
    due = optional(" of ", f[date_field]) if date_field else ""
    return f"{f.document} for {f.meeting} is {late} its {deadline}{due}"


SENTENCES = {
    # registration
    "meeting_scheduled": _meeting_scheduled,
    "registration_submitted": lambda f: f"{f.person} was nominated for {f.meeting}",
    "registration_confirmed": lambda f: (
        f"{f.actor} confirmed {f.person} for {f.meeting}"
        f"{', with funded travel' if f.data.get('funded') is True else ''}"),
    "registration_rejected": lambda f: (
        f"{f.actor} rejected the registration of {f.person} for {f.meeting}"),
    "registration_withdrawn": lambda f: (
        f"{f.actor} withdrew the registration of {f.person} for {f.meeting}"),
    "participant_checked_in": lambda f: f"{f.actor} checked in {f.person} at {f.meeting}",
    "credentials_submitted": lambda f: (
        f"The credentials of {f.person} for {f.meeting} were submitted"
        f"{parenthesis(optional('issued by ', f['issued_by']))}"),
    "credentials_reviewed": _credentials_reviewed,
    "observer_request_submitted": lambda f: (
        f"{organisation(f.data.get('organisation'), 'An organisation')} asked to attend "
        f"{f.meeting} as an observer"),
    "observer_request_decided": _observer_request_decided,
    "side_event_requested": lambda f: words(
        organisation(f.data.get("organiser"), "someone"), "asked to hold the side event",
        f["title"] and f"“{f['title']}”", "at", f.meeting),
    "side_event_decided": _side_event_decided,
    "side_event_held": lambda f: words(
        f.actor, "reports that the side event", f["title"] and f"“{f['title']}”",
        "was held at", f.meeting),
    "side_event_cancelled": lambda f: words(
        f.actor, "cancelled the side event", f["title"] and f"“{f['title']}”", "at", f.meeting),
    "invitation_issued": lambda f: words(
        f.actor, "invited", organisation(f.data.get("organisation"), "an addressee"), "to",
        f.meeting, f["nominations_due"] and f"(nominations due by {f['nominations_due']})"),
    "invitation_sent": lambda f: words(
        "The invitation of", organisation(f.data.get("organisation"), "an addressee"), "to",
        f.meeting, "was mailed"),
    "invitation_nominations_received": lambda f: words(
        organisation(f.data.get("organisation"), "An invited addressee"),
        "sent its first nomination for", f.meeting),
    # support
    "agreement_recorded": _agreement_recorded,
    "agreement_acknowledged": lambda f: words(
        f.actor, "acknowledged its agreement to provide", f.category, "for", f.meeting),
    "agreement_declined": lambda f: (
        f"{f.actor} declined the agreement to provide {f.category} for {f.meeting}"
        f"{because(f.data.get('reason'))}"),
    "settlement_recorded": lambda f: words(
        f.actor, "paid", organisation(f.data.get("provider"), "a partner"),
        names.money(f.data.get("amount")) or "an amount", "for", f.meeting,
        f["reference"] and f"(reference {f['reference']})"),
    "support_requested": lambda f: words(
        f.actor, "asked", organisation(f.data.get("provider"), "a partner"), "for", f.support,
        names.named(names.BASES, f.data.get("basis"))),
    "support_accepted": lambda f: f"{f.actor} accepted the request for {f.support}",
    "support_declined": lambda f: (
        f"{f.actor} declined the request for {f.support}{because(f.data.get('reason'))}"),
    "support_delivered": lambda f: f"{f.actor} delivered {f.support}",
    "support_invoiced": lambda f: (
        f"{f.actor} invoiced {names.money(f.data.get('amount')) or 'an amount'} for {f.support}"),
    "support_settled": lambda f: (
        f"{f.actor} settled the invoice of {organisation(f.data.get('provider'), 'a partner')}"
        f" for {f.support}{optional(', ', names.money(f.data.get('amount')))}"),
    # travel
    "travel_case_opened": _travel_case_opened,
    "travel_case_rerouted": _travel_case_rerouted,
    "dsa_rate_missing": lambda f: (
        f"No DSA rate is set for {f['city'] or 'the duty station'}, so the DSA of {f.person}"
        f" for {f.meeting} cannot be worked out"),
    "dsa_entitlement_fixed": lambda f: (
        f"The DSA of {f.person} for {f.meeting} is now set"
        f"{optional(' at ', names.money(f.data.get('entitlement')))}"),
    "ticket_issued": lambda f: f"{f.actor} issued the ticket for {f.person} to {f.meeting}",
    "dsa_paid": lambda f: (
        f"{f.actor} paid the DSA{optional(' of ', names.money(f.data.get('amount')))}"
        f" to {f.person} for {f.meeting}{parenthesis(f['reason'])}"),
    "travel_case_cancelled": lambda f: (
        f"{f.actor} cancelled the travel case of {f.person} for {f.meeting}"),
    "refund_recorded": lambda f: (
        f"{f.actor} recorded the ticket refund"
        f"{optional(' of ', names.money(f.data.get('amount')))} for {f.person} ({f.meeting})"),
    "travel_case_overdue": lambda f: (
        f"The ticket for {f.person} to {f.meeting} is overdue"
        f"{parenthesis(optional('due ', f['ticket_due_on']))}"),
    "travel_case_updated": lambda f: (
        f"The travel case of {f.person} for {f.meeting} follows the corrected meeting"
        f"{optional(': DSA ', names.money(f.data.get('entitlement')))}"),
    # documents
    "document_registered": lambda f: (
        f"{f.actor} registered {f.document} for {f.meeting}"
        f"{parenthesis(optional('due ', f['due_on']))}"),
    "contribution_recorded": lambda f: (
        f"{organisation(f.data.get('contributor') or f.actor_code)} contributed to "
        f"{f.document}{because(f.data.get('note'))}"),
    "document_submitted": lambda f: f"{f.actor} submitted {f.document} for processing",
    "document_edited": lambda f: f"{f.actor} finished editing {f.document}",
    "translation_completed": lambda f: words(
        f.actor, "completed", optional("the ", names.language(f.data.get("language"))) or "a",
        "translation of", f.document),
    "document_published": lambda f: (
        f"{f.actor} published {f.document}"
        f"{optional(' in ', names.languages(f.data.get('languages')))}"),
    "document_late": _document_late,
    # corrections
    "meeting_updated": lambda f: _corrected(f, f["code"] or f.meeting),
    "registration_updated": lambda f: _corrected(f, f"the registration of {f.person} for "
                                                    f"{f.meeting}"),
    "agreement_updated": lambda f: _corrected(f, f"the {f.category} agreement of "
                                                 f"{organisation(f.data.get('provider'))} "
                                                 f"for {f.meeting}"),
    "document_updated": lambda f: _corrected(f, f.document),
}

def _corrected(facts, what):
    """'mc corrected COP-2: starts on 2018-11-19 → 2018-11-26'; values not shown (an
    e-mail address) are only named."""
    changes = facts.data.get("changes")
    changes = changes if isinstance(changes, dict) else {}
    shown = []
    for field, change in list(changes.items())[:6]:
        label = text(field).replace("_", " ")
        change = change if isinstance(change, dict) else {}
        before, after = _shown(change.get("before")), _shown(change.get("after"))
        shown.append(f"{label} {before} → {after}" if before or after else label)
    return f"{facts.actor} corrected {what}" + optional(": ", "; ".join(shown))


def _shown(value):
    if isinstance(value, (dict, list)):
        return "…"
    return text(value if not isinstance(value, bool) else ("yes" if value else "no"))[:80]


# What waits on the new owner, in words, for events whose producer does not state it in
# `data.waiting` (older producers); "{owner}" is its name. Default: DEFAULT_NEXT; None:
# the sentence already says it.
NEXT_STEPS = {
    "registration_submitted": "{owner} is to confirm or reject the registration",
    "credentials_submitted": "{owner} is to review them",
    "observer_request_submitted": "{owner} is to decide",
    "side_event_requested": "{owner} is to decide",
    "side_event_decided": "{owner} is to organise it",
    "agreement_recorded": None,
    "support_requested": "{owner} is to accept or decline it",
    "support_accepted": "{owner} is to deliver it",
    "support_invoiced": "payment is now with {owner}",
    "travel_case_opened": "{owner} is to book the travel",
    "travel_case_rerouted": "{owner} is to book the travel",
    "dsa_rate_missing": "{owner} is to set the rate",
    "dsa_entitlement_fixed": "DSA payment is with {owner}",
    "ticket_issued": "DSA payment is now with {owner}",
    "travel_case_cancelled": "{owner} is to recover the ticket refund",
    "document_registered": "drafting is with {owner}",
    "contribution_recorded": "drafting is with {owner}",
    "document_submitted": "editing and translation are now with {owner}",
    "document_edited": "translation is now with {owner}",
    "document_late": "it is waiting on {owner}",
}
DEFAULT_NEXT = "now waiting on {owner}"
STATED_NEXT = "{owner} is to {action}"  # what the producer says waits (coord.waiting)


def _next_step(facts):
    if not facts.owner_code:
        return ""
    if facts.waiting_action:
        template = STATED_NEXT
    elif facts.type == "translation_completed":
        template = ("more translations are due from {owner}" if facts.owner_code == facts.actor_code
                    else "all languages are in; publication is now with {owner}")
    else:
        template = NEXT_STEPS.get(facts.type, DEFAULT_NEXT)
    return optional("; ", template and template.format(owner=facts.owner,
                                                        action=facts.waiting_action))


def _generic(facts):
    return words(facts.actor, "recorded", f"“{facts.type.replace('_', ' ')}”",
                 "about a", text(facts.subject.get("kind"), "item").replace("_", " "),
                 facts.meeting_code and f"for {facts.meeting_code}")


def summarise(envelope, meeting_code=None):
    """The sentence for an event; a generic one for types this version does not know.

    `meeting_code`: the meeting's code when the event's data does not carry it.
    """
    facts = Facts(envelope, meeting_code)
    sentence = SENTENCES.get(facts.type, _generic)
    try:
        clause = sentence(facts)
    except Exception:  # a producer's odd data must never lose the entry
        log.exception("could not word a %s event; using the generic sentence", facts.type)
        clause = _generic(facts)
    text_ = clause + _next_step(facts)
    return text_[:1].upper() + text_[1:] + "."
