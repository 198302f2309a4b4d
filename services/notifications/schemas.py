"""Notifications' schemas: the feed's filters and what the feed, digest and views return."""
from datetime import datetime, timezone

from marshmallow import Schema, fields, validate

from coord.envelope import SubjectSchema
from coord.http import PageQuery, page_of
from coord.vocabulary import ORGANISATIONS

SUBJECT = SubjectSchema()


def subject_of(entry):
    return SUBJECT.dump({"kind": entry.subject_kind, "id": entry.subject_id})


class FeedEntrySchema(Schema):
    id = fields.String(required=True, metadata={"description": "The event's event_id."})
    seq = fields.Integer(required=True, metadata={
        "description": "Position in the feed; the `id:` of the entry's server-sent event."})
    at = fields.AwareDateTime(required=True)
    type = fields.String(required=True)
    meeting_id = fields.String(allow_none=True, required=True)
    meeting_code = fields.String(allow_none=True, required=True, metadata={
        "description": "The meeting's code (e.g. COP-2), when known."})
    actor = fields.String(required=True)
    owner = fields.String(allow_none=True, required=True,
                          metadata={"description": "Who must act next (null: nobody)."})
    summary = fields.String(required=True)
    subject = fields.Function(subject_of, required=True, metadata={
        "type": "object", "properties": {"kind": {"type": "string"}, "id": {"type": "string"}}})
    late = fields.Boolean(required=True, metadata={"description": "The event reports lateness."})


class FeedFilters(Schema):
    """The filters every view of the feed (JSON, Atom, stream) accepts."""

    meeting_id = fields.String(validate=validate.Length(min=1, max=36))
    owner = fields.String(validate=validate.OneOf(ORGANISATIONS), metadata={
        "description": "Entries that left work waiting on this organisation when they "
                       "happened (history)."})
    waiting_on = fields.String(validate=validate.OneOf(ORGANISATIONS), metadata={
        "description": "What waits on this organisation now: for each item waiting on it, "
                       "the entry that set the wait (the same items as its digest)."})
    type = fields.String(validate=validate.Regexp(
        r"^[a-z][a-z0-9_]*$", error="Not an event type (lower_snake_case)."))


class FeedQuery(PageQuery, FeedFilters):
    since = fields.AwareDateTime(
        default_timezone=timezone.utc, metadata={"description": "Only entries at or after this time."},
        validate=validate.Range(min=datetime(1990, 1, 1, tzinfo=timezone.utc),
                                error="Must be after 1990-01-01."))


class AtomQuery(FeedFilters):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class StreamQuery(FeedFilters):
    last_event_id = fields.Integer(strict=False, validate=validate.Range(min=0, max=2 ** 63 - 1), metadata={
        "description": "Resume after this entry (for clients that cannot send the "
                       "Last-Event-ID header, which wins when both are given)."})


class StreamTicketSchema(Schema):
    ticket = fields.String(required=True, metadata={
        "description": "Put it in the URL as `?ticket=`; shown once, kept only as a digest."})
    expires_at = fields.DateTime(required=True, metadata={
        "description": "A minute after issue; ask for a new one to reconnect after that."})


class DigestQuery(Schema):
    owner = fields.String(validate=validate.OneOf(ORGANISATIONS), metadata={
        "description": "The organisation whose waiting items to list (default: the caller)."})


class WaitingItemSchema(Schema):
    subject = fields.Nested(SubjectSchema, required=True)
    meeting_id = fields.String(allow_none=True, required=True)
    meeting_code = fields.String(allow_none=True, required=True)
    since = fields.AwareDateTime(required=True,
                                 metadata={"description": "Waiting on this owner since."})
    days_waiting = fields.Integer(required=True)
    late = fields.Boolean(required=True)
    action = fields.String(allow_none=True, required=True, metadata={
        "description": "What the owner is to do to clear the wait (null when the "
                       "producer did not say)."})
    type = fields.String(required=True, metadata={"description": "The latest event's type."})
    summary = fields.String(required=True, metadata={"description": "The latest event."})


class DigestSchema(Schema):
    owner = fields.String(required=True)
    owner_name = fields.String(required=True)
    generated_at = fields.AwareDateTime(required=True)
    waiting = fields.Integer(required=True)
    late = fields.Integer(required=True)
    items = fields.List(fields.Nested(WaitingItemSchema), required=True,
                        metadata={"description": "Late items first, then the longest waiting."})


class WaitingCountSchema(Schema):
    owner = fields.String(required=True)
    owner_name = fields.String(required=True)
    waiting = fields.Integer(required=True)
    late = fields.Integer(required=True)


class WaitingOverviewSchema(Schema):
    organisations = fields.List(fields.Nested(WaitingCountSchema), required=True)


class DigestAddressCreateSchema(Schema):
    address = fields.Email(required=True, validate=validate.Length(max=254))
    organisation = fields.String(validate=validate.OneOf(ORGANISATIONS), metadata={
        "description": "Whose digest (mc only; others give addresses for their own)."})


class DigestAddressConfirmSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=20))


class DigestAddressSchema(Schema):
    id = fields.String(required=True)
    organisation = fields.String(required=True)
    address = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("pending", "confirmed")))
    last_sent_on = fields.Date(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    confirmed_at = fields.AwareDateTime(allow_none=True)


DigestAddressListSchema = page_of(DigestAddressSchema)


class DigestMailRunSchema(Schema):
    queued = fields.Integer(required=True)
