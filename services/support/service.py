"""Support service: the reciprocal-support ledger between secretariats (CONTRACT.md, port 8005).

Agreements say who provides what for a meeting and on which basis; support requests are
the messages between the organiser and a provider; the ledger answers what each partner
does for the secretariat and what the secretariat owes, counting the travel service's
tickets and DSA payments too. Every state change is published through the outbox.
"""
from werkzeug.wrappers import Response

from coord.events import subscribe
from coord.corrections import CorrectionPage
from coord.http import PageQuery, api, page_of
from coord.outbox import Database
from coord.rpc import RegistrationMeetings
from coord.service import ServiceBase
from services.support import reports, usecases
from services.support.models import Base
from services.support.schemas import (
    AgreementCreateSchema, AgreementListQuery, AgreementPatchSchema, AgreementSchema,
    DeclineSchema, InvoiceSchema, LedgerQuery, LedgerSchema, SettlementCreateSchema, SettlementListQuery, SettlementSchema,
    SupportRequestCreateSchema, SupportRequestListQuery, SupportRequestSchema,
)

REQUEST = "/support-requests/<request_id>"


class SupportService(ServiceBase):
    name = "support"
    db = Database(Base.metadata)
    meetings = RegistrationMeetings(known=usecases.meeting_known, keep=usecases.keep_meeting)

    @subscribe("registration")
    def on_registration_event(self, uow, envelope):
        usecases.record_registration_event(uow, envelope)

    @subscribe("travel")
    def on_travel_event(self, uow, envelope):
        usecases.record_travel_event(uow, envelope)

    @api("POST", "/agreements", body=AgreementCreateSchema, returns=AgreementSchema, status=201,
         allowed=(), action="record support agreements")
    def record_agreement(self, request, caller, body):
        """Record who provides a category of support at a meeting, on which basis (mc)."""
        self.meetings.make_known(self.db, body["meeting_id"])
        with self.db.unit_of_work() as uow:
            return usecases.record_agreement(uow, caller, body)

    @api("GET", "/agreements", query=AgreementListQuery, returns=page_of(AgreementSchema))
    def list_agreements(self, request, caller, query):
        """Agreements, oldest first, by meeting, provider and category."""
        with self.db.unit_of_work() as uow:
            return usecases.list_agreements(uow, caller, query)

    @api("GET", "/agreements/<agreement_id>", returns=AgreementSchema)
    def get_agreement(self, request, caller, agreement_id):
        """One agreement."""
        with self.db.unit_of_work() as uow:
            return usecases.get_agreement(uow, caller, agreement_id)

    @api("PATCH", "/agreements/<agreement_id>", body=AgreementPatchSchema,
         returns=AgreementSchema, allowed=(), action="correct support agreements")
    def correct_agreement(self, request, caller, agreement_id, body):
        """Correct an agreement's regions or basis (mc); If-Match: its etag."""
        with self.db.unit_of_work() as uow:
            return usecases.correct_agreement(uow, caller, agreement_id, body,
                                              request.headers.get("If-Match"))

    @api("GET", "/agreements/<agreement_id>/history", query=PageQuery,
         returns=CorrectionPage)
    def agreement_history(self, request, caller, agreement_id, query):
        """The agreement's corrections, oldest first."""
        with self.db.unit_of_work() as uow:
            return usecases.agreement_history(uow, caller, agreement_id, query)

    @api("POST", "/agreements/<agreement_id>/acknowledge", returns=AgreementSchema)
    def acknowledge_agreement(self, request, caller, agreement_id):
        """The provider takes on the agreement's work."""
        with self.db.unit_of_work() as uow:
            return usecases.acknowledge_agreement(uow, caller, agreement_id)

    @api("POST", "/agreements/<agreement_id>/decline", body=DeclineSchema,
         returns=AgreementSchema)
    def decline_agreement(self, request, caller, agreement_id, body):
        """The provider will not do the work, with its reason; its cases go back to mc."""
        with self.db.unit_of_work() as uow:
            return usecases.decline_agreement(uow, caller, agreement_id, body["reason"])

    @api("POST", "/settlements", body=SettlementCreateSchema, returns=SettlementSchema,
         status=201, allowed=(), action="record settlements")
    def record_settlement(self, request, caller, body):
        """Record a payment to a provider for a meeting (mc); it pays down what is owed."""
        self.meetings.make_known(self.db, body["meeting_id"])
        with self.db.unit_of_work() as uow:
            return usecases.record_settlement(uow, caller, body)

    @api("GET", "/settlements", query=SettlementListQuery, returns=page_of(SettlementSchema))
    def list_settlements(self, request, caller, query):
        """Settlements, oldest first, by meeting and provider."""
        with self.db.unit_of_work() as uow:
            return usecases.list_settlements(uow, caller, query)

    @api("POST", "/support-requests", body=SupportRequestCreateSchema,
         returns=SupportRequestSchema, status=201, allowed=(), action="request support")
    def request_support(self, request, caller, body):
        """Ask a provider for an item of support under its agreement (mc)."""
        self.meetings.make_known(self.db, body["meeting_id"])
        with self.db.unit_of_work() as uow:
            return usecases.request_support(uow, caller, body)

    @api("GET", "/support-requests", query=SupportRequestListQuery,
         returns=page_of(SupportRequestSchema))
    def list_support_requests(self, request, caller, query):
        """What waits on a partner: requests oldest first, by provider, status, meeting."""
        with self.db.unit_of_work() as uow:
            return usecases.list_support_requests(uow, caller, query)

    @api("GET", REQUEST, returns=SupportRequestSchema)
    def get_support_request(self, request, caller, request_id):
        """One support request."""
        with self.db.unit_of_work() as uow:
            return usecases.get_support_request(uow, caller, request_id)

    @api("POST", REQUEST + "/accept", returns=SupportRequestSchema)
    def accept(self, request, caller, request_id):
        """Accept a request (its provider)."""
        with self.db.unit_of_work() as uow:
            return usecases.accept(uow, caller, request_id)

    @api("POST", REQUEST + "/decline", body=DeclineSchema, returns=SupportRequestSchema)
    def decline(self, request, caller, request_id, body):
        """Decline a request, saying why (its provider)."""
        with self.db.unit_of_work() as uow:
            return usecases.decline(uow, caller, request_id, body["reason"])

    @api("POST", REQUEST + "/deliver", returns=SupportRequestSchema)
    def deliver(self, request, caller, request_id):
        """Record that the support was delivered (its provider)."""
        with self.db.unit_of_work() as uow:
            return usecases.deliver(uow, caller, request_id)

    @api("POST", REQUEST + "/invoice", body=InvoiceSchema, returns=SupportRequestSchema)
    def invoice(self, request, caller, request_id, body):
        """Invoice a delivered reimbursement item (its provider)."""
        with self.db.unit_of_work() as uow:
            return usecases.invoice(uow, caller, request_id, body["amount"])

    @api("POST", REQUEST + "/settle", returns=SupportRequestSchema)
    def settle(self, request, caller, request_id):
        """Record that an invoice was paid in full (mc)."""
        with self.db.unit_of_work() as uow:
            return usecases.settle(uow, caller, request_id)

    @api("GET", "/ledger", query=LedgerQuery, returns=LedgerSchema)
    def ledger(self, request, caller, query):
        """Per provider and basis: requests, travel work, and money per currency."""
        with self.db.unit_of_work() as uow:
            return usecases.ledger(uow, caller, query["meeting_id"])

    @api("GET", "/ledger.csv", query=LedgerQuery, content_types=("text/csv",))
    def ledger_csv(self, request, caller, query):
        """The ledger's money for finance, one row per provider, basis and currency."""
        with self.db.unit_of_work() as uow:
            document = usecases.ledger(uow, caller, query["meeting_id"])
        disposition = f'attachment; filename="{reports.csv_filename(document)}"'
        return Response(reports.ledger_csv(document), mimetype="text/csv",
                        headers={"Content-Disposition": disposition})


SERVICE = SupportService
