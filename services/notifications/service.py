"""Notifications service: the staff feed of every event (CONTRACT.md, port 8004).

Secretariat staff follow everything here: the feed as JSON, Atom and server-sent events,
what waits on each organisation (with a digest to paste into an e-mail), and the staff
page that shows it all live.
"""
from urllib.parse import urlencode

from nameko.extensions import DependencyProvider
from nameko.timer import timer
from werkzeug.wrappers import Response

from coord.db import utcnow
from coord.errors import Conflict
from coord.mail import Mailer
from coord.events import subscribe
from coord.news import Announcements
from coord.http import PageQuery, api, page_of
from coord.outbox import Database
from coord.service import ServiceBase
from services.notifications import (
    atom, digest, digest_mail, page, stream, usecases, webhook_usecases, webhooks,
)
from services.notifications.models import Base
from services.notifications.schemas import (
    DigestAddressConfirmSchema, DigestAddressCreateSchema, DigestAddressListSchema,
    DigestAddressSchema, DigestMailRunSchema, AtomQuery, DigestQuery, DigestSchema, FeedEntrySchema, FeedQuery, StreamQuery,
    StreamTicketSchema,
    WaitingOverviewSchema,
)
from services.notifications.webhook_schemas import (
    DeliveryListQuery, DeliverySchema, WebhookCreatedSchema, WebhookCreateSchema, WebhookSchema,
)


class WebhookSettings(DependencyProvider):
    """How webhooks are sent (webhooks.Settings), read from the config at start-up."""

    def setup(self):
        self.settings = webhooks.Settings.from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.settings


class MeetingCodes(DependencyProvider):
    """This process's memory of meeting codes (usecases.MeetingCodes), for every worker."""

    def setup(self):
        self.codes = usecases.MeetingCodes()

    def get_dependency(self, worker_ctx):
        return self.codes


class NotificationsService(ServiceBase):
    name = "notifications"
    db = Database(Base.metadata)
    mailer = Mailer(Base.metadata, digest_mail.no_attachments)
    webhook_settings = WebhookSettings()
    meeting_codes = MeetingCodes()
    # New feed entries wake open streams at once.
    feed_news = Announcements(usecases.FEED_TURN.replace(".", "_"))

    @subscribe("registration")
    def on_registration_event(self, uow, envelope):
        self._record(uow, envelope)

    @subscribe("travel")
    def on_travel_event(self, uow, envelope):
        self._record(uow, envelope)

    @subscribe("documents")
    def on_documents_event(self, uow, envelope):
        self._record(uow, envelope)

    @subscribe("support")
    def on_support_event(self, uow, envelope):
        self._record(uow, envelope)

    def _record(self, uow, envelope):
        usecases.record(uow, envelope, self.meeting_codes)
        webhook_usecases.enqueue(uow.session, envelope, self.webhook_settings)
        self.feed_news.announce(uow.session)

    @api("GET", "/feed", query=FeedQuery, returns=page_of(FeedEntrySchema))
    def feed(self, request, caller, query):
        """The feed, newest first, by meeting, owner, type and time."""
        with self.db.unit_of_work() as uow:
            return usecases.feed(uow, caller, query)

    @api("POST", "/stream-tickets", returns=StreamTicketSchema, status=201)
    def issue_stream_ticket(self, request, caller):
        """A ticket for a minute of reading where no header can be sent (a browser's
        EventSource, a feed reader): `?ticket=` on /feed/stream, /feed.atom, /digest.txt."""
        with self.db.unit_of_work() as uow:
            return usecases.issue_stream_ticket(uow, caller)

    @api("GET", "/feed.atom", query=AtomQuery, ticket=True,
         content_types=("application/atom+xml",))
    def feed_atom(self, request, caller, query):
        """The newest entries as an Atom 1.0 feed (or with ?ticket= from /stream-tickets)."""
        with self.db.unit_of_work() as uow:
            entries = usecases.feed(uow, caller, query)["items"]
        filters = {name: value for name, value in query.items() if name != "limit"}
        document = atom.render(
            entries, filters=filters, page_url=request.host_url,
            self_url=request.base_url + (f"?{urlencode(query)}" if query else ""))
        return Response(document, mimetype="application/atom+xml")

    @api("GET", "/feed/stream", query=StreamQuery, ticket=True,
         content_types=("text/event-stream",))
    def feed_stream(self, request, caller, query):
        """The feed live, as server-sent events; resumes after Last-Event-ID."""
        after = stream.resume_position(request.headers.get("Last-Event-ID"),
                                       query.get("last_event_id"))
        if after is None:
            with self.db.unit_of_work() as uow:
                after = usecases.newest_seq(uow)
        return stream.response(
            stream.FeedStream(self.db.engine(), caller, self.feed_news, query, after), request)

    @api("GET", "/waiting", returns=WaitingOverviewSchema)
    def waiting(self, request, caller):
        """How many items wait on each organisation, and how many of them are late."""
        with self.db.unit_of_work() as uow:
            return usecases.waiting_overview(uow, caller)

    @api("GET", "/digest", query=DigestQuery, returns=DigestSchema)
    def digest_json(self, request, caller, query):
        """What currently waits on an organisation (default: the caller's)."""
        return self._digest(caller, query)

    @api("GET", "/digest.txt", query=DigestQuery, ticket=True,
         content_types=("text/plain",))
    def digest_text(self, request, caller, query):
        """The digest as plain text, ready to paste into an e-mail."""
        return Response(digest.as_text(self._digest(caller, query)), mimetype="text/plain")

    def _digest(self, caller, query):
        with self.db.unit_of_work() as uow:
            return usecases.digest(uow, caller, query.get("owner", caller), utcnow())

    @api("POST", "/digest-addresses", body=DigestAddressCreateSchema,
         returns=DigestAddressSchema, status=201)
    def add_digest_address(self, request, caller, body):
        """Give an address for the organisation's daily digest; a code is mailed there."""
        with self.db.unit_of_work() as uow:
            return digest_mail.add_address(uow, caller, body, self.mailer)

    @api("POST", "/digest-addresses/<address_id>/confirm", body=DigestAddressConfirmSchema,
         returns=DigestAddressSchema)
    def confirm_digest_address(self, request, caller, address_id, body):
        """Confirm an address with the code mailed to it; digests go only to such."""
        with self.db.unit_of_work() as uow:
            return digest_mail.confirm_address(uow, caller, address_id, body["code"])

    @api("GET", "/digest-addresses", query=PageQuery, returns=DigestAddressListSchema)
    def list_digest_addresses(self, request, caller, query):
        """The organisation's digest addresses (mc: everyone's)."""
        with self.db.unit_of_work() as uow:
            return digest_mail.list_addresses(uow, caller, query)

    @api("POST", "/digest-mails", returns=DigestMailRunSchema,
         allowed=(), action="send the daily digests")
    def send_digest_mails(self, request, caller):
        """Send today's digests now, to addresses not yet sent one today (mc)."""
        if not self.mailer:
            raise Conflict("This service sends no mail (no SMTP_HOST is set).",
                           code="mail_not_configured")
        return {"queued": self._send_digests()}

    @timer(interval=600)
    def send_digest_mails_daily(self):
        """Each day's digests, once a day (checked every ten minutes)."""
        if self.mailer:
            self._send_digests()

    def _send_digests(self):
        with self.db.unit_of_work() as uow:
            return digest_mail.send_daily_digests(uow, utcnow())

    @api("GET", "/", public=True, content_types=("text/html",))
    def staff_page(self, request):
        """The staff page: the feed live, filters, and what waits on whom."""
        return page.static_file("index.html")

    @api("GET", "/static/<name>", public=True, content_types=("text/css", "text/javascript"))
    def staff_page_file(self, request, name):
        """The staff page's style sheet and script."""
        return page.static_file(name)

    @api("POST", "/webhooks", body=WebhookCreateSchema, returns=WebhookCreatedSchema,
         status=201)
    def create_webhook(self, request, caller, body):
        """Subscribe a URL to events; the answer shows the signing secret, this once."""
        with self.db.unit_of_work() as uow:
            webhook = webhook_usecases.create(uow, caller, body, self.webhook_settings)
        return webhook

    @api("GET", "/webhooks", query=PageQuery, returns=page_of(WebhookSchema))
    def list_webhooks(self, request, caller, query):
        """The calling organisation's webhooks."""
        with self.db.unit_of_work() as uow:
            return webhook_usecases.list_own(uow, caller, query)

    @api("GET", "/webhooks/<webhook_id>", returns=WebhookSchema)
    def get_webhook(self, request, caller, webhook_id):
        """One of the calling organisation's webhooks."""
        with self.db.unit_of_work() as uow:
            return webhook_usecases.own(uow, caller, webhook_id)

    @api("DELETE", "/webhooks/<webhook_id>", returns=WebhookSchema)
    def delete_webhook(self, request, caller, webhook_id):
        """Stop a webhook: nothing more is sent to it."""
        with self.db.unit_of_work() as uow:
            return webhook_usecases.delete(uow, caller, webhook_id)

    @api("GET", "/webhooks/<webhook_id>/deliveries", query=DeliveryListQuery,
         returns=page_of(DeliverySchema))
    def list_deliveries(self, request, caller, webhook_id, query):
        """Each delivery to a webhook, newest first, with every attempt's status and
        latency."""
        with self.db.unit_of_work() as uow:
            return webhook_usecases.deliveries(uow, caller, webhook_id, query)

    @api("POST", "/webhooks/<webhook_id>/deliveries/<delivery_id>/redeliver",
         returns=DeliverySchema)
    def redeliver(self, request, caller, webhook_id, delivery_id):
        """Send a delivery again now (after an outage), with a fresh 24-hour deadline."""
        with self.db.unit_of_work() as uow:
            return webhook_usecases.redeliver(uow, caller, webhook_id, delivery_id,
                                              self.webhook_settings)

    @timer(interval=1)
    def send_webhooks(self):
        """POST every due delivery (the outbox of deliveries), then record the attempts."""
        webhook_usecases.deliver_due(self.db.unit_of_work, self.webhook_settings)


SERVICE = NotificationsService
