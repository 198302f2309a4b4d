"""Registration's request and response schemas (also its OpenAPI components)."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, pre_dump, validate, validates_schema

from coord import public
from coord.corrections import patch_schema
from coord.http import PageQuery, page_of
from coord.vocabulary import (
    LANGUAGES, ORGANISATION_CODE, ORGANISATION_CODE_LENGTH, ORGANISATION_KINDS, REGIONS,
)
from services.registration import domain
from services.registration.domain import CATEGORIES, MEETING_KINDS, STATUSES

MEETING_DATE = validate.Range(min=date(1990, 1, 1), max=date(2100, 12, 31),
                              error="Must be between 1990-01-01 and 2100-12-31.")
COUNTRY = validate.Regexp(r"^[A-Z]{3}$", error="Use an ISO 3166-1 alpha-3 code, e.g. PER.")


def text(max_length, **kwargs):
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


def one_of(choices, **kwargs):
    return fields.String(validate=validate.OneOf(choices), **kwargs)


def require_when(data, field, condition, message):
    """Cross-field rule: `field` must be given when `condition` holds (per-field 400)."""
    if condition and not data.get(field):
        raise ValidationError({field: [message]})


class MeetingTranslationSchema(Schema):
    """A meeting's title and venue in one language (as the letters and lists print them)."""

    title = text(300)
    city = text(100)


class MeetingCreateSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,39}$", error="Letters, digits, '.' and '-', e.g. COP-2."))
    title = text(300, required=True)
    kind = one_of(MEETING_KINDS, required=True)
    city = text(100, required=True)
    country = fields.String(required=True, validate=COUNTRY)
    starts_on = fields.Date(required=True, validate=MEETING_DATE)
    ends_on = fields.Date(required=True, validate=MEETING_DATE)
    symbol_prefix = fields.String(required=True, validate=[validate.Length(max=60), validate.Regexp(
        r"^[A-Z][A-Za-z0-9.]*(/[A-Za-z0-9.]+)+$", error="A UN symbol prefix, e.g. UNEP/MC/COP.2.")])
    translations = fields.Dict(
        keys=fields.String(validate=validate.OneOf(LANGUAGES)),
        values=fields.Nested(MeetingTranslationSchema), load_default=dict, metadata={
            "description": 'Title and city per language, e.g. {"fr": {"title": "Deuxième '
                           'réunion de la Conférence des Parties", "city": "Genève"}}; '
                           "letters and lists in a language without one print the English."})


class MeetingSchema(MeetingCreateSchema):
    id = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    etag = fields.String(required=True, metadata={
        "description": "Send it back as If-Match with a PATCH; it changes with each one."})


MeetingPatchSchema = patch_schema(MeetingCreateSchema)


class MeetingListQuery(PageQuery):
    kind = one_of(MEETING_KINDS)
    year = fields.Integer(validate=validate.Range(min=1990, max=2100))


class PublicTranslationSchema(Schema):
    title = fields.String()
    city = fields.String()


class PublicMeetingSchema(Schema):
    """A meeting as anyone may read it (no token): what a website announces."""

    code = fields.String(required=True)
    title = fields.String(required=True, metadata={"description": "In English."})
    kind = one_of(MEETING_KINDS, required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    city = fields.String(required=True, metadata={"description": "In English."})
    country = fields.String(required=True)
    symbol_prefix = fields.String(required=True)
    translations = fields.Dict(
        keys=fields.String(), values=fields.Nested(PublicTranslationSchema), required=True,
        metadata={"description": "The title and city in French and Spanish, where given."})

    @pre_dump
    def with_translations(self, meeting, **kwargs):
        """The meeting's fields, its translations read the one public way."""
        return {**{name: getattr(meeting, name) for name in self.fields
                   if name != "translations"},
                "translations": public.translations(meeting)}


class RegistrationCreateSchema(Schema):
    """One nomination; also each row of a delegation's CSV upload."""

    given_name = text(120, required=True)
    family_name = text(120, required=True)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    country = fields.String(required=True, validate=COUNTRY)
    category = one_of(CATEGORIES, required=True)
    organisation = text(300, required=True)
    funding_requested = fields.Boolean(load_default=False)
    visa_letter_requested = fields.Boolean(load_default=False)
    language = one_of(LANGUAGES, load_default="en", metadata={
        "description": "The language of the participant's letters and mails."})
    # Personal data for the visa letter: accepted here, shown only by
    # GET /registrations/{id}/personal-data (mc).
    title = text(60, load_only=True, metadata={"description": "e.g. Dr., H.E. Mr."})
    function = text(300, load_only=True, metadata={"description": "e.g. Director, Ministry of Environment"})
    nationality = fields.String(validate=COUNTRY, load_only=True)
    date_of_birth = fields.Date(load_only=True, validate=validate.Range(
        min=date(1900, 1, 1), max=date(2100, 12, 31)))
    passport_number = fields.String(load_only=True, validate=validate.Regexp(
        r"^[A-Za-z0-9]{5,20}$", error="5 to 20 letters and digits, as printed in the passport."))
    passport_expires_on = fields.Date(load_only=True, validate=MEETING_DATE)


class PersonalDataSchema(Schema):
    """What a visa letter prints about a participant beyond their name."""

    registration_id = fields.String(required=True, attribute="id")
    reference = fields.String(required=True)
    title = fields.String(allow_none=True)
    function = fields.String(allow_none=True)
    nationality = fields.String(allow_none=True)
    date_of_birth = fields.Date(allow_none=True)
    passport_number = fields.String(allow_none=True)
    passport_expires_on = fields.Date(allow_none=True)


class RegistrationSchema(RegistrationCreateSchema):
    id = fields.String(required=True)
    reference = fields.String(required=True, metadata={"description": "e.g. COP-2/REG/0042"})
    meeting_id = fields.String(required=True)
    region = one_of(REGIONS, required=True)
    funding_eligible = fields.Boolean(required=True)
    priority = fields.Boolean(required=True, metadata={
        "description": "Least developed country or small island developing State."})
    funded = fields.Boolean(required=True)
    status = one_of(STATUSES, required=True)
    checked_in_by = fields.String(allow_none=True, metadata={
        "description": "Organisation that registered the participant on site."})
    checked_in_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    etag = fields.String(required=True, metadata={
        "description": "Send it back as If-Match with a PATCH; it changes with each one."})


RegistrationPatchSchema = patch_schema(RegistrationCreateSchema)


class RegistrationBatchSchema(Schema):
    """The registrations a delegation's CSV upload created, in the file's order."""

    count = fields.Integer(required=True)
    items = fields.List(fields.Nested(RegistrationSchema), required=True)


class RegistrationListQuery(PageQuery):
    status = one_of(STATUSES)
    country = fields.String(validate=COUNTRY)
    category = one_of(CATEGORIES)
    priority = fields.Boolean(metadata={
        "description": "Only (or no) least developed countries and small island States."})


class ConfirmSchema(Schema):
    funded = fields.Boolean(required=True)


class LetterQuery(Schema):
    lang = one_of(domain.LETTER_LANGUAGES, load_default="en")


class ListQuery(Schema):
    lang = one_of(LANGUAGES, load_default="en", metadata={
        "description": "The language of the PDF list's headings and the meeting's title."})


class ParticipantSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(allow_none=True)
    given_name = fields.String(required=True)
    family_name = fields.String(required=True)
    organisation = fields.String(required=True)
    status = one_of(domain.PARTICIPATING, required=True)


class ParticipantCountrySchema(Schema):
    country = fields.String(required=True)
    country_name = fields.String(required=True)
    participants = fields.List(fields.Nested(ParticipantSchema), required=True)


class ParticipantOrganisationSchema(Schema):
    organisation = fields.String(required=True)
    participants = fields.List(fields.Nested(ParticipantSchema), required=True)


class ParticipantCategorySchema(Schema):
    category = one_of(CATEGORIES, required=True)
    countries = fields.List(fields.Nested(ParticipantCountrySchema), metadata={
        "description": "Parties and observer States: by UN short name."})
    organisations = fields.List(fields.Nested(ParticipantOrganisationSchema), metadata={
        "description": "IGOs, NGOs, secretariat and media: by organisation."})


class ParticipantListSchema(Schema):
    """The list of participants: confirmed and checked in, by category then country."""

    meeting_id = fields.String(required=True)
    meeting_code = fields.String(required=True)
    edition = one_of(("provisional", "final"), required=True, metadata={
        "description": "provisional until the meeting has ended, then final"})
    total = fields.Integer(required=True)
    categories = fields.List(fields.Nested(ParticipantCategorySchema), required=True)


# Credentials

class CredentialsCreateSchema(Schema):
    issued_by = one_of(domain.ISSUERS, required=True)
    issuing_authority = text(300, metadata={
        "description": "Who issued them, when `issued_by` is other (e.g. the competent "
                       "authority of a regional economic integration organisation)."})
    issued_on = fields.Date()

    @validates_schema
    def _authority_for_other(self, data, **kwargs):
        require_when(data, "issuing_authority", data.get("issued_by") == "other",
                     "Name the issuing authority when issued_by is other.")


class CredentialsSchema(CredentialsCreateSchema):
    id = fields.String(required=True)
    meeting_id = fields.String(required=True)
    registration_id = fields.String(required=True)
    country = fields.String(required=True)
    given_name = fields.String(required=True, attribute="registration.given_name")
    family_name = fields.String(required=True, attribute="registration.family_name")
    status = one_of(domain.CREDENTIALS_STATUSES, required=True)
    reason = fields.String(allow_none=True)
    reviewed_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime(required=True)


class DecisionSchema(Schema):
    """A decision with its reason; the decision in `needs_reason` must say why."""

    needs_reason, why = None, ""
    reason = text(2000)

    @validates_schema
    def _reason_when_needed(self, data, **kwargs):
        require_when(data, "reason", data.get("decision") == self.needs_reason, self.why)


class CredentialsReviewSchema(DecisionSchema):
    needs_reason, why = domain.DEFICIENT, "Say why the credentials are deficient."
    decision = one_of((domain.ACCEPTED, domain.DEFICIENT), required=True)


class CredentialsListQuery(PageQuery):
    status = one_of(domain.CREDENTIALS_STATUSES)
    country = fields.String(validate=COUNTRY)


class RepresentativeSchema(Schema):
    registration_id = fields.String(required=True)
    given_name = fields.String(required=True)
    family_name = fields.String(required=True)
    credentials_id = fields.String(allow_none=True)
    status = one_of(domain.CREDENTIALS_STATUSES, allow_none=True)
    issued_by = one_of(domain.ISSUERS, allow_none=True)
    reason = fields.String(allow_none=True)


class CountryCredentialsSchema(Schema):
    country = fields.String(required=True)
    country_name = fields.String(required=True)
    standing = one_of(domain.CREDENTIALS_STATUSES + ("none",), required=True, metadata={
        "description": "accepted once any representative's credentials are; else "
                       "submitted (awaiting examination), deficient, or none presented."})
    representatives = fields.List(fields.Nested(RepresentativeSchema), required=True)


class CredentialsReportSchema(Schema):
    """The credentials committee's view: every Party registered, and where it stands."""

    meeting_id = fields.String(required=True)
    meeting_code = fields.String(required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    countries = fields.List(fields.Nested(CountryCredentialsSchema), required=True)


# Observer admission

class ObserverRequestCreateSchema(Schema):
    organisation = text(300, required=True)
    kind = one_of(domain.OBSERVER_KINDS, required=True)
    country = fields.String(validate=COUNTRY, metadata={"description": "Headquarters."})
    contact_email = fields.Email(required=True, validate=validate.Length(max=254))
    website = fields.Url(validate=validate.Length(max=300))
    competence = text(2000, metadata={
        "description": "The organisation's competence in matters the convention covers."})


class ObserverRequestSchema(ObserverRequestCreateSchema):
    id = fields.String(required=True)
    meeting_id = fields.String(required=True)
    status = one_of(domain.OBSERVER_STATUSES, required=True)
    reason = fields.String(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime(required=True)


class ObserverDecisionSchema(DecisionSchema):
    needs_reason, why = domain.REFUSED, "Give the reason for refusing admission."
    decision = one_of((domain.ADMITTED, domain.REFUSED), required=True)


class ObserverListQuery(PageQuery):
    status = one_of(domain.OBSERVER_STATUSES)


# Side events

class SideEventCreateSchema(Schema):
    title = text(300, required=True)
    organiser = text(300, required=True, metadata={
        "description": "The organisers as they will be announced."})
    contact_email = fields.Email(required=True, validate=validate.Length(max=254))
    description = text(2000)
    expected_participants = fields.Integer(validate=validate.Range(min=1, max=5000))
    preferred_starts_at = fields.AwareDateTime(required=True, metadata={
        "description": "Venue local time with its offset; within the meeting's dates."})
    preferred_ends_at = fields.AwareDateTime(required=True)


class SideEventSchema(SideEventCreateSchema):
    id = fields.String(required=True)
    meeting_id = fields.String(required=True)
    organiser_code = fields.String(allow_none=True, metadata={
        "description": "The partner organisation that asked for it, if any."})
    status = one_of(domain.SIDE_EVENT_STATUSES, required=True)
    room = fields.String(allow_none=True)
    starts_at = fields.AwareDateTime(allow_none=True)
    ends_at = fields.AwareDateTime(allow_none=True)
    reason = fields.String(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime(required=True)


class SideEventDecisionSchema(DecisionSchema):
    decision = one_of((domain.ACCEPTED, domain.DECLINED), required=True)
    room = text(100, metadata={"description": "Required to accept."})
    starts_at = fields.AwareDateTime(metadata={"description": "Default: the preferred slot."})
    ends_at = fields.AwareDateTime()

    @validates_schema
    def _room_and_slot(self, data, **kwargs):
        require_when(data, "room", data.get("decision") == domain.ACCEPTED,
                     "Say which room the side event is in.")
        require_when(data, "ends_at", "starts_at" in data, "Give the end with the start.")
        require_when(data, "starts_at", "ends_at" in data, "Give the start with the end.")


class SideEventListQuery(PageQuery):
    status = one_of(domain.SIDE_EVENT_STATUSES)


# Badges and the check-in desk

class BadgeScanSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "What the QR code on the badge says (or what the desk typed)."})


class CheckInCardSchema(Schema):
    """What the desk sees after a scan: enough to recognise the person, no personal data."""

    registration_id = fields.String(required=True, attribute="id")
    reference = fields.String(required=True)
    given_name = fields.String(required=True)
    family_name = fields.String(required=True)
    category = one_of(CATEGORIES, required=True)
    country = fields.String(required=True)
    organisation = fields.String(required=True)
    status = one_of(STATUSES, required=True)
    checked_in_at = fields.AwareDateTime(allow_none=True)


# Mail

class MailListQuery(PageQuery):
    status = one_of(("queued", "sent", "failed"))
    about_id = fields.String(metadata={"description": "e.g. a registration's id"})


class MailSchema(Schema):
    id = fields.String(required=True)
    to = fields.String(required=True)
    subject = fields.String(required=True)
    language = fields.String(required=True)
    kind = fields.String(required=True)
    about_id = fields.String(allow_none=True)
    attachments = fields.List(fields.String(), required=True)
    status = one_of(("queued", "sent", "failed"), required=True)
    attempts = fields.Integer(required=True)
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.AwareDateTime(required=True)
    created_at = fields.AwareDateTime(required=True)
    sent_at = fields.AwareDateTime(allow_none=True)


MailListSchema = page_of(MailSchema)


# Invitations and focal points' addresses

class PartiesField(fields.Field):
    """`"all"` (every country of the reference data) or a list of ISO 3166-1 alpha-3
    codes; unknown codes are named by the use case (400 `unknown_country`)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "all":
            return value
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return list(dict.fromkeys(v.upper() for v in value))  # once each, in order
        raise ValidationError('Use "all" or a list of ISO 3166-1 alpha-3 codes, e.g. '
                              '["PER", "SEN"].')


class InvitationCreateSchema(Schema):
    parties = PartiesField(load_default=None, metadata={
        "description": '"all", or the Parties to invite as ISO 3166-1 alpha-3 codes.',
        "example": ["PER", "SEN"]})
    observers = fields.Boolean(load_default=False, metadata={
        "description": "Also invite every organisation admitted as observer."})
    nominations_due = fields.Date(required=True, metadata={
        "description": "The last day nominations are accepted from the invited; not past, "
                       "not after the opening."})

    @validates_schema
    def _someone(self, data, **kwargs):
        if not data.get("parties") and not data.get("observers"):
            raise ValidationError("Name the Parties to invite, or invite the observers.",
                                  "parties")


class InvitationSchema(Schema):
    id = fields.String(required=True)
    reference = fields.String(required=True, metadata={"example": "COP-2/INV/PER"})
    meeting_id = fields.String(required=True)
    addressee = fields.String(required=True, metadata={
        "description": "party-<ISO3> for a Party's focal point; else the observer's name "
                       "as registration keys it."})
    kind = one_of((domain.PARTY_ADDRESSEE, domain.OBSERVER_ADDRESSEE), required=True)
    country = fields.String(allow_none=True)
    organisation = fields.String(required=True)
    language = one_of(domain.INVITATION_LANGUAGES, required=True, metadata={
        "description": "The letter's language: the Party's (country data), else English."})
    funding_eligible = fields.Boolean(required=True)
    nominations_due = fields.Date(required=True)
    status = one_of(domain.INVITATION_STATUSES, required=True)
    issued_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    sent_at = fields.AwareDateTime(allow_none=True)
    nominations_received_at = fields.AwareDateTime(allow_none=True)


class InvitationBatchSchema(Schema):
    """Every invitation the request named: those it created and those that existed."""

    created = fields.Integer(required=True, metadata={
        "description": "How many of them this request created."})
    items = fields.List(fields.Nested(InvitationSchema), required=True)


class InvitationListQuery(PageQuery):
    status = one_of(domain.INVITATION_STATUSES)
    kind = one_of((domain.PARTY_ADDRESSEE, domain.OBSERVER_ADDRESSEE))
    country = fields.String(validate=COUNTRY, metadata={
        "description": "A Party's invitation (its focal point reads its own this way)."})


class InvitationLetterQuery(Schema):
    lang = one_of(domain.INVITATION_LANGUAGES, metadata={
        "description": "Default: the invitation's language."})


class FocalPointAddressCreateSchema(Schema):
    country = fields.String(required=True, validate=COUNTRY)
    address = fields.Email(required=True, validate=validate.Length(max=254))


class FocalPointAddressConfirmSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=20))


class FocalPointAddressSchema(Schema):
    id = fields.String(required=True)
    country = fields.String(required=True)
    address = fields.String(required=True)
    status = one_of(("pending", "confirmed"), required=True)
    created_at = fields.AwareDateTime(required=True)
    confirmed_at = fields.AwareDateTime(allow_none=True)


# Organisations and their tokens

class OrganisationCreateSchema(Schema):
    code = fields.String(required=True, validate=[
        validate.Regexp(ORGANISATION_CODE, error="Lower-case words joined by hyphens "
                        "(ozone-secretariat), or party-<ISO3> for a Party (party-ZMB)."),
        validate.Length(max=ORGANISATION_CODE_LENGTH)])
    kind = one_of(ORGANISATION_KINDS, required=True)
    name = text(300, required=True)
    country = fields.String(validate=COUNTRY, metadata={
        "description": "For a Party's focal point (kind party): its ISO3 country."})


class OrganisationSchema(OrganisationCreateSchema):
    country = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)


class TokenIssuedSchema(Schema):
    id = fields.String(required=True)
    token = fields.String(required=True, metadata={
        "description": "Shown this once; the services keep only its SHA-256 digest."})
    created_at = fields.DateTime(required=True)


class TokenSchema(Schema):
    id = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    last_used_at = fields.DateTime(allow_none=True, metadata={
        "description": "Its latest use on registration, to within a minute."})
    revoked_at = fields.DateTime(allow_none=True)


class NominationLetterSchema(Schema):
    id = fields.String(required=True)
    meeting_id = fields.String(required=True)
    country = fields.String(required=True)
    sha256 = fields.String(required=True)
    uploaded_by = fields.String(required=True)
    uploaded_at = fields.DateTime(required=True)
