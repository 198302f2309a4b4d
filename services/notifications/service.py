"""Notifications service: the staff feed of every event (CONTRACT.md, port 8004)."""
from coord.events import subscribe
from coord.http import api, page_of
from coord.outbox import Database
from coord.service import ServiceBase
from services.notifications import usecases
from services.notifications.models import Base
from services.notifications.schemas import FeedEntrySchema, FeedQuery


class NotificationsService(ServiceBase):
    name = "notifications"
    db = Database(Base.metadata)

    @subscribe("registration")
    def on_registration_event(self, envelope):
        self._record(envelope)

    @subscribe("travel")
    def on_travel_event(self, envelope):
        self._record(envelope)

    @subscribe("documents")
    def on_documents_event(self, envelope):
        self._record(envelope)

    @subscribe("support")
    def on_support_event(self, envelope):
        self._record(envelope)

    def _record(self, envelope):
        with self.db.unit_of_work() as uow:
            usecases.record(uow, envelope)

    @api("GET", "/feed", query=FeedQuery, returns=page_of(FeedEntrySchema))
    def feed(self, request, caller, query):
        """The feed, newest first, by meeting, owner, type and time."""
        with self.db.unit_of_work() as uow:
            return usecases.feed(uow, query)


SERVICE = NotificationsService
