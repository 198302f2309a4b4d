"""Registration rules, as plain Python (no nameko, no database): unit-testable in ms."""
from coord import vocabulary
from coord.errors import Conflict, Forbidden, Invalid
from coord.lifecycle import follow

NOMINATED, CONFIRMED, REJECTED, WITHDRAWN, CHECKED_IN = (
    "nominated", "confirmed", "rejected", "withdrawn", "checked_in")
STATUSES = (NOMINATED, CONFIRMED, REJECTED, WITHDRAWN, CHECKED_IN)
# Statuses of people who will be, or are, at the meeting.
PARTICIPATING = (CONFIRMED, CHECKED_IN)

# action -> status it leads to, per current status
MOVES = {
    NOMINATED: {"confirm": CONFIRMED, "reject": REJECTED, "withdraw": WITHDRAWN},
    CONFIRMED: {"check-in": CHECKED_IN, "withdraw": WITHDRAWN},
}

MEETING_KINDS = ("cop", "bureau", "regional", "expert", "committee", "webinar")
# In the order a UN list of participants presents them.
CATEGORIES = ("party", "observer-state", "igo", "ngo", "secretariat", "media")
PARTY = "party"

LETTER_KINDS = ("confirmation", "visa")
LETTER_LANGUAGES = ("en", "fr", "es", "ar", "zh", "ru")  # those with templates

# Credentials of Parties' representatives (rules of procedure: issued by the Head of
# State or Government or the Minister for Foreign Affairs; "other" covers, e.g., the
# competent authority of a regional economic integration organisation).
SUBMITTED, ACCEPTED, DEFICIENT = "submitted", "accepted", "deficient"
CREDENTIALS_STATUSES = (SUBMITTED, ACCEPTED, DEFICIENT)
ISSUERS = ("head_of_state", "head_of_government", "minister_for_foreign_affairs", "other")

# Observer admission: only organisations request it (States are observers by right).
PENDING, ADMITTED, REFUSED = "pending", "admitted", "refused"
OBSERVER_STATUSES = (PENDING, ADMITTED, REFUSED)
OBSERVER_KINDS = ("igo", "ngo")

# Side events: once accepted, the organiser says whether it was held or cancelled.
REQUESTED, DECLINED, HELD, CANCELLED = "requested", "declined", "held", "cancelled"
SIDE_EVENT_STATUSES = (REQUESTED, ACCEPTED, DECLINED, HELD, CANCELLED)
SIDE_EVENT_MOVES = {ACCEPTED: {"held": HELD, "cancel": CANCELLED}}
HOLDING_ROOMS = (ACCEPTED, HELD)  # a cancelled side event frees its room and slot

# What each kind of item waits for, while it waits on its owner (coord.waiting).
ACTIONS = {"registration": "confirm or reject the nomination",
           "credentials": "review the credentials",
           "observer_request": "decide on the request",
           "side_event_requested": "decide on the side event",
           "side_event_accepted": "hold the side event, or cancel it"}


def close_side_event(current, action):
    """An accepted side event is held or cancelled, once."""
    return follow(SIDE_EVENT_MOVES, current, action, "side event")


def next_status(current, action):
    """The status `action` leads to from `current`, or a 409 naming the allowed moves."""
    return follow(MOVES, current, action, "registration")


def check_correctable_status(status):
    """Only a registration still in play can be corrected."""
    if status in (REJECTED, WITHDRAWN):
        raise Conflict(f"The registration is {status}; a closed registration is not "
                       "corrected. Nominate the person again if needed.",
                       code="not_correctable")


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


def check_letter(kind, *, status, visa_letter_requested):
    """Letters go to participants only; a visa letter only to one who asked for it."""
    if status not in PARTICIPATING:
        raise Conflict(f"A {kind} letter is only issued for a confirmed registration; "
                       f"this one is {status}.", code="illegal_state")
    if kind == "visa" and not visa_letter_requested:
        raise Conflict("This participant did not ask for a visa support letter.",
                       code="visa_letter_not_requested")


def check_credentials_holder(*, category, status):
    """Credentials are presented by a Party's representative who is still expected."""
    if category != PARTY:
        raise Conflict(f"Only representatives of Parties present credentials; this "
                       f"participant is registered as {category}.", code="not_a_party")
    if status not in (NOMINATED,) + PARTICIPATING:
        raise Conflict(f"The registration is {status}; credentials cannot be submitted.",
                       code="illegal_state")


def check_undecided(what, status, undecided):
    """A decision (review, admission, acceptance) is taken once and is final."""
    if status != undecided:
        raise Conflict(f"This {what} was already {status}; the decision is final.",
                       code="already_decided")


def organisation_key(name):
    """An organisation's identity across meetings: its name, case and spacing aside."""
    return " ".join(name.casefold().split())


def room_key(room):
    """Rooms compare without case or spacing differences ("Room XII" == "room  xii")."""
    return " ".join(room.casefold().split())


def check_slot(starts_at, ends_at, *, meeting_starts_on, meeting_ends_on,
               start_field="starts_at", end_field="ends_at"):
    """A side event's slot: it ends after it starts, within the meeting's dates.

    The dates are those of the times as given (the venue's local time, with its offset).
    """
    errors = {}
    if ends_at <= starts_at:
        errors[end_field] = ["Must be after the start."]
    for name, moment in ((start_field, starts_at), (end_field, ends_at)):
        if not meeting_starts_on <= moment.date() <= meeting_ends_on:
            errors.setdefault(name, []).append(
                f"Must fall within the meeting, {meeting_starts_on.isoformat()} to "
                f"{meeting_ends_on.isoformat()}.")
    if errors:
        raise Invalid("The side event's slot is not within the meeting.", fields=errors)


def overlaps(first_start, first_end, second_start, second_end):
    """Two time ranges share a moment (touching ends do not count)."""
    return first_start < second_end and second_start < first_end


def credentials_standing(statuses):
    """One country's standing from the statuses of its representatives' credentials.

    Accepted credentials settle it; otherwise credentials awaiting examination; otherwise
    deficient ones; a country with none presented has "none".
    """
    for standing in (ACCEPTED, SUBMITTED, DEFICIENT):
        if standing in statuses:
            return standing
    return "none"


STATE_CATEGORIES = (PARTY, "observer-state")  # listed by country; the rest by organisation


def list_key(name):
    """How the list of participants compares names and organisations: regardless of case
    (Unicode case folding), then character by character. Stored beside each name
    (registrations.*_key), so the database can sort a list of any size as this does."""
    return name.casefold()


def countries_in_list_order(un_names):
    """Country codes ({alpha3: UN short name}) in the order the list of participants
    gives States: English alphabetical order of UN short names, so "Republic of Moldova"
    comes after Peru, not at "M"."""
    return sorted(un_names, key=lambda code: (list_key(un_names[code]), code))


# Invitations: a letter to each Party's focal point (and each admitted observer) to
# nominate its delegation by a date. Moves forward only, each move once.
ISSUED, SENT, NOMINATIONS_RECEIVED = "issued", "sent", "nominations_received"
INVITATION_STATUSES = (ISSUED, SENT, NOMINATIONS_RECEIVED)
INVITATION_LANGUAGES = ("en", "fr", "es")  # those with invitation templates
PARTY_ADDRESSEE, OBSERVER_ADDRESSEE = "party", "observer"


def party_code(alpha3):
    """A Party's focal point as an organisation code: party-PER."""
    return f"party-{alpha3}"


def check_meeting_open(meeting_code, ends_on, today):
    """Invitations go out for a meeting still to come (or under way), not one that ended."""
    if ends_on < today:
        raise Conflict(f"{meeting_code} ended on {ends_on.isoformat()}; it takes no more "
                       "invitations.", code="meeting_closed")


def check_nominations_due(nominations_due, *, starts_on, today):
    """Nominations are due on a day still to come, and no later than the opening."""
    if nominations_due < today:
        raise Invalid("The deadline for nominations has already passed.",
                      fields={"nominations_due": [f"Must not be before {today.isoformat()}."]})
    if nominations_due > starts_on:
        raise Invalid("Nominations are due before the meeting opens.", fields={
            "nominations_due": [f"Must not be after {starts_on.isoformat()}."]})


def check_nomination_in_time(country_name, nominations_due, today):
    """An invited Party nominates until its invitation's deadline, that day included."""
    if today > nominations_due:
        raise Conflict(f"Nominations from {country_name} were due by "
                       f"{nominations_due.isoformat()}; this one is too late.",
                       code="nominations_closed")


def invitation_moves_to(current, event):
    """The status an invitation takes on `event` ("sent" or "nominated"), or None when it
    is already there or beyond (a later nomination changes nothing)."""
    order = {ISSUED: 0, SENT: 1, NOMINATIONS_RECEIVED: 2}
    target = SENT if event == "sent" else NOMINATIONS_RECEIVED
    return target if order[current] < order[target] else None


# The information note for participants: the meeting's first information document, as UN
# meetings number it (UNEP/MC/COP.2/INF/1), mailed to participants once published.
INFORMATION_KIND = "information"


def is_information_note(kind, symbol, symbol_prefix):
    return kind == INFORMATION_KIND and symbol == f"{symbol_prefix}/INF/1"


# Organisations that are data: Party focal points and observer organisations nominate
# their own people; `mc` still confirms.

def check_organisation(code, kind, country, standing):
    """A new organisation's code fits its kind (400 otherwise): a Party's focal point is
    `party-<its ISO3>`, and only a Party's code starts with `party-`; `standing`: the
    codes of the tokens file, which are not for the taking (409)."""
    if kind == vocabulary.PARTY:
        if not country:
            raise Invalid("A Party's focal point names its country.",
                          fields={"country": ["Required for a Party."]})
        if code != party_code(country):
            raise Invalid(f"A Party's focal point has the code {party_code(country)}.",
                          fields={"code": [f"Use {party_code(country)}."]})
    elif code.startswith("party-"):
        raise Invalid("Codes party-<ISO3> are for Parties' focal points.",
                      fields={"code": ["Reserved for Parties."]})
    elif country:
        raise Invalid("Only a Party's focal point has a country.",
                      fields={"country": ["Only for kind party."]})
    if code in standing:
        raise Conflict(f"{code} is a standing partner of the tokens file.", code="duplicate",
                       fields={"code": ["Already used."]})


MAX_LETTER_BYTES = 10 * 1024 * 1024


def check_nomination_letter(content):
    """A nomination letter is a PDF of at most MAX_LETTER_BYTES (400 otherwise)."""
    if not content.startswith(b"%PDF-"):
        raise Invalid("Send the nomination letter as a PDF file.", code="not_a_pdf")
    if len(content) > MAX_LETTER_BYTES:
        raise Invalid(f"The letter is over the limit of {MAX_LETTER_BYTES} bytes.",
                      code="file_too_large")


def check_acts_for_country(organisation, country):
    """A Party's focal point acts for its own country only (403)."""
    if organisation.kind != vocabulary.PARTY or organisation.country != country:
        raise Forbidden(f"{organisation.code} acts for its own country only.")


def check_nominee(organisation, *, country, category, organisation_name):
    """Whom a focal point or an observer organisation may nominate, withdraw or present
    credentials for (403 otherwise): a Party its own country's delegation, an observer
    organisation its own representatives."""
    if organisation.kind == vocabulary.PARTY:
        if country != organisation.country or category != PARTY:
            raise Forbidden(f"{organisation.code} acts for the delegation of "
                            f"{organisation.country} only (category party).")
    elif organisation.kind == vocabulary.OBSERVER:
        if (category not in OBSERVER_KINDS
                or organisation_key(organisation_name) != organisation_key(organisation.name)):
            raise Forbidden(f"{organisation.code} acts for its own representatives only "
                            f"(organisation {organisation.name!r}, category igo or ngo).")
    else:
        raise Forbidden(f"{organisation.code} does not nominate participants.")
