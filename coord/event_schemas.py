"""What each event type's `data` must hold, checked by every consumer at the door.

One marshmallow schema per event type (docs/events.md describes the same fields, and
`tests/unit/test_event_schemas.py` checks the two name the same types). A consumer parks
a message whose `data` does not match its type's schema, or whose body is larger than
`EVENT_MAX_BYTES`, with the reason: it never reaches a handler, a feed or a partner.

Schemas give the JSON type of every field a type carries (a wrong type is refused) and
require the fields its consumers act on; fields they do not name pass (`unknown =
INCLUDE`): producers may add fields (docs/events.md). An event type
with no schema yet passes on its envelope and size alone, with one warning per process, so
a new type is not parked before its schema lands: add it to `SCHEMAS` below.
"""
import json
import logging

from marshmallow import INCLUDE, Schema, ValidationError, fields

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 64 * 1024


class EventRejected(Exception):
    """The event breaks its type's schema or the size limit; the message says how."""


class Data(Schema):
    class Meta:
        unknown = INCLUDE


def _text(**kwargs):
    return fields.String(allow_none=True, **kwargs)


def _date(**kwargs):
    return fields.Date(allow_none=True, **kwargs)


class MoneyData(Data):
    amount = fields.String(required=True)
    currency = fields.String(required=True)


class WaitingData(Data):
    action = fields.String(required=True)
    due_on = _date()
    late = fields.Boolean(required=True)


class Stated(Data):
    """Every event's `data.waiting` (coord.waiting), or null when nothing waits."""
    waiting = fields.Nested(WaitingData, allow_none=True)


class Corrected(Data):
    """`<thing>_updated`: each corrected field as {"before", "after"}."""
    changes = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True)


# registration

class MeetingData(Stated):
    code = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    city = fields.String(required=True)
    country = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    symbol_prefix = _text()
    translations = fields.Dict(keys=fields.String(), values=fields.Dict(), allow_none=True)


class MeetingCorrected(MeetingData, Corrected):
    pass


class RegistrationData(Stated):
    meeting_code = fields.String(required=True)
    given_name = fields.String(required=True)
    family_name = fields.String(required=True)
    country = fields.String(required=True)
    region = _text()
    category = fields.String(required=True)
    organisation = _text()
    status = fields.String(required=True)
    funding_requested = fields.Boolean(allow_none=True)
    funding_eligible = fields.Boolean(allow_none=True)
    funded = fields.Boolean(allow_none=True)
    priority = fields.Boolean(allow_none=True)


class RegistrationCorrected(RegistrationData, Corrected):
    pass


class Decided(Stated):
    """An item someone decides on: its meeting, status, the decision and its reason."""
    meeting_code = fields.String()
    status = fields.String()
    decision = _text()
    reason = _text()


class CredentialsData(Decided):
    registration_id = fields.String(required=True)
    given_name = _text()
    family_name = _text()
    country = fields.String(required=True)
    issued_by = _text()


class ObserverRequestData(Decided):
    organisation = fields.String(required=True)
    kind = _text()


class SideEventData(Decided):
    title = fields.String(required=True)
    organiser = fields.String(required=True)
    organiser_code = _text()
    room = _text()
    starts_at = _text()
    ends_at = _text()
    preferred_starts_at = _text()
    preferred_ends_at = _text()


class InvitationData(Stated):
    meeting_code = fields.String(required=True)
    addressee = fields.String(required=True)
    kind = fields.String(required=True)
    country = _text()
    organisation = _text()
    language = fields.String(required=True)
    funding_eligible = fields.Boolean(allow_none=True)
    nominations_due = fields.Date(required=True)
    status = fields.String(required=True)


class NominationLetterData(Stated):
    meeting_code = fields.String(required=True)
    country = _text()
    sha256 = _text()
    size = fields.Integer(allow_none=True, strict=True)


class OrganisationTokenData(Stated):
    organisation = fields.String(required=True)
    kind = _text()
    token_id = fields.String(required=True)
    digest = _text()


# support

class AgreementData(Decided):
    provider = fields.String(required=True)
    category = fields.String(required=True)
    basis = fields.String(required=True)
    regions = fields.List(fields.String(), allow_none=True)


class AgreementCorrected(AgreementData, Corrected):
    pass


class SupportRequestData(Stated):
    meeting_code = fields.String()
    provider = fields.String(required=True)
    category = fields.String(required=True)
    basis = _text()
    region = _text()
    description = _text()
    quantity = fields.Integer(allow_none=True, strict=True)
    status = fields.String(required=True)
    reason = _text()
    amount = fields.Nested(MoneyData)


class SettlementData(Stated):
    meeting_code = fields.String(required=True)
    provider = fields.String(required=True)
    amount = fields.Nested(MoneyData, required=True)
    reference = _text()
    outstanding = fields.String(required=True)


# travel

class TravelCaseData(Stated):
    registration_id = fields.String(required=True)
    meeting_code = fields.String(required=True)
    given_name = _text()
    family_name = _text()
    country = fields.String(required=True)
    region = _text()
    travel_owner = _text()
    dsa_owner = _text()
    travel_basis = _text()
    dsa_basis = _text()
    travel_agreement_id = _text()
    dsa_agreement_id = _text()
    entitlement = fields.Nested(MoneyData, allow_none=True)
    entitlement_basis = fields.Dict(allow_none=True)
    dsa_rate_missing = fields.Boolean(allow_none=True)
    refund_due = fields.Boolean(allow_none=True)
    status = fields.String(required=True)


class TravelCaseRerouted(TravelCaseData):
    previous_travel_owner = _text()
    previous_dsa_owner = _text()


class DsaRateMissing(TravelCaseData):
    city = fields.String(required=True)


class TicketIssued(TravelCaseData):
    carrier = fields.String(required=True)
    ticket_number = fields.String(required=True)
    fare = fields.Nested(MoneyData, required=True)
    outbound_on = fields.Date(required=True)
    return_on = _date()


class DsaPaid(TravelCaseData):
    amount = fields.Nested(MoneyData, required=True)
    paid_on = fields.Date(required=True)
    reason = _text()


class RefundRecorded(TravelCaseData):
    amount = fields.Nested(MoneyData, required=True)
    fare = fields.Nested(MoneyData, required=True)
    received_on = fields.Date(required=True)


class TravelCaseOverdue(TravelCaseData):
    ticket_due_on = fields.Date(required=True)


# documents

class DocumentData(Stated):
    symbol = _text()
    title = fields.String(required=True)
    kind = fields.String(required=True)
    agenda_item = _text()
    status = fields.String(required=True)
    due_on = _date()
    submission_due_on = _date()
    languages = fields.List(fields.String(), required=True)
    required_languages = fields.List(fields.String())
    meeting_code = fields.String(required=True)
    relation = _text()
    parent_symbol = _text()


class DocumentCorrected(DocumentData, Corrected):
    pass


class ContributionRecorded(DocumentData):
    contributor = fields.String(required=True)
    note = _text()


class TranslationCompleted(DocumentData):
    language = fields.String(required=True)


class DocumentLate(DocumentData):
    days_late = fields.Integer(required=True, strict=True)
    deadline = fields.String(required=True)


def _each(types, schema):
    return {event_type: schema for event_type in types}


# Event type -> the schema of its `data`. A new event type: add its schema here (and its
# row in docs/events.md).
SCHEMAS = {
    **_each(("meeting_scheduled",), MeetingData()),
    "meeting_updated": MeetingCorrected(),
    **_each(("registration_submitted", "registration_confirmed", "registration_rejected",
             "registration_withdrawn", "participant_checked_in"), RegistrationData()),
    "registration_updated": RegistrationCorrected(),
    **_each(("invitation_issued", "invitation_sent", "invitation_nominations_received"),
            InvitationData()),
    "nomination_letter_received": NominationLetterData(),
    **_each(("organisation_token_issued", "organisation_token_revoked"),
            OrganisationTokenData()),
    **_each(("credentials_submitted", "credentials_reviewed"), CredentialsData()),
    **_each(("observer_request_submitted", "observer_request_decided"),
            ObserverRequestData()),
    **_each(("side_event_requested", "side_event_decided", "side_event_held",
             "side_event_cancelled"), SideEventData()),
    **_each(("agreement_recorded", "agreement_acknowledged", "agreement_declined"),
            AgreementData()),
    "agreement_updated": AgreementCorrected(),
    "settlement_recorded": SettlementData(),
    **_each(("support_requested", "support_accepted", "support_declined",
             "support_delivered", "support_invoiced", "support_settled"),
            SupportRequestData()),
    **_each(("travel_case_opened", "travel_case_cancelled", "dsa_entitlement_fixed",
             "travel_case_updated"), TravelCaseData()),
    "travel_case_rerouted": TravelCaseRerouted(),
    "dsa_rate_missing": DsaRateMissing(),
    "ticket_issued": TicketIssued(),
    "dsa_paid": DsaPaid(),
    "refund_recorded": RefundRecorded(),
    "travel_case_overdue": TravelCaseOverdue(),
    **_each(("document_registered", "document_submitted", "document_edited",
             "document_published"), DocumentData()),
    "document_updated": DocumentCorrected(),
    "contribution_recorded": ContributionRecorded(),
    "translation_completed": TranslationCompleted(),
    "document_late": DocumentLate(),
}

_warned_unknown = set()


def check_size(size, max_bytes=DEFAULT_MAX_BYTES):
    """Raise EventRejected when a message of `size` bytes is over the limit."""
    if size > max_bytes:
        raise EventRejected(f"event of {size} bytes is larger than the limit of {max_bytes}")


def check_data(envelope):
    """Raise EventRejected unless a valid envelope's `data` matches its type's schema."""
    schema = SCHEMAS.get(envelope["type"])
    if schema is None:
        if envelope["type"] not in _warned_unknown:
            _warned_unknown.add(envelope["type"])
            log.warning("no schema for event type %s: checked on its envelope and size only",
                        envelope["type"])
        return
    try:
        schema.load(envelope["data"])
    except ValidationError as exc:
        raise EventRejected(
            f"data does not match the {envelope['type']} schema: {json.dumps(exc.messages)}"
        ) from exc
