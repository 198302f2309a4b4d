"""Signed webhooks: the rules, apart from the database and the network.

A delivery is a POST of the event's envelope with

    X-Coord-Event-Id:   the envelope's event_id (receivers drop repeats by it)
    X-Coord-Timestamp:  Unix seconds when this attempt was signed
    X-Coord-Signature:  sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>

A receiver recomputes the signature over the raw body and refuses old timestamps, so a
captured delivery cannot be replayed later. Failed attempts are tried again after
growing delays until the delivery's deadline (24 hours by default), then the delivery
gives up and its subscription is marked failing.
"""
import hashlib
import hmac
import ipaddress
import secrets
import socket
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from coord.errors import Invalid

SIGNATURE_HEADER = "X-Coord-Signature"
TIMESTAMP_HEADER = "X-Coord-Timestamp"
EVENT_ID_HEADER = "X-Coord-Event-Id"
DELIVERY_ID_HEADER = "X-Coord-Delivery-Id"
ALL_TYPES = "*"


@dataclass(frozen=True)
class Settings:
    """How deliveries are sent; nameko config keys in brackets.

    retry_delays [WEBHOOK_RETRY_DELAYS]: seconds before each retry, the last repeating
    give_up_after [WEBHOOK_GIVE_UP_AFTER]: seconds from the event to giving up
    timeout [WEBHOOK_TIMEOUT]: seconds a receiver has to answer
    allow_private [WEBHOOK_ALLOW_PRIVATE]: accept loopback and private addresses (tests,
        a closed network)
    """

    retry_delays: tuple = (10, 30, 60, 300, 900, 1800, 3600, 7200, 14400)
    give_up_after: float = 24 * 3600
    timeout: float = 10
    allow_private: bool = False

    @classmethod
    def from_config(cls, config):
        defaults = cls()
        delays = config.get("WEBHOOK_RETRY_DELAYS")
        return cls(
            retry_delays=tuple(float(d) for d in str(delays).split(",")) if delays
            else defaults.retry_delays,
            give_up_after=float(config.get("WEBHOOK_GIVE_UP_AFTER") or defaults.give_up_after),
            timeout=float(config.get("WEBHOOK_TIMEOUT") or defaults.timeout),
            allow_private=str(config.get("WEBHOOK_ALLOW_PRIVATE", "")).lower()
            in ("1", "true", "yes"))

    @property
    def lease(self):
        """How long a claimed delivery is left alone: a sender that died mid-POST loses
        its claim after this, and the delivery is tried again."""
        return timedelta(seconds=self.timeout + 30)


def new_secret():
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret, timestamp, body):
    """`sha256=<hex>` over `timestamp + "." + body` (body: the raw bytes sent)."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def headers(secret, timestamp, body, event_id, delivery_id):
    return {"Content-Type": "application/json", "User-Agent": "coord-webhooks/1.1",
            EVENT_ID_HEADER: event_id, TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature(secret, timestamp, body),
            DELIVERY_ID_HEADER: delivery_id}


def check_url(url, allow_private=False):
    """400 unless `url` is http(s) to a public address (any address with allow_private).

    Checked when a webhook is registered and again before each POST, so a name that
    later resolves to an internal address does not turn the sender against the network
    it runs in.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused("Must be an http:// or https:// URL with a host.")
    if parts.username or parts.password:
        raise _refused("Must not carry a user name or password.")
    if allow_private:
        return url
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(
            parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
            type=socket.SOCK_STREAM)}
    except (socket.gaierror, UnicodeError, ValueError):
        raise _refused(f"The host {parts.hostname!r} cannot be resolved.") from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise _refused("Points at a loopback, private or reserved address; webhooks "
                           "go to public addresses only.")
    return url


def _refused(reason):
    return Invalid("The webhook URL is refused.", code="webhook_url_refused",
                   fields={"url": [reason]})


def wants(webhook, envelope):
    """Whether the subscription asked for this event (its type, its meeting); whether
    its organisation may read it is the feed's rule (usecases.readers_of)."""
    if webhook.meeting_id and webhook.meeting_id != envelope.get("meeting_id"):
        return False
    return ALL_TYPES in webhook.event_types or envelope["type"] in webhook.event_types


def after_attempt(attempt_count, succeeded, now, give_up_at, settings):
    """(status, next_attempt_at) of a delivery after an attempt."""
    if succeeded:
        return "delivered", None
    delay = settings.retry_delays[min(attempt_count, len(settings.retry_delays)) - 1]
    next_at = now + timedelta(seconds=delay)
    if next_at > give_up_at:
        return "failed", None
    return "pending", next_at
