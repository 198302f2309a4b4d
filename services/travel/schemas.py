"""Travel's request and response schemas (also its OpenAPI components), and the schemas
that validate the `data` of the events travel consumes."""
from marshmallow import EXCLUDE, Schema, fields, validate

from coord.http import PageQuery
from coord.money import MoneySchema
from coord.vocabulary import ORGANISATIONS, REGIONS
from services.travel.domain import DEFAULT_TRAVEL_DAYS, STATUSES


def text(max_length, **kwargs):
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


class DsaRateSetSchema(Schema):
    daily = fields.Nested(MoneySchema, required=True)
    valid_from = fields.Date(required=True)
    travel_days = fields.Integer(load_default=DEFAULT_TRAVEL_DAYS, validate=validate.Range(
        min=0, max=10), metadata={"description": "Days of travel added to the meeting days."})


class DsaRateSchema(DsaRateSetSchema):
    id = fields.String(required=True)
    city = fields.String(required=True)
    set_by = fields.String(required=True)
    set_at = fields.AwareDateTime(required=True)


class DsaRateListQuery(PageQuery):
    city = text(100)


class EntitlementBasisSchema(Schema):
    daily_rate = fields.Nested(MoneySchema, required=True)
    meeting_days = fields.Integer(required=True)
    travel_days = fields.Integer(required=True)
    city = fields.String(required=True)
    valid_from = fields.Date(required=True, metadata={
        "description": "The rate applied: the one valid on the meeting's opening day."})


class TicketCreateSchema(Schema):
    carrier = text(100, required=True)
    ticket_number = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9][A-Za-z0-9 \-/]{0,39}$", error="Letters, digits, spaces, '-' and '/'."))
    fare = fields.Nested(MoneySchema, required=True)
    outbound_on = fields.Date(required=True)
    return_on = fields.Date(required=True)


class RefundCreateSchema(Schema):
    amount = fields.Nested(MoneySchema, required=True, metadata={
        "description": "What the carrier returned: at most the fare, in its currency."})
    received_on = fields.Date(required=True)


class RefundSchema(RefundCreateSchema):
    recorded_by = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True)


class TicketSchema(TicketCreateSchema):
    issued_by = fields.String(required=True)
    issued_at = fields.AwareDateTime(required=True)
    refund = fields.Nested(RefundSchema, required=True, allow_none=True, metadata={
        "description": "Recorded by the travel owner once the case is cancelled."})


class DsaPaymentCreateSchema(Schema):
    amount = fields.Nested(MoneySchema, required=True)
    paid_on = fields.Date(required=True)
    reason = fields.String(load_default=None, validate=validate.Length(min=1, max=500),
                           metadata={"description": "Required when the amount is not the "
                                                    "entitlement."})


class DsaPaymentSchema(DsaPaymentCreateSchema):
    paid_by = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True)


class TravelCaseSchema(Schema):
    id = fields.String(required=True)
    registration_id = fields.String(required=True)
    meeting_id = fields.String(required=True)
    meeting_code = fields.String(required=True)
    given_name = fields.String(required=True)
    family_name = fields.String(required=True)
    country = fields.String(required=True)
    region = fields.String(required=True, validate=validate.OneOf(REGIONS))
    travel_owner = fields.String(required=True)
    travel_basis = fields.String(required=True)
    travel_agreement_id = fields.String(required=True, allow_none=True)
    dsa_owner = fields.String(required=True)
    dsa_basis = fields.String(required=True)
    dsa_agreement_id = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    owner = fields.String(required=True, allow_none=True, metadata={
        "description": "The organisation that must act next."})
    waiting_for = fields.String(required=True, allow_none=True, metadata={
        "description": "What the owner is to do: issue the ticket, pay the DSA, record "
                       "the ticket refund."})
    entitlement = fields.Nested(MoneySchema, required=True, allow_none=True, metadata={
        "description": "DSA owed; null until the meeting and its city's rate are known."})
    entitlement_basis = fields.Nested(EntitlementBasisSchema, required=True, allow_none=True)
    dsa_rate_missing = fields.Boolean(required=True, metadata={
        "description": "The meeting's city has no DSA rate for its dates yet."})
    refund_due = fields.Boolean(required=True, metadata={
        "description": "Cancelled after its ticket was issued: the ticket is to be refunded."})
    ticket = fields.Nested(TicketSchema, required=True, allow_none=True)
    dsa_payment = fields.Nested(DsaPaymentSchema, required=True, allow_none=True)
    ticket_due_on = fields.Date(required=True, allow_none=True)
    overdue = fields.Boolean(required=True, metadata={
        "description": "No ticket and ticket_due_on has passed."})
    opened_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class TravelCaseListQuery(PageQuery):
    meeting_id = fields.String()
    registration_id = fields.String()
    region = fields.String(validate=validate.OneOf(REGIONS))
    owner = fields.String(validate=validate.OneOf(ORGANISATIONS), metadata={
        "description": "Cases waiting on this organisation now (their `owner`): its "
                       "tickets not yet issued, its DSA not yet paid once the ticket is, "
                       "its refunds of cancelled tickets not yet recorded."})
    status = fields.String(validate=validate.OneOf(STATUSES))
    overdue = fields.Boolean(metadata={"description": "No ticket two weeks before the "
                                                      "meeting opens."})


# The `data` of consumed events. Unknown fields are dropped: producers may add fields.

class _EventData(Schema):
    class Meta:
        unknown = EXCLUDE


class MeetingScheduledData(_EventData):
    code = fields.String(required=True)
    city = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class RegistrationData(_EventData):
    meeting_code = fields.String(required=True)
    given_name = fields.String(required=True)
    family_name = fields.String(required=True)
    country = fields.String(required=True)
    region = fields.String(required=True, validate=validate.OneOf(REGIONS))
    funded = fields.Boolean(required=True)


class AgreementData(_EventData):
    provider = fields.String(required=True, validate=validate.OneOf(ORGANISATIONS))
    category = fields.String(required=True)
    basis = fields.String(required=True)
    regions = fields.List(fields.String(validate=validate.OneOf(REGIONS)), load_default=None,
                          allow_none=True)
