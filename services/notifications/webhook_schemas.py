"""Webhooks' request and response schemas (also their OpenAPI components)."""
from marshmallow import Schema, fields, validate

from coord.http import PageQuery

EVENT_TYPE = validate.Regexp(r"^([a-z][a-z0-9_]*|\*)$",
                             error="An event type (lower_snake_case), or * for every type.")


class WebhookCreateSchema(Schema):
    url = fields.String(required=True, validate=validate.Length(min=8, max=2000), metadata={
        "description": "http:// or https:// on a public address; it receives a POST per "
                       "event.", "example": "https://partner.example.org/coord-events"})
    event_types = fields.List(
        fields.String(validate=EVENT_TYPE), required=True,
        validate=validate.Length(min=1, max=100), metadata={
            "description": "The event types to receive (see the events' list); `*`: all.",
            "example": ["travel_case_opened", "ticket_issued"]})
    meeting_id = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "Only this meeting's events (default: every meeting)."})


class WebhookSchema(Schema):
    id = fields.String(required=True)
    organisation = fields.String(required=True, metadata={
        "description": "The organisation whose token registered it; only it sees it."})
    url = fields.String(required=True)
    event_types = fields.List(fields.String(), required=True)
    meeting_id = fields.String(allow_none=True, required=True)
    status = fields.String(required=True, metadata={
        "description": "active; failing once a delivery gave up (a later success makes it "
                       "active again); deleted.", "enum": ["active", "failing", "deleted"]})
    created_at = fields.AwareDateTime(required=True)
    failing_since = fields.AwareDateTime(allow_none=True, required=True)


class WebhookCreatedSchema(WebhookSchema):
    secret = fields.String(required=True, metadata={
        "description": "Key of the X-Coord-Signature HMAC. Shown in this answer only: "
                       "keep it."})


class AttemptSchema(Schema):
    at = fields.AwareDateTime(required=True)
    status_code = fields.Integer(allow_none=True, required=True, metadata={
        "description": "The receiver's HTTP status (null: no answer)."})
    error = fields.String(allow_none=True, required=True)
    latency_ms = fields.Integer(required=True)
    delivered = fields.Boolean(required=True)


class DeliverySchema(Schema):
    id = fields.String(required=True)
    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    status = fields.String(required=True, metadata={
        "enum": ["pending", "delivered", "failed"],
        "description": "pending (will be tried at next_attempt_at), delivered, or failed "
                       "(gave up at give_up_at; ask for a redelivery)."})
    created_at = fields.AwareDateTime(required=True)
    next_attempt_at = fields.AwareDateTime(allow_none=True, required=True)
    give_up_at = fields.AwareDateTime(required=True)
    delivered_at = fields.AwareDateTime(allow_none=True, required=True)
    attempts = fields.List(fields.Nested(AttemptSchema), required=True)


class DeliveryListQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(("pending", "delivered", "failed")))
