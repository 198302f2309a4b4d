"""Webhooks' service layer: subscriptions, the outbox of deliveries, and sending them.

`enqueue` runs inside the unit of work that records an event in the feed, so a delivery
exists exactly when its feed entry does. `deliver_due` claims due deliveries (a lease,
so a second sender process or a crash mid-POST cannot lose or double-claim one), POSTs
them outside any transaction, then records each attempt.
"""
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests
from sqlalchemy import select

from coord import scope
from coord.db import utcnow
from coord.errors import Invalid, NotFound
from coord.http import cursor_position, decode_cursor, page, utc_timestamp
from services.notifications import webhooks
from services.notifications.models import PARTIES, Webhook, WebhookAttempt, WebhookDelivery

BATCH = 50
SENDERS = 8


def create(uow, caller, body, settings):
    webhooks.check_url(body["url"], settings.allow_private)
    webhook = Webhook(
        id=str(uuid.uuid4()), organisation=caller, url=body["url"],
        event_types=sorted(set(body["event_types"])), meeting_id=body.get("meeting_id"),
        secret=webhooks.new_secret(), status="active", created_at=utcnow())
    uow.session.add(webhook)
    uow.session.flush()
    return webhook


def own(uow, caller, webhook_id):
    """The caller's webhook; another organisation's, or a deleted one, is 404."""
    webhook = uow.session.get(Webhook, webhook_id)
    if webhook is None or webhook.organisation != caller or webhook.status == "deleted":
        raise NotFound("No such webhook among this organisation's.")
    return webhook


def list_own(uow, caller, query):
    statement = (select(Webhook).where(Webhook.organisation == caller,
                                       Webhook.status != "deleted").order_by(Webhook.id))
    after = decode_cursor(query.get("cursor"), expected=str)
    if after:
        statement = statement.where(Webhook.id > after)
    items = uow.session.scalars(statement.limit(query["limit"] + 1)).all()
    return page(items, query["limit"], lambda webhook: webhook.id)


def delete(uow, caller, webhook_id):
    """Stop a subscription: it sends nothing more; its delivery history stays."""
    webhook = own(uow, caller, webhook_id)
    webhook.status = "deleted"
    return webhook


def deliveries(uow, caller, webhook_id, query):
    """A webhook's deliveries, newest first, each with its attempts."""
    own(uow, caller, webhook_id)
    statement = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    if query.get("status"):
        statement = statement.where(WebhookDelivery.status == query["status"])
    after = cursor_position(query.get("cursor"), utc_timestamp, str)
    if after:
        created, last_id = after
        statement = statement.where(
            (WebhookDelivery.created_at < created)
            | ((WebhookDelivery.created_at == created) & (WebhookDelivery.id < last_id)))
    statement = statement.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    items = uow.session.scalars(statement.limit(query["limit"] + 1)).all()
    return page(items, query["limit"],
                lambda delivery: [delivery.created_at.isoformat(), delivery.id])


def redeliver(uow, caller, webhook_id, delivery_id, settings):
    """Send a delivery again now, whatever became of it, with a fresh deadline."""
    own(uow, caller, webhook_id)
    delivery = uow.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.webhook_id != webhook_id:
        raise NotFound("No such delivery for this webhook.")
    now = utcnow()
    delivery.status = "pending"
    delivery.next_attempt_at = now
    delivery.give_up_at = now + timedelta(seconds=settings.give_up_after)
    return delivery


def enqueue(session, envelope, settings):
    """A pending delivery of the event for every subscription that wants it and whose
    organisation reads its feed entry (party to its subject, now or before)."""
    candidates = _live_webhooks(session)
    subject = envelope["subject"]
    wanted = [webhook for webhook in candidates if webhooks.wants(webhook, envelope)
              and scope.is_party(session, PARTIES, webhook.organisation, subject["kind"],
                                 subject["id"])]
    if not wanted:
        return
    now = utcnow()
    body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
    for webhook in wanted:
        session.add(WebhookDelivery(
            id=str(uuid.uuid4()), webhook_id=webhook.id, event_id=envelope["event_id"],
            event_type=envelope["type"], body=body, status="pending", created_at=now,
            next_attempt_at=now, give_up_at=now + timedelta(seconds=settings.give_up_after)))


def _live_webhooks(session):
    """The subscriptions not deleted, read once a transaction: a batch of events shares
    one read (and sees one state of the subscriptions)."""
    if "live_webhooks" not in session.info:
        session.info["live_webhooks"] = session.scalars(
            select(Webhook).where(Webhook.status != "deleted")).all()
    return session.info["live_webhooks"]


def deliver_due(unit_of_work, settings):
    """Send every due delivery once; returns how many were attempted.

    `unit_of_work`: a callable opening a unit of work (one per step, so no transaction
    stays open while a receiver is slow).
    """
    with unit_of_work() as uow:
        claimed = claim_due(uow, settings)
    if claimed:
        with ThreadPoolExecutor(max_workers=SENDERS) as pool:
            results = list(pool.map(lambda job: (job, _post(job, settings)), claimed))
        with unit_of_work() as uow:
            for job, outcome in results:
                _record(uow, job["delivery_id"], outcome, settings)
    return len(claimed)


def claim_due(uow, settings):
    """Due deliveries, leased to this sender: rows another sender's open transaction
    holds are skipped, and a lease it took makes them not due."""
    now = utcnow()
    rows = uow.session.execute(
        select(WebhookDelivery, Webhook)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now,
               Webhook.status != "deleted")
        .order_by(WebhookDelivery.next_attempt_at).limit(BATCH)
        .with_for_update(skip_locked=True, of=WebhookDelivery)).all()
    jobs = []
    for delivery, webhook in rows:
        delivery.next_attempt_at = now + settings.lease
        jobs.append({"delivery_id": delivery.id, "event_id": delivery.event_id,
                     "body": delivery.body.encode("utf-8"), "url": webhook.url,
                     "secret": webhook.secret})
    return jobs


def _post(job, settings):
    """POST one delivery: (status code or None, error or None, latency in ms)."""
    started = time.perf_counter()
    try:
        webhooks.check_url(job["url"], settings.allow_private)
        timestamp = int(time.time())
        response = requests.post(
            job["url"], data=job["body"], timeout=settings.timeout, allow_redirects=False,
            headers=webhooks.headers(job["secret"], timestamp, job["body"], job["event_id"],
                                     job["delivery_id"]))
        response.close()
        return response.status_code, None, _elapsed(started)
    except requests.Timeout:
        return None, f"no answer within {settings.timeout:g} s", _elapsed(started)
    except requests.RequestException as exc:
        return None, f"could not connect ({type(exc).__name__})", _elapsed(started)
    except Invalid as exc:
        return None, exc.fields["url"][0], _elapsed(started)


def _elapsed(started):
    return int((time.perf_counter() - started) * 1000)


def _record(uow, delivery_id, outcome, settings):
    status_code, error, latency_ms = outcome
    delivery = uow.session.get(WebhookDelivery, delivery_id)
    webhook = uow.session.get(Webhook, delivery.webhook_id)
    succeeded = status_code is not None and 200 <= status_code < 300
    now = utcnow()
    attempt_count = len(delivery.attempts) + 1
    uow.session.add(WebhookAttempt(
        delivery_id=delivery.id, at=now, status_code=status_code,
        error=error or (None if succeeded else f"answered {status_code}"),
        latency_ms=latency_ms, delivered=succeeded))
    delivery.status, delivery.next_attempt_at = webhooks.after_attempt(
        attempt_count, succeeded, now, delivery.give_up_at, settings)
    if succeeded:
        delivery.delivered_at = now
        if webhook.status == "failing":
            webhook.status, webhook.failing_since = "active", None
    elif delivery.status == "failed" and webhook.status == "active":
        webhook.status, webhook.failing_since = "failing", now
