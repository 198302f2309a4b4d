"""Registration service: meetings, participants, credentials, observers, side events and
letters (CONTRACT.md, port 8001).

Partner secretariats call this API; every state change is published through the outbox.
"""
from importlib import resources

from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider

from werkzeug.wrappers import Response

from coord import mail
from coord.auth import OBSERVER_ORGANISATIONS, PARTY_FOCAL_POINTS
from coord.configured import Configured, setting
from coord.corrections import CorrectionPage
from coord.dumping import dumper
from coord.errors import Invalid
from coord.events import subscribe
from coord.http import PageQuery, api, json_response, page_of
from coord.outbox import Database
from coord.public import public_response
from coord.rpc import rpc
from coord.service import ServiceBase
from services.registration import (
    attachments, domain, information, invitations, organisations, usecases,
)
from services.registration.delegation_csv import Limits as DelegationLimits
from services.registration.exports import (
    in_chunks, participants_csv, participants_json, participants_pdf, registrations_json,
)
from services.registration.letters import (
    render_invitation, render_letter, render_side_event_information, typesetting,
)
from services.registration.models import MAIL_OUTBOX, REGISTRATION_ITEM_COLUMNS, Base
from services.registration.schemas import (
    BadgeScanSchema, CheckInCardSchema, ConfirmSchema, ListQuery, MailListQuery, MailListSchema,
    MailSchema,
    PersonalDataSchema, CredentialsCreateSchema, CredentialsListQuery, CredentialsReportSchema,
    CredentialsReviewSchema, CredentialsSchema, FocalPointAddressConfirmSchema,
    FocalPointAddressCreateSchema, FocalPointAddressSchema, InvitationBatchSchema,
    InvitationCreateSchema, InvitationLetterQuery, InvitationListQuery, InvitationSchema,
    LetterQuery, MeetingCreateSchema,
    MeetingListQuery, MeetingPatchSchema, MeetingSchema, ObserverDecisionSchema,
    ObserverListQuery, ObserverRequestCreateSchema, ObserverRequestSchema,
    NominationLetterSchema, OrganisationCreateSchema, OrganisationSchema, TokenIssuedSchema,
    TokenSchema,
    ParticipantListSchema, PublicMeetingSchema, RegistrationBatchSchema,
    RegistrationCreateSchema, RegistrationListQuery, RegistrationPatchSchema,
    RegistrationSchema, SideEventCreateSchema, SideEventDecisionSchema, SideEventListQuery,
    SideEventSchema,
)

PublicMeetingPage = page_of(PublicMeetingSchema)
# Built once: the public answers are made here (for their ETag), not by `@api`.
dump_public_meetings = dumper(PublicMeetingPage())
dump_public_meeting = dumper(PublicMeetingSchema())

ON_SITE = ("chb", "brs")  # partners who staff the registration desk at the venue
# Who nominates and withdraws, besides mc: each for its own people only (organisations.py).
NOMINATORS = (PARTY_FOCAL_POINTS, OBSERVER_ORGANISATIONS)


class FontsWarmUp(DependencyProvider):
    """Loads the fonts' data in the background as the service starts."""

    def start(self):
        self.container.spawn_managed_thread(typesetting.warm_up, identifier="fonts-warm-up")


class RegistrationService(ServiceBase):
    name = "registration"
    db = Database(Base.metadata)
    mailer = mail.Mailer(Base.metadata, attachments.render)
    fonts = FontsWarmUp()
    config = Config()
    delegation_limits = Configured(DelegationLimits)

    def _run(self, usecase, *args):
        """One use case in one unit of work (one transaction, its events in the outbox)."""
        with self.db.unit_of_work() as uow:
            return usecase(uow, *args)

    # Meetings

    @api("POST", "/meetings", body=MeetingCreateSchema, returns=MeetingSchema, status=201,
         allowed=(), action="schedule meetings")
    def schedule_meeting(self, request, caller, body):
        """Schedule a meeting (mc)."""
        return self._run(usecases.schedule_meeting, caller, body)

    @rpc
    def meeting_snapshot(self, meeting_id):
        """For services that are asked about a meeting before its `meeting_scheduled`
        event reaches them (coord.rpc): the meeting as that event describes it, or None."""
        return self._run(usecases.meeting_snapshot, meeting_id)

    @api("GET", "/meetings", query=MeetingListQuery, returns=page_of(MeetingSchema))
    def list_meetings(self, request, caller, query):
        """Meetings by start date, filtered by kind and year."""
        return self._run(usecases.list_meetings, query)

    @api("GET", "/meetings/<meeting_id>", returns=MeetingSchema)
    def get_meeting(self, request, caller, meeting_id):
        """One meeting."""
        return self._run(usecases.get_meeting, meeting_id)

    @api("PATCH", "/meetings/<meeting_id>", body=MeetingPatchSchema, returns=MeetingSchema,
         allowed=(), action="correct meetings")
    def correct_meeting(self, request, caller, meeting_id, body):
        """Correct a meeting's title, venue, dates or translations (mc); If-Match: its etag."""
        return self._run(usecases.correct_meeting, caller, meeting_id, body,
                         request.headers.get("If-Match"))

    @api("GET", "/meetings/<meeting_id>/history", query=PageQuery,
         returns=CorrectionPage)
    def meeting_history(self, request, caller, meeting_id, query):
        """The meeting's corrections, oldest first: who changed which field, from what."""
        return self._run(usecases.history, "meeting", meeting_id, query)

    # The public face: no token, cacheable (coord.public)

    @api("GET", "/public/meetings", public=True, query=MeetingListQuery,
         returns=PublicMeetingPage)
    def public_meetings(self, request, query):
        """Meetings by start date, for anyone (no token): title, dates, venue."""
        listed = self._run(usecases.list_meetings, query)
        return public_response(request, json_response(dump_public_meetings(listed)))

    @api("GET", "/public/meetings/<code>", public=True, returns=PublicMeetingSchema)
    def public_meeting(self, request, code):
        """One meeting by its code, for anyone (no token): title, dates, venue."""
        meeting = self._run(usecases.meeting_by_code, code)
        return public_response(request, json_response(dump_public_meeting(meeting)))

    # Registrations

    @api("POST", "/meetings/<meeting_id>/registrations", body=RegistrationCreateSchema,
         returns=RegistrationSchema, status=201, allowed=NOMINATORS,
         action="register participants")
    def register(self, request, caller, meeting_id, body):
        """Register (nominate) a participant for a meeting (mc; a Party's focal point its
        own delegation; an admitted observer organisation its own representatives)."""
        return self._run(invitations.register, caller, meeting_id, body)

    @api("POST", "/meetings/<meeting_id>/registrations.csv", returns=RegistrationBatchSchema,
         status=201, accepts=("text/csv",), allowed=NOMINATORS,
         action="register participants")
    def register_delegation(self, request, caller, meeting_id):
        """Nominate a delegation from a CSV file (mc, focal points, observer organisations,
        as for one nomination): every row or none.

        Send `Content-Type: text/csv`, UTF-8, a header row naming the columns of a
        registration (given_name, family_name, email, country, category, organisation,
        and optionally funding_requested, visa_letter_requested), one participant a row.
        A 400 names each bad row ("row 3": {field: [messages]}; the header is row 1).
        A file over the operator's limits (100,000 rows and 32 MiB unless set otherwise)
        is refused whole: `too_many_rows`, `file_too_large`.
        """
        if request.mimetype != "text/csv":
            raise Invalid("Send the delegation as CSV with 'Content-Type: text/csv'.",
                          code="unsupported_media_type")
        limits = self.delegation_limits
        imported = self._run(invitations.register_delegation, caller, meeting_id,
                             limits.body_chunks(request.stream, request.content_length),
                             limits)
        return _streamed(registrations_json(
            imported.count, imported.meeting_code,
            usecases.created_registrations(self.db.engine(), imported,
                                           REGISTRATION_ITEM_COLUMNS)),
            "application/json", status=201)

    @api("GET", "/meetings/<meeting_id>/registrations", query=RegistrationListQuery,
         returns=page_of(RegistrationSchema))
    def list_registrations(self, request, caller, meeting_id, query):
        """A meeting's registrations, by status, country, category or priority."""
        return self._run(usecases.list_registrations, caller, meeting_id, query)

    @api("PATCH", "/registrations/<registration_id>", body=RegistrationPatchSchema,
         returns=RegistrationSchema, allowed=(), action="correct registrations")
    def correct_registration(self, request, caller, registration_id, body):
        """Correct names, e-mail, organisation or visa request (mc); If-Match: its etag."""
        return self._run(usecases.correct_registration, caller, registration_id, body,
                         request.headers.get("If-Match"))

    @api("GET", "/registrations/<registration_id>/history", query=PageQuery,
         returns=CorrectionPage)
    def registration_history(self, request, caller, registration_id, query):
        """The registration's corrections, oldest first."""
        return self._run(usecases.registration_history, caller, registration_id, query)

    @api("GET", "/registrations/<registration_id>", returns=RegistrationSchema)
    def get_registration(self, request, caller, registration_id):
        """One registration."""
        return self._run(usecases.read_registration, caller, registration_id)

    @api("POST", "/registrations/<registration_id>/confirm", body=ConfirmSchema,
         returns=RegistrationSchema, allowed=(), action="confirm registrations")
    def confirm(self, request, caller, registration_id, body):
        """Confirm a nominee, funded or not (mc)."""
        return self._run(information.confirm, caller, registration_id, body["funded"],
                         self.mailer, self._documents_url())

    @api("POST", "/registrations/<registration_id>/reject", returns=RegistrationSchema,
         allowed=(), action="reject registrations")
    def reject(self, request, caller, registration_id):
        """Reject a nomination (mc)."""
        return self._run(usecases.reject, caller, registration_id)

    @api("POST", "/registrations/<registration_id>/withdraw", returns=RegistrationSchema,
         allowed=NOMINATORS, action="withdraw registrations")
    def withdraw(self, request, caller, registration_id):
        """Withdraw a nominee or a confirmed participant (mc, or whoever may nominate
        them); frees a funded place."""
        return self._run(usecases.withdraw, caller, registration_id)

    @api("POST", "/registrations/<registration_id>/check-in", returns=RegistrationSchema,
         allowed=ON_SITE, action="check participants in")
    def check_in(self, request, caller, registration_id):
        """Register a confirmed participant on site (mc, chb, brs)."""
        return self._run(usecases.check_in, caller, registration_id)

    @api("GET", "/registrations/<registration_id>/personal-data",
         returns=PersonalDataSchema)
    def personal_data(self, request, caller, registration_id):
        """Title, function, nationality, birth date and passport, as the visa letter prints
        them: for mc and the offices that book the participant's travel or pay their DSA
        (as travel routed the case)."""
        return self._run(usecases.personal_data, caller, registration_id)

    @api("GET", "/registrations/<registration_id>/letters/<kind>", query=LetterQuery,
         content_types=("application/pdf",))
    def letter(self, request, caller, registration_id, kind, query):
        """A confirmation or visa-support letter as PDF, in any language with templates
        (en, fr, es, ar, zh, ru); the meeting's title and city in that language when the
        meeting has them, else in English with a note saying so."""
        facts = self._run(usecases.readable_letter_facts, caller, registration_id, kind)
        return _pdf(render_letter(kind, query["lang"], facts),
                    f"{facts.meeting_code}-{kind}-{query['lang']}-{registration_id[:8]}.pdf")

    @api("GET", "/meetings/<meeting_id>/participants", query=ListQuery,
         returns=ParticipantListSchema, content_types=("text/csv", "application/pdf"))
    def participants(self, request, caller, meeting_id, query):
        """The list of participants as the UN issues it (Parties, observer States, then
        organisations), provisional until the meeting ends; JSON, CSV
        (Accept: text/csv) or PDF (Accept: application/pdf, in `lang`)."""
        listing, statement = self._run(usecases.participants, caller, meeting_id)
        people = usecases.participants_in_order(self.db.engine(), statement)
        wanted = request.accept_mimetypes.best_match(
            ("application/json", "text/csv", "application/pdf"))
        name = f"{listing['meeting_code']}-participants-{listing['edition']}"
        if wanted == "application/pdf":
            return _pdf(participants_pdf(listing, people, query["lang"]), f"{name}.pdf")
        if wanted == "text/csv":
            return _streamed(participants_csv(people), "text/csv", headers={
                "Content-Disposition": f'attachment; filename="{name}.csv"'})
        return _streamed(participants_json(listing, people), "application/json")

    # Badges and the check-in desk

    @api("GET", "/registrations/<registration_id>/badge", content_types=("application/pdf",),
         allowed=ON_SITE, action="print badges")
    def badge(self, request, caller, registration_id):
        """The participant's badge: A6, name, country or organisation, category colour and
        a signed QR code for the check-in desk (mc, chb, brs)."""
        pdf, reference = self._run(usecases.badge, registration_id)
        return _pdf(pdf, f"badge-{reference.replace('/', '-')}.pdf")

    @api("POST", "/meetings/<meeting_id>/badge-scans", body=BadgeScanSchema,
         returns=CheckInCardSchema, allowed=ON_SITE, action="scan badges")
    def scan_badge(self, request, caller, meeting_id, body):
        """Who a scanned or typed badge code belongs to, at this meeting's desk (mc, chb,
        brs): a forged code, or one of another meeting, is refused and logged."""
        return self._run(usecases.scan_badge, meeting_id, body["code"])

    @api("GET", "/check-in", public=True, content_types=("text/html",))
    def check_in_page(self, request):
        """The on-site desk's page: scan or type a badge code, see the person, check in."""
        page = resources.files("services.registration").joinpath("static", "check-in.html")
        return Response(page.read_bytes(), mimetype="text/html",
                        headers={"Cache-Control": "no-cache"})

    # Organisations and their tokens (organisations.py)

    @api("POST", "/organisations", body=OrganisationCreateSchema, returns=OrganisationSchema,
         status=201, allowed=(), action="make organisations")
    def create_organisation(self, request, caller, body):
        """Make an organisation (mc): a Party's focal point (`party-<ISO3>`), an observer
        organisation or a new partner; then issue it tokens."""
        return self._run(organisations.create_organisation, caller, body)

    @api("GET", "/organisations", query=PageQuery, returns=page_of(OrganisationSchema),
         allowed=(), action="list organisations")
    def list_organisations(self, request, caller, query):
        """The organisations made here, by code (mc); the tokens file's are not listed."""
        return self._run(organisations.list_organisations, query)

    @api("POST", "/organisations/<code>/tokens", returns=TokenIssuedSchema, status=201,
         allowed=(), action="issue tokens")
    def issue_organisation_token(self, request, caller, code):
        """Issue the organisation a token (mc), shown in this answer only; it works on
        every service within seconds."""
        return self._run(organisations.issue_token, caller, code)

    @api("GET", "/organisations/<code>/tokens", query=PageQuery, returns=page_of(TokenSchema),
         allowed=(), action="list tokens")
    def list_organisation_tokens(self, request, caller, code, query):
        """The organisation's tokens (mc): when made, last used, revoked; never the token."""
        return self._run(organisations.list_tokens, code, query)

    @api("DELETE", "/organisations/<code>/tokens/<token_id>", returns=TokenSchema,
         allowed=(), action="revoke tokens")
    def revoke_organisation_token(self, request, caller, code, token_id):
        """Revoke a token (mc): refused here at once, on the other services as soon as
        they hear of it (seconds)."""
        return self._run(organisations.revoke_token, caller, code, token_id)

    # Mail

    @api("GET", "/mails", query=MailListQuery, returns=MailListSchema,
         allowed=(), action="read the mail outbox")
    def list_mails(self, request, caller, query):
        """The mail outbox, newest first: what was sent, what waits and why (mc)."""
        with self.db.unit_of_work() as uow:
            return mail.list_mails(uow.session, MAIL_OUTBOX, query)

    @api("POST", "/mails/<mail_id>/resend", returns=MailSchema, allowed=(), action="resend mail")
    def resend_mail(self, request, caller, mail_id):
        """Send a mail again (mc): a failed one, or one the recipient lost."""
        with self.db.unit_of_work() as uow:
            return mail.resend(uow.session, MAIL_OUTBOX, mail_id)

    # Nomination letters

    @api("PUT", "/meetings/<meeting_id>/nomination-letters/<country>",
         returns=NominationLetterSchema, accepts=("application/pdf",),
         max_body=domain.MAX_LETTER_BYTES, allowed=(PARTY_FOCAL_POINTS,),
         action="upload nomination letters")
    def upload_nomination_letter(self, request, caller, meeting_id, country):
        """Upload a Party's nomination letter for a meeting, PDF as the raw body (mc, or
        the Party's focal point); a new upload replaces the last."""
        if request.mimetype != "application/pdf":
            raise Invalid("Send the letter as PDF with 'Content-Type: application/pdf'.",
                          code="unsupported_media_type")
        return self._run(usecases.upload_nomination_letter, caller, meeting_id, country,
                         request.get_data())

    @api("GET", "/meetings/<meeting_id>/nomination-letters/<country>",
         content_types=("application/pdf",), allowed=(PARTY_FOCAL_POINTS,),
         action="read nomination letters")
    def nomination_letter(self, request, caller, meeting_id, country):
        """A Party's nomination letter as uploaded (mc, or the Party's focal point)."""
        letter = self._run(usecases.nomination_letter, caller, meeting_id, country)
        return _pdf(letter.content, f"nomination-{letter.country}-{meeting_id[:8]}.pdf")

    # Credentials

    @api("POST", "/registrations/<registration_id>/credentials",
         body=CredentialsCreateSchema, returns=CredentialsSchema, status=201,
         allowed=(PARTY_FOCAL_POINTS,), action="record credentials")
    def submit_credentials(self, request, caller, registration_id, body):
        """Record the credentials a Party's representative presented (mc, or the Party's
        focal point)."""
        return self._run(usecases.submit_credentials, caller, registration_id, body)

    @api("GET", "/credentials/<credentials_id>", returns=CredentialsSchema)
    def get_credentials(self, request, caller, credentials_id):
        """One representative's credentials."""
        return self._run(usecases.get_credentials, caller, credentials_id)

    @api("POST", "/credentials/<credentials_id>/review", body=CredentialsReviewSchema,
         returns=CredentialsSchema, allowed=(), action="examine credentials")
    def review_credentials(self, request, caller, credentials_id, body):
        """Examine credentials: accepted, or deficient with the reason (mc)."""
        return self._run(usecases.review_credentials, caller, credentials_id, body)

    @api("GET", "/meetings/<meeting_id>/credentials", query=CredentialsListQuery,
         returns=page_of(CredentialsSchema))
    def list_credentials(self, request, caller, meeting_id, query):
        """Credentials presented for a meeting, by status and country."""
        return self._run(usecases.list_credentials, caller, meeting_id, query)

    @api("GET", "/meetings/<meeting_id>/credentials-report", returns=CredentialsReportSchema)
    def credentials_report(self, request, caller, meeting_id):
        """The credentials report: each Party expected, and where its credentials stand."""
        return self._run(usecases.credentials_report, caller, meeting_id)

    # Observer admission

    @api("POST", "/meetings/<meeting_id>/observer-requests", body=ObserverRequestCreateSchema,
         returns=ObserverRequestSchema, status=201, allowed=(), action="record observer requests")
    def request_observer_status(self, request, caller, meeting_id, body):
        """Record an organisation's request for admission as observer (mc).

        An organisation admitted at an earlier meeting is admitted at once.
        """
        return self._run(usecases.request_observer_status, caller, meeting_id, body)

    @api("GET", "/observer-requests/<request_id>", returns=ObserverRequestSchema)
    def get_observer_request(self, request, caller, request_id):
        """One observer request (mc; 404 for anyone else, as for none)."""
        return self._run(usecases.get_observer_request, caller, request_id)

    @api("POST", "/observer-requests/<request_id>/decide", body=ObserverDecisionSchema,
         returns=ObserverRequestSchema, allowed=(), action="decide on observer admission")
    def decide_observer_request(self, request, caller, request_id, body):
        """Admit an organisation as observer, or refuse with the reason (mc)."""
        return self._run(usecases.decide_observer_request, caller, request_id, body)

    @api("GET", "/meetings/<meeting_id>/observer-requests", query=ObserverListQuery,
         returns=page_of(ObserverRequestSchema))
    def list_observer_requests(self, request, caller, meeting_id, query):
        """A meeting's observer requests, by status (mc: they are the secretariat's records;
        anyone else gets an empty list)."""
        return self._run(usecases.list_observer_requests, caller, meeting_id, query)

    # Side events

    @api("POST", "/meetings/<meeting_id>/side-events", body=SideEventCreateSchema,
         returns=SideEventSchema, status=201)
    def request_side_event(self, request, caller, meeting_id, body):
        """Ask to hold a side event (any partner, or mc for an outside organiser)."""
        return self._run(usecases.request_side_event, caller, meeting_id, body)

    @api("GET", "/side-events/<side_event_id>", returns=SideEventSchema)
    def get_side_event(self, request, caller, side_event_id):
        """One side event (mc, or the partner that asked for it; 404 for anyone else)."""
        return self._run(usecases.read_side_event, caller, side_event_id)

    @api("POST", "/side-events/<side_event_id>/decide", body=SideEventDecisionSchema,
         returns=SideEventSchema, allowed=(), action="decide on side events")
    def decide_side_event(self, request, caller, side_event_id, body):
        """Accept a side event into a room and slot, or decline it (mc)."""
        return self._run(information.decide_side_event, caller, side_event_id, body,
                         self.mailer)

    @api("GET", "/side-events/<side_event_id>/information", content_types=("application/pdf",))
    def side_event_information(self, request, caller, side_event_id):
        """The practical information for an accepted side event's organiser (PDF): room,
        slot, what to bring, contacts; also mailed to its contact when it is accepted."""
        with self.db.unit_of_work() as uow:
            facts = information.side_event_information(uow, caller, side_event_id)
        return _pdf(render_side_event_information(facts),
                    f"{facts.reference.replace('/', '-')}-information.pdf")

    @api("POST", "/side-events/<side_event_id>/held", returns=SideEventSchema)
    def side_event_held(self, request, caller, side_event_id):
        """The organiser says the accepted side event took place."""
        return self._run(usecases.close_side_event, caller, side_event_id, "held")

    @api("POST", "/side-events/<side_event_id>/cancel", returns=SideEventSchema)
    def cancel_side_event(self, request, caller, side_event_id):
        """The organiser cancels the accepted side event; its room is free again."""
        return self._run(usecases.close_side_event, caller, side_event_id, "cancel")

    @api("GET", "/meetings/<meeting_id>/side-events", query=SideEventListQuery,
         returns=page_of(SideEventSchema))
    def list_side_events(self, request, caller, meeting_id, query):
        """A meeting's side events, by status: all for mc, its own for a partner."""
        return self._run(usecases.list_side_events, caller, meeting_id, query)

    # Invitations, and the addresses focal points receive them at

    @api("POST", "/meetings/<meeting_id>/invitations", body=InvitationCreateSchema,
         returns=InvitationBatchSchema, status=201, allowed=(), action="issue invitations")
    def issue_invitations(self, request, caller, meeting_id, body):
        """Invite Parties ("all" or a list) and admitted observers to a meeting (mc), with
        the deadline for nominations; an addressee invited before keeps its invitation.
        Each new one is mailed where its addressee has an address."""
        return self._run(invitations.issue, caller, meeting_id, body, self.mailer)

    @api("GET", "/meetings/<meeting_id>/invitations", query=InvitationListQuery,
         returns=page_of(InvitationSchema))
    def list_invitations(self, request, caller, meeting_id, query):
        """A meeting's invitations, by status and kind."""
        return self._run(invitations.list_for_meeting, meeting_id, query)

    @api("GET", "/invitations/<invitation_id>", returns=InvitationSchema)
    def get_invitation(self, request, caller, invitation_id):
        """One invitation."""
        return self._run(invitations.get, invitation_id)

    @api("GET", "/invitations/<invitation_id>/letter", query=InvitationLetterQuery,
         content_types=("application/pdf",))
    def invitation_letter(self, request, caller, invitation_id, query):
        """The letter of invitation (PDF) in the addressee's language, or `lang` (en, fr,
        es): the meeting's title and venue in that language, the deadline for
        nominations, whether the Party may ask for funding."""
        with self.db.unit_of_work() as uow:
            facts = invitations.letter_facts(uow.session, invitation_id)
            language = query.get("lang") or invitations.get(uow, invitation_id).language
        return _pdf(render_invitation(language, facts),
                    f"{facts.reference.replace('/', '-')}-{language}.pdf")

    @api("POST", "/focal-point-addresses", body=FocalPointAddressCreateSchema,
         returns=FocalPointAddressSchema, status=201)
    def add_focal_point_address(self, request, caller, body):
        """Give an address for a Party focal point's mail (mc, or the focal point); a code
        is mailed there. Invitations are mailed only to confirmed addresses."""
        return self._run(invitations.add_address, caller, body, self.mailer)

    @api("POST", "/focal-point-addresses/<address_id>/confirm",
         body=FocalPointAddressConfirmSchema, returns=FocalPointAddressSchema)
    def confirm_focal_point_address(self, request, caller, address_id, body):
        """Confirm an address with the code mailed to it; the Party's invitations not yet
        sent go to it at once."""
        return self._run(invitations.confirm_address, caller, address_id, body["code"])

    @api("GET", "/focal-point-addresses", query=PageQuery,
         returns=page_of(FocalPointAddressSchema))
    def list_focal_point_addresses(self, request, caller, query):
        """Focal points' addresses (mc: every Party's; a focal point: its own)."""
        return self._run(invitations.list_addresses, caller, query)

    # What other services publish

    @subscribe("documents")
    def on_documents_event(self, uow, envelope):
        """A meeting's information note for participants, published: mail participants."""
        if envelope["type"] == "document_published":
            information.record_information_note(uow, envelope, self.mailer,
                                                self._documents_url())

    @subscribe("travel")
    def on_travel_event(self, uow, envelope):
        """A participant's case routed: who books their travel reads them from now on."""
        usecases.record_travel_owners(uow, envelope)

    def _documents_url(self):
        """Where the public reads documents (DOCUMENTS_PUBLIC_URL), for links in mails."""
        return setting(self.config, "DOCUMENTS_PUBLIC_URL", None)


def _streamed(pieces, mimetype, status=200, headers=None):
    """An answer sent as it is made (`pieces` of text, read from the database after the
    worker has returned), in chunks: a list of any length in bounded memory."""
    return Response(in_chunks(pieces), status=status, mimetype=mimetype, headers=headers)


def _pdf(content, filename):
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


SERVICE = RegistrationService
