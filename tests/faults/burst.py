"""The flow every fault test puts through its fault: a meeting and 300 funded
confirmations, as registration publishes them; and what came of it in travel and
notifications, counted once everything has settled."""
from collections import Counter

from tests.support import rows, wait_for
from tests.travel_support import confirmed, meeting_scheduled

CONFIRMATIONS = 300
REGIONS = ("africa", "asia-pacific", "eastern-europe", "grulac", "weog")


def confirmations_burst(meeting_id):
    return [meeting_scheduled(meeting_id)] + [
        confirmed(meeting_id, region, number)
        for number in range(CONFIRMATIONS // len(REGIONS)) for region in REGIONS]


def chunks(burst, count):
    """`burst` in `count` consecutive parts, to put a fault between each."""
    size = len(burst) // count + 1
    return [burst[start:start + size] for start in range(0, len(burst), size)]


def settled_outcome(travel_url, notifications_url, burst):
    """Wait for every case and its events, and for every event in the feed; returns
    (events sent, lost, duplicate effects): a case per confirmation, a feed entry per
    event of the burst and of travel."""
    wait_for(lambda: rows(travel_url, "SELECT count(*) FROM travel_cases")[0][0]
             >= CONFIRMATIONS and not rows(travel_url,
                                           "SELECT 1 FROM outbox WHERE published_at IS NULL"),
             timeout=600, message="every case opened and its events published")
    travel_events = {row[0] for row in rows(travel_url, "SELECT event_id FROM outbox")}
    wanted = {envelope["event_id"] for envelope in burst} | travel_events
    wait_for(lambda: len(rows(notifications_url, "SELECT id FROM feed_entries")) >= len(wanted),
             timeout=600, message="every event in the feed")
    cases = Counter(row[0] for row in rows(travel_url, "SELECT registration_id FROM travel_cases"))
    feed = Counter(row[0] for row in rows(notifications_url, "SELECT id FROM feed_entries"))
    lost = (CONFIRMATIONS - len(cases)) + len(wanted - set(feed))
    doubled = sum(n - 1 for n in cases.values()) + sum(n - 1 for n in feed.values())
    return len(wanted), lost, doubled
