"""Signed webhooks (notifications): a real HTTP receiver gets each event it asked for,
signed with its secret, and gets it even through its own outage."""
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from coord.db import UnitOfWork, make_engine
from services.notifications import webhook_usecases, webhooks
from services.notifications.models import Base
from tests.notifications_support import SAMPLE
from tests.support import free_port, wait_for

FAST = {"WEBHOOK_ALLOW_PRIVATE": "1", "WEBHOOK_RETRY_DELAYS": "0.2,0.4",
        "WEBHOOK_TIMEOUT": "0.5"}


class Receiver:
    """A partner's endpoint: answers each request as `script` says ("fail": 500,
    "slow": no answer within the sender's timeout, "ok": 204), then "ok" for good."""

    def __init__(self, *script):
        self.script = list(script)
        self.received = []  # (headers, raw body, what it answered)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                behaviour = receiver.script.pop(0) if receiver.script else "ok"
                receiver.received.append((dict(self.headers), body, behaviour))
                if behaviour == "slow":
                    time.sleep(1.5)
                self.send_response(500 if behaviour == "fail" else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/coord-events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def delivered(self):
        return [(headers, body) for headers, body, behaviour in self.received
                if behaviour == "ok"]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory():
    receivers = []

    def make(*script):
        receivers.append(Receiver(*script))
        return receivers[-1]

    yield make
    for receiver in receivers:
        receiver.close()


def subscribe(notifications, organisation, url, event_types, **extra):
    response = notifications.client.post(
        "/webhooks", json={"url": url, "event_types": event_types, **extra}, as_=organisation)
    assert response.status_code == 201, response.text
    return response.json()


def deliveries(notifications, organisation, webhook_id):
    response = notifications.client.get(f"/webhooks/{webhook_id}/deliveries", as_=organisation)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_a_receiver_gets_signed_deliveries_through_its_own_outage(services, receiver_factory):
    notifications = services.start("notifications", **FAST)
    receiver = receiver_factory("fail", "slow")
    webhook = subscribe(notifications, "brs", receiver.url, ["travel_case_opened"])
    assert webhook["secret"] and webhook["status"] == "active"
    assert "secret" not in notifications.client.get(
        f"/webhooks/{webhook['id']}", as_="brs").json()

    opened = SAMPLE["travel_case_opened"].envelope()  # waits on brs
    services.publish("travel", opened)
    services.publish("travel", SAMPLE["ticket_issued"].envelope())  # a type not asked for
    headers, body = wait_for(receiver.delivered, timeout=20, message="a delivery")[0]

    assert json.loads(body) == opened
    assert headers["X-Coord-Event-Id"] == opened["event_id"]
    expected = hmac.new(webhook["secret"].encode(),
                        headers["X-Coord-Timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert headers["X-Coord-Signature"] == f"sha256={expected}"
    assert [behaviour for _, _, behaviour in receiver.received] == ["fail", "slow", "ok"]

    [delivery] = wait_for(lambda: [d for d in deliveries(notifications, "brs", webhook["id"])
                                   if d["status"] == "delivered"], message="delivered")
    assert delivery["event_id"] == opened["event_id"]
    attempts = delivery["attempts"]
    assert [attempt["status_code"] for attempt in attempts] == [500, None, 204]
    assert "no answer" in attempts[1]["error"]
    assert [attempt["delivered"] for attempt in attempts] == [False, False, True]
    assert all(attempt["latency_ms"] >= 0 for attempt in attempts)
    assert attempts[1]["latency_ms"] >= 500  # it waited out the timeout


def test_subscriptions_are_their_organisations_own(services, receiver_factory):
    notifications = services.start("notifications", **FAST)
    receiver = receiver_factory()
    brs_hook = subscribe(notifications, "brs", receiver.url, ["*"])
    assert notifications.client.get(f"/webhooks/{brs_hook['id']}", as_="chb").status_code == 404
    assert notifications.client.get(
        f"/webhooks/{brs_hook['id']}/deliveries", as_="mc").status_code == 404
    assert [hook["id"] for hook in notifications.client.get(
        "/webhooks", as_="chb").json()["items"]] == []

    # brs is neither actor, owner nor party of a credentials review: not sent to brs.
    services.publish("registration", SAMPLE["credentials_reviewed"].envelope())
    concerning_brs = SAMPLE["travel_case_opened"].envelope()
    services.publish("travel", concerning_brs)
    wait_for(receiver.delivered, message="brs's event")
    time.sleep(1.5)  # one more sending round: nothing else may arrive
    assert [json.loads(body)["event_id"] for _, body in receiver.delivered()] == [
        concerning_brs["event_id"]]

    deleted = notifications.client.request("DELETE", f"/webhooks/{brs_hook['id']}", as_="brs")
    assert deleted.status_code == 200 and deleted.json()["status"] == "deleted"
    services.publish("travel", SAMPLE["travel_case_opened"].envelope())
    time.sleep(1.5)
    assert len(receiver.delivered()) == 1


def test_a_delivery_that_gives_up_marks_the_webhook_failing_until_redelivered(
        services, receiver_factory):
    notifications = services.start("notifications", WEBHOOK_GIVE_UP_AFTER="1", **FAST)
    receiver = receiver_factory(*["fail"] * 50)
    webhook = subscribe(notifications, "mc", receiver.url, ["travel_case_opened"])
    services.publish("travel", SAMPLE["travel_case_opened"].envelope())

    [failed] = wait_for(lambda: [d for d in deliveries(notifications, "mc", webhook["id"])
                                 if d["status"] == "failed"], timeout=20, message="give up")
    assert failed["attempts"] and failed["next_attempt_at"] is None
    assert not any(attempt["delivered"] for attempt in failed["attempts"])
    hook = notifications.client.get(f"/webhooks/{webhook['id']}").json()
    assert hook["status"] == "failing" and hook["failing_since"]

    receiver.script.clear()  # the partner fixed its endpoint
    again = notifications.client.post(
        f"/webhooks/{webhook['id']}/deliveries/{failed['id']}/redeliver")
    assert again.status_code == 200 and again.json()["status"] == "pending"
    wait_for(receiver.delivered, message="the redelivery")
    wait_for(lambda: notifications.client.get(
        f"/webhooks/{webhook['id']}").json()["status"] == "active", message="active again")


def test_pending_deliveries_survive_a_restart_of_notifications(services, receiver_factory):
    receiver = receiver_factory(*["fail"] * 50)
    notifications = services.start("notifications", **FAST)
    webhook = subscribe(notifications, "mc", receiver.url, ["travel_case_opened"])
    events = [SAMPLE["travel_case_opened"].envelope() for _ in range(2)]
    for event in events:
        services.publish("travel", event)
    wait_for(lambda: len(receiver.received) >= 2, timeout=30, message="first, failed attempts")
    notifications.stop()  # the deliveries are still pending, in notifications' database
    receiver.script.clear()
    notifications = services.start("notifications", **FAST)
    wait_for(lambda: len(receiver.delivered()) == 2, timeout=30, message="deliveries after the restart")

    def page(cursor=None):
        return notifications.client.get(f"/webhooks/{webhook['id']}/deliveries", params={
            "limit": 1, **({"cursor": cursor} if cursor else {})}).json()

    def both_pages_once_recorded():
        first = page()
        second = page(first["next_cursor"])
        shown = first["items"] + second["items"]
        recorded = all(delivery["status"] == "delivered" for delivery in shown)
        return recorded and (second["next_cursor"], shown)

    last_cursor, shown = wait_for(both_pages_once_recorded, timeout=30, message="the attempts recorded")
    assert last_cursor is None
    assert sorted(d["event_id"] for d in shown) == sorted(e["event_id"] for e in events)


@pytest.mark.parametrize("url, reason", [
    ("ftp://partner.example.org/in", "http"),
    ("file:///etc/passwd", "http"),
    ("http://127.0.0.1:8004/webhooks", "loopback"),
    ("http://10.1.2.3/in", "private"),
    ("http://[::1]/in", "loopback"),
])
def test_urls_that_are_not_http_or_point_inside_are_refused(services, url, reason):
    notifications = services.start("notifications")  # WEBHOOK_ALLOW_PRIVATE unset
    response = notifications.client.post(
        "/webhooks", json={"url": url, "event_types": ["ticket_issued"]}, as_="brs")
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "webhook_url_refused" and reason in error["fields"]["url"][0]
    assert notifications.client.get("/webhooks", as_="brs").json()["items"] == []


@pytest.mark.parametrize("database_kind", ["postgresql"])
def test_two_senders_on_postgresql_never_claim_the_same_delivery(postgresql, database_kind):
    engine = make_engine(postgresql("notifications"))
    settings = webhooks.Settings()
    with UnitOfWork(engine, Base.metadata, "notifications") as uow:
        webhook = webhook_usecases.create(
            uow, "mc", {"url": "https://partner.example.org/in", "event_types": ["*"]},
            webhooks.Settings(allow_private=True))
        for _ in range(3):
            webhook_usecases.enqueue(uow.session, SAMPLE["travel_case_opened"].envelope(),
                                     settings)
    first = UnitOfWork(engine, Base.metadata, "notifications")
    second = UnitOfWork(engine, Base.metadata, "notifications")
    try:
        claimed_first = webhook_usecases.claim_due(first, settings)
        claimed_second = webhook_usecases.claim_due(second, settings)  # while first is open
    finally:
        first.session.rollback()
        second.session.rollback()
        first.session.close()
        second.session.close()
        engine.dispose()
    assert len(claimed_first) == 3 and webhook.id
    assert claimed_second == []
