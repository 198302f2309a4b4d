"""`make demo` plays COP-2's story through the client against the five services, and a
second run adds nothing."""
import time

from coord.settings import SERVICES
from coord_client import Coord
from demo.cop2 import Story
from tests.support import wait_for


def counts(mc, notifications, meeting_id):
    return {
        "meetings": len(list(mc.registration.list_meetings())),
        "registrations": len(list(mc.registration.list_registrations(meeting_id))),
        "cases": len(list(mc.travel.list_cases(meeting_id=meeting_id))),
        "agreements": len(list(mc.support.list_agreements(meeting_id=meeting_id))),
        "documents": len(list(mc.documents.list_documents(meeting_id=meeting_id))),
        "feed": len(notifications.client.get(
            "/feed", params={"limit": 500, "meeting_id": meeting_id}).json()["items"]),
    }


def test_the_cop2_story_plays_once_and_shows_on_the_feed(services):
    running = {name: services.start(name) for name in SERVICES}
    urls = {name: service.url for name, service in running.items()}

    def client_for(organisation):
        return Coord(services.tokens.plain[organisation], urls)

    story = Story(client_for, nominations=40, wait_seconds=30)
    story.play()
    mc = client_for("mc")
    [cop2] = [m for m in mc.registration.list_meetings() if m.code == "COP-2"]
    notifications = running["notifications"]
    first = wait_for(lambda: (lambda c: c["feed"] > 40 and c)(
        counts(mc, notifications, cop2.id)), timeout=60, message="COP-2 on the feed")
    assert first["registrations"] == 40 and first["agreements"] == 6
    assert first["cases"] > 0 and first["documents"] == 6
    wait_for(lambda: "travel_case_cancelled" in [entry["type"] for entry in notifications.client.get(
        "/feed", params={"limit": 500, "meeting_id": cop2.id}).json()["items"]],
        timeout=60, message="the withdrawal's cancelled travel case")
    brs_cases = list(mc.travel.list_cases(meeting_id=cop2.id, owner="brs"))
    assert {case.region for case in brs_cases} <= {"africa", "asia-pacific", "grulac"}
    ledger = mc.support.ledger(meeting_id=cop2.id)
    assert {line["provider"] for line in ledger["lines"]} >= {"brs", "chb"}
    summaries = [entry["summary"] for entry in notifications.client.get(
        "/feed", params={"limit": 500, "meeting_id": cop2.id}).json()["items"]]
    assert any("COP-2" in summary for summary in summaries)

    def unchanged_for_a_second():
        before = counts(mc, notifications, cop2.id)
        time.sleep(1)
        return before == counts(mc, notifications, cop2.id) and before

    settled = wait_for(unchanged_for_a_second, timeout=60, message="the feed to settle")
    story.play()
    time.sleep(1)  # what a second run emitted would reach the feed by now
    assert counts(mc, notifications, cop2.id) == settled
