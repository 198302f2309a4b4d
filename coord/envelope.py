"""The event envelope every service publishes and every consumer validates (CONTRACT.md
"Events"). One schema, so producers and consumers cannot drift apart."""
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from marshmallow import INCLUDE, Schema, fields, validate

from coord.vocabulary import ORGANISATION_CODE, ORGANISATION_CODE_LENGTH


class SubjectSchema(Schema):
    kind = fields.String(required=True)
    id = fields.String(required=True)


_ORGANISATION = validate.And(validate.Regexp(ORGANISATION_CODE),
                             validate.Length(max=ORGANISATION_CODE_LENGTH))


class EnvelopeSchema(Schema):
    class Meta:
        # A newer producer may add envelope fields; consumers must not park its events.
        unknown = INCLUDE

    event_id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]*$"))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True, default_timezone=timezone.utc)
    producer = fields.String(required=True)
    meeting_id = fields.String(required=True, allow_none=True)
    # The standing partners, or organisations made since (coord.vocabulary).
    actor = fields.String(required=True, validate=_ORGANISATION)
    owner = fields.String(required=True, allow_none=True, validate=_ORGANISATION)
    subject = fields.Nested(SubjectSchema, required=True)
    data = fields.Dict(required=True)
    # Added in v1.1, optional: the id of the request (or event chain) that caused this one.
    correlation_id = fields.String(validate=validate.Length(min=1, max=128))


ENVELOPE = EnvelopeSchema()


@dataclass(frozen=True)
class Event:
    """A fact a service records with its state change; becomes an envelope in the outbox."""

    type: str
    subject_kind: str
    subject_id: str
    actor: str
    owner: str | None = None
    meeting_id: str | None = None
    data: dict = field(default_factory=dict)
    version: int = 1

    def envelope(self, producer, *, event_id=None, occurred_at=None, correlation_id=None):
        """The JSON-ready envelope for this event, as published; `correlation_id` only
        when the event was caused by a request or event that had one."""
        envelope = {
            "event_id": str(event_id or uuid.uuid4()),
            "type": self.type,
            "version": self.version,
            "occurred_at": (occurred_at or datetime.now(timezone.utc)).isoformat(),
            "producer": producer,
            "meeting_id": self.meeting_id,
            "actor": self.actor,
            "owner": self.owner,
            "subject": {"kind": self.subject_kind, "id": str(self.subject_id)},
            "data": self.data,
        }
        if correlation_id:
            envelope["correlation_id"] = correlation_id
        return envelope
