"""Consumers check each event against its type's schema and the size limit: what breaks
them is parked with the reason and reaches no feed and no service's records."""
from coord import deadletter
from tests.faults.report import FaultRun, record
from tests.support import feed_types, meeting_scheduled_event, wait_for
from tests.support_support import ledger_status


def test_a_mistyped_or_oversized_event_is_parked_with_its_reason(services):
    notifications = services.start("notifications")
    support = services.start("support")
    mistyped = meeting_scheduled_event(code=5)
    oversized = meeting_scheduled_event(code="BIG-1", title="x" * 2_000_000)
    good = meeting_scheduled_event(code="COP-2")
    for envelope in (mistyped, oversized, good):
        services.publish("registration", envelope)

    wait_for(lambda: ledger_status(support, good["meeting_id"]) == 200, timeout=60,
             message="the good meeting in support")
    wait_for(lambda: feed_types(notifications) == ["meeting_scheduled"], timeout=60,
             message="the good meeting in the feed")
    for consumer in ("notifications", "support"):
        parked = wait_for(lambda: (p := deadletter.parked(services.amqp_uri, consumer))
                          and len(p) == 2 and p, timeout=60, message=f"two parked in {consumer}")
        reasons = {entry["event_id"]: entry["reason"] for entry in parked}
        assert reasons[mistyped["event_id"]].startswith(
            "data does not match the meeting_scheduled schema") and "code" in \
            reasons[mistyped["event_id"]]
        assert "larger than the limit of 65536" in reasons[oversized["event_id"]]
    feed = notifications.client.get("/feed").json()["items"]
    assert [entry["subject"]["id"] for entry in feed] == [good["subject"]["id"]]
    for refused in (mistyped, oversized):
        assert ledger_status(support, refused["meeting_id"]) != 200
    record(FaultRun("a mistyped and an oversized event (2 consumers)", events_sent=3,
                    lost=0, duplicate_effects=len(feed) - 1, parked=len(parked) * 2))
