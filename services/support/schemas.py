"""Support's request and response schemas (also its OpenAPI components)."""
from marshmallow import Schema, fields, post_load, validate

from coord import money
from coord.corrections import patch_schema
from coord.http import PageQuery
from coord.vocabulary import ORGANISATIONS, REGIONS
from services.support.domain import (
    AGREEMENT_STATUSES, BASES, CATEGORIES, REQUEST_CATEGORIES, STATUSES,
)

ORGANISATION = validate.OneOf(ORGANISATIONS)
MEETING_ID = validate.Length(min=1, max=36)


class MoneySchema(money.MoneySchema):
    """Money loaded as the ledger keeps it: a `Money` written to its minor units."""

    @post_load
    def normalised(self, data, **kwargs):
        return money.money(data["amount"], data["currency"])


class AgreementCreateSchema(Schema):
    meeting_id = fields.String(required=True, validate=MEETING_ID)
    provider = fields.String(required=True, validate=ORGANISATION)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    basis = fields.String(required=True, validate=validate.OneOf(BASES))
    regions = fields.List(
        fields.String(validate=validate.OneOf(REGIONS)), allow_none=True, load_default=None,
        metadata={"description": "The regions this agreement covers; null or absent: every region."})


class AgreementSchema(AgreementCreateSchema):
    id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(AGREEMENT_STATUSES),
                           metadata={"description": "recorded (waiting on the provider), "
                                                    "acknowledged or declined."})
    owner = fields.String(allow_none=True, required=True,
                          metadata={"description": "Who must act next, or null."})
    decline_reason = fields.String(allow_none=True, required=True)
    recorded_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    answered_at = fields.AwareDateTime(allow_none=True, required=True)
    etag = fields.String(required=True, metadata={
        "description": "Send it back as If-Match with a PATCH; it changes with each one."})


AgreementPatchSchema = patch_schema(AgreementCreateSchema)


class AgreementListQuery(PageQuery):
    meeting_id = fields.String(validate=MEETING_ID)
    provider = fields.String(validate=ORGANISATION)
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    owner = fields.String(validate=ORGANISATION, metadata={
        "description": "Agreements waiting on this organisation's acknowledgement."})


class SettlementCreateSchema(Schema):
    meeting_id = fields.String(required=True, validate=MEETING_ID)
    provider = fields.String(required=True, validate=ORGANISATION)
    amount = fields.Nested(MoneySchema, required=True)
    reference = fields.String(required=True, validate=validate.Length(min=1, max=200),
                              metadata={"description": "The payment's reference, e.g. "
                                                       "the transfer number."})


class SettlementSchema(SettlementCreateSchema):
    id = fields.String(required=True)
    amount = fields.Nested(MoneySchema, required=True, attribute="money")
    recorded_by = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True)


class SettlementListQuery(PageQuery):
    meeting_id = fields.String(validate=MEETING_ID)
    provider = fields.String(validate=ORGANISATION)


class SupportRequestCreateSchema(Schema):
    meeting_id = fields.String(required=True, validate=MEETING_ID)
    provider = fields.String(required=True, validate=ORGANISATION)
    category = fields.String(required=True, validate=validate.OneOf(REQUEST_CATEGORIES),
                             metadata={"description": "Travel and DSA payment run through "
                                                      "the travel service's cases."})
    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    quantity = fields.Integer(load_default=1, strict=True,
                              validate=validate.Range(min=1, max=100000))
    region = fields.String(load_default=None, validate=validate.OneOf(REGIONS), metadata={
        "description": "Needed only when the provider's agreements differ by region."})


class SupportRequestSchema(SupportRequestCreateSchema):
    id = fields.String(required=True)
    agreement_id = fields.String(required=True)
    basis = fields.String(required=True, validate=validate.OneOf(BASES))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    owner = fields.String(allow_none=True, required=True,
                          metadata={"description": "Who must act next, or null."})
    decline_reason = fields.String(allow_none=True, required=True)
    invoice = fields.Nested(MoneySchema, allow_none=True, required=True)
    requested_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    invoiced_at = fields.AwareDateTime(allow_none=True, required=True)
    settled_at = fields.AwareDateTime(allow_none=True, required=True)


class SupportRequestListQuery(PageQuery):
    provider = fields.String(validate=ORGANISATION)
    owner = fields.String(validate=ORGANISATION, metadata={
        "description": "Requests waiting on this organisation now (their `owner`)."})
    status = fields.String(validate=validate.OneOf(STATUSES))
    meeting_id = fields.String(validate=MEETING_ID)
    category = fields.String(validate=validate.OneOf(CATEGORIES))


class DeclineSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class InvoiceSchema(Schema):
    amount = fields.Nested(MoneySchema, required=True)


class LedgerQuery(Schema):
    meeting_id = fields.String(required=True, validate=MEETING_ID)


def _stage_counts(name):
    return Schema.from_dict({status: fields.Integer(required=True) for status in STATUSES},
                            name=name)


class TravelCountsSchema(Schema):
    tickets = fields.Integer(required=True)
    dsa_payments = fields.Integer(required=True)
    refunds_pending = fields.Integer(required=True, metadata={
        "description": "Tickets of cases cancelled with a refund due."})
    refunded = fields.Integer(required=True, metadata={
        "description": "Tickets of cancelled cases whose refund is recorded."})


class CurrencyTotalsSchema(Schema):
    currency = fields.String(required=True)
    tickets = fields.String(required=True, metadata={"description": "Ticket fares paid."})
    dsa = fields.String(required=True, metadata={"description": "DSA paid."})
    invoiced = fields.String(required=True)
    owed = fields.String(required=True, metadata={
        "description": "Reimbursement only: invoiced + tickets + dsa - refunded; 0 on "
                       "other bases, where tickets and dsa are services received."})
    settled = fields.String(required=True, metadata={
        "description": "Settlements, and invoices settled on their own."})
    outstanding = fields.String(required=True, metadata={"description": "owed - settled"})
    refunds_pending = fields.String(required=True, metadata={
        "description": "Fares of cancelled cases the carrier should refund (still in owed)."})
    refunded = fields.String(required=True, metadata={
        "description": "What carriers refunded for cancelled tickets (taken off owed)."})


class LedgerLineSchema(Schema):
    provider = fields.String(required=True)
    basis = fields.String(required=True)
    requests = fields.Nested(_stage_counts("RequestCounts"), required=True, metadata={
        "description": "Support requests that reached each stage."})
    items = fields.Nested(_stage_counts("ItemCounts"), required=True, metadata={
        "description": "The quantities of those requests."})
    travel = fields.Nested(TravelCountsSchema, required=True)
    amounts = fields.List(fields.Nested(CurrencyTotalsSchema), required=True, metadata={
        "description": "One entry per currency; amounts are never added across currencies."})


class LedgerSchema(Schema):
    meeting_id = fields.String(required=True)
    meeting_code = fields.String(required=True)
    lines = fields.List(fields.Nested(LedgerLineSchema), required=True)
