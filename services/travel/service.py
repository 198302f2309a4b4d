"""Travel service: tickets and daily subsistence allowance (DSA) for funded participants
(CONTRACT.md, port 8002).

Cases open by themselves from registration's events and are routed to the partner that
the meeting's support agreements name; partners record tickets and DSA payments here.
"""
from datetime import date

from nameko.extensions import DependencyProvider

from coord.configured import configured_timer
from coord.events import subscribe
from coord.http import api, page_of
from coord.outbox import Database
from coord.service import ServiceBase
from services.travel import usecases
from services.travel.models import Base
from services.travel.schemas import (
    DsaPaymentCreateSchema, DsaRateListQuery, DsaRateSchema, DsaRateSetSchema,
    RefundCreateSchema, TicketCreateSchema, TravelCaseListQuery, TravelCaseSchema,
)


class Today(DependencyProvider):
    """Today's date, for deadlines. Config TRAVEL_TODAY (YYYY-MM-DD) pins it, for tests
    and drills on past meetings."""

    def get_dependency(self, worker_ctx):
        pinned = self.container.config.get("TRAVEL_TODAY")
        return date.fromisoformat(pinned) if pinned else date.today()


class TravelService(ServiceBase):
    name = "travel"
    db = Database(Base.metadata)
    today = Today()

    @subscribe("registration")
    def on_registration_event(self, uow, envelope):
        usecases.handle_registration_event(uow, envelope, self.today)

    @subscribe("support")
    def on_support_event(self, uow, envelope):
        usecases.handle_support_event(uow, envelope, self.today)

    @api("PUT", "/dsa-rates/<city>", body=DsaRateSetSchema, returns=DsaRateSchema,
         allowed=(), action="set DSA rates")
    def set_dsa_rate(self, request, caller, city, body):
        """Set a city's daily DSA rate from a date (mc); earlier rates stay as history."""
        with self.db.unit_of_work() as uow:
            return usecases.set_dsa_rate(uow, caller, city, body, self.today)

    @api("GET", "/dsa-rates", query=DsaRateListQuery, returns=page_of(DsaRateSchema))
    def list_dsa_rates(self, request, caller, query):
        """DSA rates by city, newest first within a city."""
        with self.db.unit_of_work() as uow:
            return usecases.list_dsa_rates(uow, query)

    @api("GET", "/travel-cases", query=TravelCaseListQuery, returns=page_of(TravelCaseSchema))
    def list_cases(self, request, caller, query):
        """Travel cases: by meeting, status, the organisation that still has to act, overdue."""
        with self.db.unit_of_work() as uow:
            return usecases.list_cases(uow, caller, query, self.today)

    @api("GET", "/travel-cases/<case_id>", returns=TravelCaseSchema)
    def get_case(self, request, caller, case_id):
        """One travel case."""
        with self.db.unit_of_work() as uow:
            return usecases.get_case(uow, caller, case_id, self.today)

    @api("POST", "/travel-cases/<case_id>/ticket", body=TicketCreateSchema,
         returns=TravelCaseSchema, status=201)
    def issue_ticket(self, request, caller, case_id, body):
        """Record the case's ticket (its travel owner)."""
        with self.db.unit_of_work() as uow:
            return usecases.issue_ticket(uow, caller, case_id, body, self.today)

    @api("POST", "/travel-cases/<case_id>/dsa-payment", body=DsaPaymentCreateSchema,
         returns=TravelCaseSchema, status=201)
    def pay_dsa(self, request, caller, case_id, body):
        """Record the case's DSA payment (its DSA owner)."""
        with self.db.unit_of_work() as uow:
            return usecases.pay_dsa(uow, caller, case_id, body, self.today)

    @api("POST", "/travel-cases/<case_id>/refund", body=RefundCreateSchema,
         returns=TravelCaseSchema, status=201)
    def record_refund(self, request, caller, case_id, body):
        """Record what the carrier refunded for a cancelled case's ticket (its travel owner)."""
        with self.db.unit_of_work() as uow:
            return usecases.record_refund(uow, caller, case_id, body, self.today)

    @configured_timer("TRAVEL_OVERDUE_CHECK_INTERVAL", 86400, eager=True)
    def notice_overdue_cases(self):
        """The daily check: `travel_case_overdue` for each ticket that has become late."""
        usecases.notice_overdue_cases(self.db.unit_of_work, self.today)

    @configured_timer("TRAVEL_RATE_CHECK_INTERVAL", 60, eager=True)
    def settle_rates_recorded_meanwhile(self):
        """Fix the entitlements still flagged though their city's rate has come (a case
        opened while the rate was being recorded)."""
        usecases.settle_rates_recorded_meanwhile(self.db.unit_of_work, self.today)


SERVICE = TravelService
