"""Registration service: meetings, participants, credentials, observers, side events and
letters (CONTRACT.md, port 8001).

Partner secretariats call this API; every state change is published through the outbox.
"""
from werkzeug.wrappers import Response

from coord.auth import require
from coord.corrections import CorrectionPage
from coord.errors import Invalid
from coord.http import PageQuery, api, page_of
from coord.outbox import Database
from coord.service import ServiceBase
from services.registration import usecases
from services.registration.exports import participants_csv
from services.registration.letters import render_letter
from services.registration.models import Base
from services.registration.schemas import (
    ConfirmSchema, CredentialsCreateSchema, CredentialsListQuery, CredentialsReportSchema,
    CredentialsReviewSchema, CredentialsSchema, LetterQuery, MeetingCreateSchema,
    MeetingListQuery, MeetingPatchSchema, MeetingSchema, ObserverDecisionSchema,
    ObserverListQuery, ObserverRequestCreateSchema, ObserverRequestSchema,
    ParticipantListSchema, RegistrationBatchSchema, RegistrationCreateSchema,
    RegistrationListQuery, RegistrationPatchSchema, RegistrationSchema,
    SideEventCreateSchema, SideEventDecisionSchema, SideEventListQuery, SideEventSchema,
)

ON_SITE = ("chb", "brs")  # partners who staff the registration desk at the venue


class RegistrationService(ServiceBase):
    name = "registration"
    db = Database(Base.metadata)

    def _run(self, usecase, *args):
        """One use case in one unit of work (one transaction, its events in the outbox)."""
        with self.db.unit_of_work() as uow:
            return usecase(uow, *args)

    # Meetings

    @api("POST", "/meetings", body=MeetingCreateSchema, returns=MeetingSchema, status=201)
    def schedule_meeting(self, request, caller, body):
        """Schedule a meeting (mc)."""
        require(caller, action="schedule meetings")
        return self._run(usecases.schedule_meeting, caller, body)

    @api("GET", "/meetings", query=MeetingListQuery, returns=page_of(MeetingSchema))
    def list_meetings(self, request, caller, query):
        """Meetings by start date, filtered by kind and year."""
        return self._run(usecases.list_meetings, query)

    @api("GET", "/meetings/<meeting_id>", returns=MeetingSchema)
    def get_meeting(self, request, caller, meeting_id):
        """One meeting."""
        return self._run(usecases.get_meeting, meeting_id)

    @api("PATCH", "/meetings/<meeting_id>", body=MeetingPatchSchema, returns=MeetingSchema)
    def correct_meeting(self, request, caller, meeting_id, body):
        """Correct a meeting's title, venue, dates or translations (mc); If-Match: its etag."""
        require(caller, action="correct meetings")
        return self._run(usecases.correct_meeting, caller, meeting_id, body,
                         request.headers.get("If-Match"))

    @api("GET", "/meetings/<meeting_id>/history", query=PageQuery,
         returns=CorrectionPage)
    def meeting_history(self, request, caller, meeting_id, query):
        """The meeting's corrections, oldest first: who changed which field, from what."""
        return self._run(usecases.history, "meeting", meeting_id, query)

    # Registrations

    @api("POST", "/meetings/<meeting_id>/registrations", body=RegistrationCreateSchema,
         returns=RegistrationSchema, status=201)
    def register(self, request, caller, meeting_id, body):
        """Register (nominate) a participant for a meeting (mc)."""
        require(caller, action="register participants")
        return self._run(usecases.register, caller, meeting_id, body)

    @api("POST", "/meetings/<meeting_id>/registrations.csv", returns=RegistrationBatchSchema,
         status=201, accepts=("text/csv",))
    def register_delegation(self, request, caller, meeting_id):
        """Nominate a delegation from a CSV file (mc): every row or none.

        Send `Content-Type: text/csv`, UTF-8, a header row naming the columns of a
        registration (given_name, family_name, email, country, category, organisation,
        and optionally funding_requested, visa_letter_requested), one participant a row.
        A 400 names each bad row ("row 3": {field: [messages]}; the header is row 1).
        """
        require(caller, action="register participants")
        if request.mimetype != "text/csv":
            raise Invalid("Send the delegation as CSV with 'Content-Type: text/csv'.",
                          code="unsupported_media_type")
        return self._run(usecases.register_delegation, caller, meeting_id, request.get_data())

    @api("GET", "/meetings/<meeting_id>/registrations", query=RegistrationListQuery,
         returns=page_of(RegistrationSchema))
    def list_registrations(self, request, caller, meeting_id, query):
        """A meeting's registrations, by status, country, category or priority."""
        return self._run(usecases.list_registrations, meeting_id, query)

    @api("PATCH", "/registrations/<registration_id>", body=RegistrationPatchSchema,
         returns=RegistrationSchema)
    def correct_registration(self, request, caller, registration_id, body):
        """Correct names, e-mail, organisation or visa request (mc); If-Match: its etag."""
        require(caller, action="correct registrations")
        return self._run(usecases.correct_registration, caller, registration_id, body,
                         request.headers.get("If-Match"))

    @api("GET", "/registrations/<registration_id>/history", query=PageQuery,
         returns=CorrectionPage)
    def registration_history(self, request, caller, registration_id, query):
        """The registration's corrections, oldest first."""
        return self._run(usecases.history, "registration", registration_id, query)

    @api("GET", "/registrations/<registration_id>", returns=RegistrationSchema)
    def get_registration(self, request, caller, registration_id):
        """One registration."""
        return self._run(usecases.get_registration, registration_id)

    @api("POST", "/registrations/<registration_id>/confirm", body=ConfirmSchema,
         returns=RegistrationSchema)
    def confirm(self, request, caller, registration_id, body):
        """Confirm a nominee, funded or not (mc)."""
        require(caller, action="confirm registrations")
        return self._run(usecases.confirm, caller, registration_id, body["funded"])

    @api("POST", "/registrations/<registration_id>/reject", returns=RegistrationSchema)
    def reject(self, request, caller, registration_id):
        """Reject a nomination (mc)."""
        require(caller, action="reject registrations")
        return self._run(usecases.reject, caller, registration_id)

    @api("POST", "/registrations/<registration_id>/withdraw", returns=RegistrationSchema)
    def withdraw(self, request, caller, registration_id):
        """Withdraw a nominee or a confirmed participant (mc); frees a funded place."""
        require(caller, action="withdraw registrations")
        return self._run(usecases.withdraw, caller, registration_id)

    @api("POST", "/registrations/<registration_id>/check-in", returns=RegistrationSchema)
    def check_in(self, request, caller, registration_id):
        """Register a confirmed participant on site (mc, chb, brs)."""
        require(caller, *ON_SITE, action="check participants in")
        return self._run(usecases.check_in, caller, registration_id)

    @api("GET", "/registrations/<registration_id>/letters/<kind>", query=LetterQuery,
         content_types=("application/pdf",))
    def letter(self, request, caller, registration_id, kind, query):
        """A confirmation or visa-support letter as PDF, in English, French or Spanish."""
        facts = self._run(usecases.letter_facts, registration_id, kind)
        filename = f"{facts.meeting_code}-{kind}-{query['lang']}-{registration_id[:8]}.pdf"
        return Response(render_letter(kind, query["lang"], facts), mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{filename}"'})

    @api("GET", "/meetings/<meeting_id>/participants", returns=ParticipantListSchema,
         content_types=("text/csv",))
    def participants(self, request, caller, meeting_id):
        """The list of participants, by category then country; CSV with Accept: text/csv."""
        listing = self._run(usecases.participants, meeting_id)
        if request.accept_mimetypes.best_match(("application/json", "text/csv")) != "text/csv":
            return listing
        return Response(participants_csv(listing), mimetype="text/csv", headers={
            "Content-Disposition":
                f'attachment; filename="{listing["meeting_code"]}-participants.csv"'})

    # Credentials

    @api("POST", "/registrations/<registration_id>/credentials",
         body=CredentialsCreateSchema, returns=CredentialsSchema, status=201)
    def submit_credentials(self, request, caller, registration_id, body):
        """Record the credentials a Party's representative presented (mc)."""
        require(caller, action="record credentials")
        return self._run(usecases.submit_credentials, caller, registration_id, body)

    @api("GET", "/credentials/<credentials_id>", returns=CredentialsSchema)
    def get_credentials(self, request, caller, credentials_id):
        """One representative's credentials."""
        return self._run(usecases.get_credentials, credentials_id)

    @api("POST", "/credentials/<credentials_id>/review", body=CredentialsReviewSchema,
         returns=CredentialsSchema)
    def review_credentials(self, request, caller, credentials_id, body):
        """Examine credentials: accepted, or deficient with the reason (mc)."""
        require(caller, action="examine credentials")
        return self._run(usecases.review_credentials, caller, credentials_id, body)

    @api("GET", "/meetings/<meeting_id>/credentials", query=CredentialsListQuery,
         returns=page_of(CredentialsSchema))
    def list_credentials(self, request, caller, meeting_id, query):
        """Credentials presented for a meeting, by status and country."""
        return self._run(usecases.list_credentials, meeting_id, query)

    @api("GET", "/meetings/<meeting_id>/credentials-report", returns=CredentialsReportSchema)
    def credentials_report(self, request, caller, meeting_id):
        """The credentials report: each Party expected, and where its credentials stand."""
        return self._run(usecases.credentials_report, meeting_id)

    # Observer admission

    @api("POST", "/meetings/<meeting_id>/observer-requests", body=ObserverRequestCreateSchema,
         returns=ObserverRequestSchema, status=201)
    def request_observer_status(self, request, caller, meeting_id, body):
        """Record an organisation's request for admission as observer (mc).

        An organisation admitted at an earlier meeting is admitted at once.
        """
        require(caller, action="record observer requests")
        return self._run(usecases.request_observer_status, caller, meeting_id, body)

    @api("GET", "/observer-requests/<request_id>", returns=ObserverRequestSchema)
    def get_observer_request(self, request, caller, request_id):
        """One observer request."""
        return self._run(usecases.get_observer_request, request_id)

    @api("POST", "/observer-requests/<request_id>/decide", body=ObserverDecisionSchema,
         returns=ObserverRequestSchema)
    def decide_observer_request(self, request, caller, request_id, body):
        """Admit an organisation as observer, or refuse with the reason (mc)."""
        require(caller, action="decide on observer admission")
        return self._run(usecases.decide_observer_request, caller, request_id, body)

    @api("GET", "/meetings/<meeting_id>/observer-requests", query=ObserverListQuery,
         returns=page_of(ObserverRequestSchema))
    def list_observer_requests(self, request, caller, meeting_id, query):
        """A meeting's observer requests, by status."""
        return self._run(usecases.list_observer_requests, meeting_id, query)

    # Side events

    @api("POST", "/meetings/<meeting_id>/side-events", body=SideEventCreateSchema,
         returns=SideEventSchema, status=201)
    def request_side_event(self, request, caller, meeting_id, body):
        """Ask to hold a side event (any partner, or mc for an outside organiser)."""
        return self._run(usecases.request_side_event, caller, meeting_id, body)

    @api("GET", "/side-events/<side_event_id>", returns=SideEventSchema)
    def get_side_event(self, request, caller, side_event_id):
        """One side event."""
        return self._run(usecases.get_side_event, side_event_id)

    @api("POST", "/side-events/<side_event_id>/decide", body=SideEventDecisionSchema,
         returns=SideEventSchema)
    def decide_side_event(self, request, caller, side_event_id, body):
        """Accept a side event into a room and slot, or decline it (mc)."""
        require(caller, action="decide on side events")
        return self._run(usecases.decide_side_event, caller, side_event_id, body)

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
        """A meeting's side events, by status."""
        return self._run(usecases.list_side_events, meeting_id, query)


SERVICE = RegistrationService
