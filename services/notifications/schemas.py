"""Notifications' schemas."""
from datetime import timezone

from marshmallow import Schema, fields, validate

from coord.envelope import SubjectSchema
from coord.http import PageQuery
from coord.vocabulary import ORGANISATIONS


class FeedEntrySchema(Schema):
    id = fields.String(required=True)
    at = fields.AwareDateTime(required=True)
    type = fields.String(required=True)
    meeting_id = fields.String(allow_none=True, required=True)
    actor = fields.String(required=True)
    owner = fields.String(allow_none=True, required=True)
    summary = fields.String(required=True)
    subject = fields.Method("subject_of", required=True,
                           metadata={"type": "object", "properties": {
                               "kind": {"type": "string"}, "id": {"type": "string"}}})

    def subject_of(self, entry):
        return SubjectSchema().dump({"kind": entry.subject_kind, "id": entry.subject_id})


class FeedQuery(PageQuery):
    meeting_id = fields.String()
    owner = fields.String(validate=validate.OneOf(ORGANISATIONS))
    type = fields.String(validate=validate.Regexp(r"^[a-z][a-z0-9_]*$"))
    since = fields.AwareDateTime(default_timezone=timezone.utc, metadata={"description": "Only entries at or after this time."})
