"""Registration service: meetings and participants' registrations (CONTRACT.md, port 8001).

Partner secretariats call this API; every state change is published through the outbox.
"""
from coord.auth import require
from coord.http import api, page_of
from coord.outbox import Database
from coord.service import ServiceBase
from services.registration import usecases
from services.registration.models import Base
from services.registration.schemas import (
    ConfirmSchema, MeetingCreateSchema, MeetingListQuery, MeetingSchema,
    RegistrationCreateSchema, RegistrationListQuery, RegistrationSchema,
)


class RegistrationService(ServiceBase):
    name = "registration"
    db = Database(Base.metadata)

    @api("POST", "/meetings", body=MeetingCreateSchema, returns=MeetingSchema, status=201)
    def schedule_meeting(self, request, caller, body):
        """Schedule a meeting (mc)."""
        require(caller, action="schedule meetings")
        with self.db.unit_of_work() as uow:
            return usecases.schedule_meeting(uow, caller, body)

    @api("GET", "/meetings", query=MeetingListQuery, returns=page_of(MeetingSchema))
    def list_meetings(self, request, caller, query):
        """Meetings by start date, filtered by kind and year."""
        with self.db.unit_of_work() as uow:
            return usecases.list_meetings(uow, query)

    @api("GET", "/meetings/<meeting_id>", returns=MeetingSchema)
    def get_meeting(self, request, caller, meeting_id):
        """One meeting."""
        with self.db.unit_of_work() as uow:
            return usecases.get_meeting(uow, meeting_id)

    @api("POST", "/meetings/<meeting_id>/registrations", body=RegistrationCreateSchema,
         returns=RegistrationSchema, status=201)
    def register(self, request, caller, meeting_id, body):
        """Register (nominate) a participant for a meeting (mc)."""
        require(caller, action="register participants")
        with self.db.unit_of_work() as uow:
            return usecases.register(uow, caller, meeting_id, body)

    @api("GET", "/meetings/<meeting_id>/registrations", query=RegistrationListQuery,
         returns=page_of(RegistrationSchema))
    def list_registrations(self, request, caller, meeting_id, query):
        """A meeting's registrations, optionally by status."""
        with self.db.unit_of_work() as uow:
            return usecases.list_registrations(uow, meeting_id, query)

    @api("GET", "/registrations/<registration_id>", returns=RegistrationSchema)
    def get_registration(self, request, caller, registration_id):
        """One registration."""
        with self.db.unit_of_work() as uow:
            return usecases.get_registration(uow, registration_id)

    @api("POST", "/registrations/<registration_id>/confirm", body=ConfirmSchema,
         returns=RegistrationSchema)
    def confirm(self, request, caller, registration_id, body):
        """Confirm a nominee, funded or not (mc)."""
        require(caller, action="confirm registrations")
        with self.db.unit_of_work() as uow:
            return usecases.confirm(uow, caller, registration_id, body["funded"])


SERVICE = RegistrationService
