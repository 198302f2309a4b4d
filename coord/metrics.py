"""Prometheus metrics every service exposes at `/metrics` (one process per service, so the
default registry is the service's own)."""
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

HTTP_REQUESTS = Histogram(
    "coord_http_request_seconds", "HTTP requests by route, method and status.",
    ["method", "route", "status"])
EVENTS_PUBLISHED = Counter(
    "coord_events_published_total", "Events the outbox relay published.", ["type"])
OUTBOX_BACKLOG = Gauge(
    "coord_outbox_unpublished", "Outbox rows seen unpublished at the relay's last pass.")
EVENTS_HANDLED = Counter(
    "coord_events_handled_total", "Consumed events by source queue and outcome "
    "(handled, retried, dead_lettered, move_failed: requeued because a move failed).",
    ["queue", "outcome"])
TABLE_ROWS = Gauge(
    "coord_messaging_table_rows", "Rows in the outbox and inbox tables, at the last scrape.",
    ["table"])
OLDEST_UNPUBLISHED = Gauge(
    "coord_outbox_oldest_unpublished_seconds",
    "Age of the oldest outbox row not yet published (0 when none waits), at the last scrape.")
ROWS_PRUNED = Counter(
    "coord_messaging_rows_pruned_total", "Published outbox rows and inbox keys pruned as "
    "older than their retention.", ["table"])


def exposition():
    """(body, content type) of the current metrics."""
    return generate_latest(), CONTENT_TYPE_LATEST
