"""Documents' request and response schemas (also its OpenAPI components)."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from coord.corrections import patch_schema
from coord.http import PageQuery
from coord.public import language_field
from coord.vocabulary import LANGUAGES, ORGANISATIONS
from services.documents.domain import (
    ALL_LANGUAGES, DUE, KINDS, REDUCED_LANGUAGES, RELATIONS, STATUSES, SUBMISSION,
)


def text(max_length, **kwargs):
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


class LanguageSetField(fields.Field):
    """`"all"` (the six), `"reduced"` (en, fr, es) or an explicit list of languages."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value in (ALL_LANGUAGES, REDUCED_LANGUAGES):
            return value
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return value
        raise ValidationError(
            f"Use \"{ALL_LANGUAGES}\", \"{REDUCED_LANGUAGES}\" or a list of languages "
            f"such as [\"en\", \"fr\", \"es\"].")


class DocumentCreateSchema(Schema):
    meeting_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = text(500, required=True)
    agenda_item = text(40, required=True, metadata={"example": "4 (a)"})
    parent_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36),
                              metadata={"description": "With `relation`: the document this "
                                        "one adds to, revises or corrects."})
    relation = fields.String(load_default=None, validate=validate.OneOf(tuple(RELATIONS)))
    original_language = fields.String(
        load_default="en", validate=validate.OneOf(LANGUAGES), metadata={
            "description": "The language it is drafted in; done when the document is submitted."})
    languages = LanguageSetField(
        load_default=ALL_LANGUAGES, metadata={
            "description": "Languages required before publication: \"all\" six (default), "
                           "\"reduced\" (en, fr, es) or a list that includes en, fr and es.",
            "oneOf": [{"type": "string", "enum": [ALL_LANGUAGES, REDUCED_LANGUAGES]},
                      {"type": "array", "items": {"type": "string", "enum": list(LANGUAGES)}}]})

    @pre_load
    def refuse_symbol(self, data, **kwargs):
        """A symbol is assigned, never typed: say so rather than "Unknown field."."""
        if isinstance(data, dict) and "symbol" in data:
            raise ValidationError({"symbol": [
                "Unknown field: the symbol is assigned when the document is registered; "
                "do not send one."]})
        return data


class FileSchema(Schema):
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    uploaded_at = fields.AwareDateTime(required=True)
    uploaded_by = fields.String(required=True)
    url = fields.String(required=True)


class LanguageVersionSchema(Schema):
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    status = fields.String(required=True, validate=validate.OneOf(("pending", "done")))
    done_at = fields.AwareDateTime(allow_none=True)
    done_by = fields.String(allow_none=True)
    file = fields.Nested(FileSchema, allow_none=True)


class ContributionCreateSchema(Schema):
    note = text(4000, required=True)


class ContributionSchema(ContributionCreateSchema):
    id = fields.String(required=True)
    document_id = fields.String(required=True)
    contributor = fields.String(required=True, validate=validate.OneOf(ORGANISATIONS))
    created_at = fields.AwareDateTime(required=True)


class MissedDeadlineSchema(Schema):
    deadline = fields.String(required=True, validate=validate.OneOf((SUBMISSION, DUE)))
    was_on = fields.Date(required=True)
    days_late = fields.Integer(required=True)


class DocumentPatchSchema(patch_schema(DocumentCreateSchema)):
    """A correction: title, agenda item or due date; the rest of a document is fixed."""

    due_on = fields.Date(validate=validate.Range(min=date(1990, 1, 1), max=date(2100, 12, 31)))


class DocumentSchema(Schema):
    id = fields.String(required=True)
    etag = fields.String(required=True, metadata={
        "description": "Send it back as If-Match with a PATCH; it changes with each one."})
    meeting_id = fields.String(required=True)
    meeting_code = fields.String(required=True)
    symbol = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = fields.String(required=True)
    agenda_item = fields.String(required=True)
    parent_id = fields.String(allow_none=True)
    relation = fields.String(allow_none=True, validate=validate.OneOf(tuple(RELATIONS)))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    owner = fields.String(allow_none=True, metadata={
        "description": "The organisation that holds the document: must act next."})
    original_language = fields.String(required=True)
    language_set = fields.String(required=True, validate=validate.OneOf(
        (ALL_LANGUAGES, REDUCED_LANGUAGES)))
    languages = fields.List(fields.Nested(LanguageVersionSchema), required=True, metadata={
        "description": "Every language required before publication, in UN order."})
    contributions = fields.List(fields.Nested(ContributionSchema), required=True)
    submission_due_on = fields.Date(allow_none=True, metadata={
        "description": "Working documents: due at conference services ten weeks before "
                       "the meeting opens."})
    due_on = fields.Date(allow_none=True, metadata={
        "description": "Working documents: due six weeks before the meeting opens."})
    late = fields.Boolean(required=True)
    days_late = fields.Integer(allow_none=True, metadata={
        "description": "Days since the longest-missed deadline, when late."})
    missed_deadlines = fields.List(fields.Nested(MissedDeadlineSchema), required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class DocumentListQuery(PageQuery):
    meeting_id = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    kind = fields.String(validate=validate.OneOf(KINDS))
    owner = fields.String(validate=validate.OneOf(ORGANISATIONS))
    late = fields.Boolean(metadata={"description": "true: only documents past a deadline."})


# The public face: no token, published documents only, nothing internal.

class PublicLanguageSchema(Schema):
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    url = fields.String(required=True, metadata={
        "description": "Path of the file on this service, e.g. "
                       "/public/documents/UNEP/MC/COP.2/1/fr."})
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)


class PublicDocumentSchema(Schema):
    symbol = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    agenda_item = fields.String(required=True)
    published_at = fields.AwareDateTime(required=True)
    languages = fields.List(fields.Nested(PublicLanguageSchema), required=True, metadata={
        "description": "The languages it can be downloaded in, in UN order."})


def meeting_code(**kwargs):
    return fields.String(validate=validate.Length(min=1, max=40), metadata={
        "description": "The meeting's code, e.g. COP-2."}, **kwargs)


class PublicDocumentsQuery(PageQuery):
    meeting = meeting_code(required=True)


class PublicFeedQuery(Schema):
    meeting = meeting_code(required=True)


class PublicPageQuery(Schema):
    lang = language_field()
