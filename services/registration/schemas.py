"""Registration's request and response schemas (also its OpenAPI components)."""
from marshmallow import Schema, fields, validate

from coord.http import PageQuery
from coord.vocabulary import REGIONS
from services.registration.domain import CATEGORIES, MEETING_KINDS, STATUSES

COUNTRY = validate.Regexp(r"^[A-Z]{3}$", error="Use an ISO 3166-1 alpha-3 code, e.g. PER.")


def text(max_length, **kwargs):
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


class MeetingCreateSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,39}$", error="Letters, digits, '.' and '-', e.g. COP-2."))
    title = text(300, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(MEETING_KINDS))
    city = text(100, required=True)
    country = fields.String(required=True, validate=COUNTRY)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    symbol_prefix = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Z][A-Za-z0-9.]*(/[A-Za-z0-9.]+)+$", error="A UN symbol prefix, e.g. UNEP/MC/COP.2."))


class MeetingSchema(MeetingCreateSchema):
    id = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)


class MeetingListQuery(PageQuery):
    kind = fields.String(validate=validate.OneOf(MEETING_KINDS))
    year = fields.Integer(validate=validate.Range(min=1990, max=2100))


class RegistrationCreateSchema(Schema):
    given_name = text(120, required=True)
    family_name = text(120, required=True)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    country = fields.String(required=True, validate=COUNTRY)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    organisation = text(300, required=True)
    funding_requested = fields.Boolean(load_default=False)
    visa_letter_requested = fields.Boolean(load_default=False)


class RegistrationSchema(RegistrationCreateSchema):
    id = fields.String(required=True)
    meeting_id = fields.String(required=True)
    region = fields.String(required=True, validate=validate.OneOf(REGIONS))
    funding_eligible = fields.Boolean(required=True)
    priority = fields.Boolean(required=True, metadata={
        "description": "Least developed country or small island developing State."})
    funded = fields.Boolean(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class RegistrationListQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(STATUSES))


class ConfirmSchema(Schema):
    funded = fields.Boolean(required=True)
