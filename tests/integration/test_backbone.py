"""The event backbone through the real broker: nothing lost, nothing doubled."""
import uuid

from coord import deadletter
from coord.envelope import Event
from tests.support import COP2, feed_types, nominate, schedule_meeting, wait_for


def test_a_confirmed_registration_appears_in_the_feed(services):
    registration = services.start("registration")
    notifications = services.start("notifications")
    meeting = schedule_meeting(registration)
    nominee = nominate(registration, meeting["id"])
    response = registration.client.post(f"/registrations/{nominee['id']}/confirm",
                                        json={"funded": True})
    assert response.status_code == 200, response.text

    types = wait_for(lambda: (t := feed_types(notifications)) and len(t) == 3 and t,
                     message="three feed entries")
    # handled by concurrent workers: the feed holds all three, in whatever order they committed
    assert sorted(types) == ["meeting_scheduled", "registration_confirmed", "registration_submitted"]
    confirmed = notifications.client.get("/feed", params={"type": "registration_confirmed"})
    entry = confirmed.json()["items"][0]
    assert entry["meeting_id"] == meeting["id"]
    assert entry["actor"] == "mc"
    assert entry["subject"] == {"kind": "registration", "id": nominee["id"]}
    assert "Ana Pérez 0" in entry["summary"] and "COP-2" in entry["summary"]


def test_events_published_while_the_consumer_is_down_all_arrive(services):
    registration = services.start("registration")
    meeting = schedule_meeting(registration)
    countries = ["PER", "BRA", "KEN", "NGA", "IND", "CHN", "ARG", "EGY", "THA", "VNM",
                 "COL", "GHA", "IDN", "MEX", "ZAF", "SEN", "PHL", "ECU", "UGA", "BOL"]
    for number, country in enumerate(countries):
        nominee = nominate(registration, meeting["id"], number, country=country)
        confirmed = registration.client.post(f"/registrations/{nominee['id']}/confirm",
                                             json={"funded": False})
        assert confirmed.status_code == 200, confirmed.text

    notifications = services.start("notifications")
    wait_for(lambda: feed_types(notifications, type="registration_confirmed").count(
        "registration_confirmed") == 20, message="20 confirmations in the feed")
    assert len(feed_types(notifications)) == 41


def test_the_same_event_delivered_twice_makes_one_entry(services):
    notifications = services.start("notifications")
    envelope = Event("meeting_scheduled", "meeting", "m-1", actor="mc", meeting_id="m-1",
                     data={**COP2, "code": "BUR-1"}).envelope("registration")
    services.publish("registration", envelope)
    services.publish("registration", envelope)
    marker = Event("meeting_scheduled", "meeting", "m-2", actor="mc",
                   data={**COP2, "code": "BUR-2"}).envelope("registration")
    services.publish("registration", marker)  # once this is in, both copies were handled

    wait_for(lambda: len(feed_types(notifications)) >= 2, message="the marker")
    assert feed_types(notifications) == ["meeting_scheduled", "meeting_scheduled"]


def test_an_event_committed_but_never_published_goes_out_after_a_restart(services):
    # The relay is off: the meeting and its event commit, and the process "dies" before
    # publishing (killed below). The restarted process must publish the event.
    registration = services.start("registration", OUTBOX_RELAY="off")
    meeting = schedule_meeting(registration)
    registration.container.kill()

    notifications = services.start("notifications")
    services.start("registration", DATABASE_URL=registration.config["DATABASE_URL"])
    wait_for(lambda: feed_types(notifications, meeting_id=meeting["id"]) ==
             ["meeting_scheduled"], message="the unpublished event")


def test_a_handler_that_always_fails_is_dead_lettered_then_replayed(services, monkeypatch):
    from services.notifications import usecases

    real_record = usecases.record
    calls = []

    def broken_record(uow, envelope, *_caches):
        calls.append(envelope["event_id"])
        raise RuntimeError("feed table unavailable")

    monkeypatch.setattr(usecases, "record", broken_record)
    notifications = services.start("notifications")
    before = _handled_counts(notifications)
    envelope = Event("meeting_scheduled", "meeting", "m-1", actor="mc",
                     data={**COP2, "code": "BUR-1"}).envelope("registration")
    services.publish("registration", envelope)

    parked = wait_for(lambda: deadletter.parked(services.amqp_uri, "notifications"),
                      message="the dead-lettered event")
    assert len(calls) == 4  # the first attempt and three retries
    assert parked[0]["event_id"] == envelope["event_id"]
    assert parked[0]["attempts"] == 4
    assert "feed table unavailable" in parked[0]["reason"]
    assert parked[0]["queue"] == "notifications.from.registration"
    assert feed_types(notifications) == []
    after = _handled_counts(notifications)
    assert after["retried"] - before["retried"] == 3  # operators see it in /metrics
    assert after["dead_lettered"] - before["dead_lettered"] == 1

    monkeypatch.setattr(usecases, "record", real_record)
    assert deadletter.replay(services.amqp_uri, "notifications", wait=0).replayed == 1
    wait_for(lambda: feed_types(notifications) == ["meeting_scheduled"],
             message="the replayed event")
    assert deadletter.parked(services.amqp_uri, "notifications") == []


def test_malformed_events_are_parked_with_their_reason_and_the_feed_keeps_working(services):
    notifications = services.start("notifications")
    services.publish("registration", b"{not json", routing_key="registration_confirmed")
    services.publish("registration", {"type": "registration_confirmed", "event_id": "nope"})
    good = Event("meeting_scheduled", "meeting", str(uuid.uuid4()), actor="mc",
                 data={**COP2, "code": "BUR-1"}).envelope("registration")
    services.publish("registration", good)

    wait_for(lambda: feed_types(notifications) == ["meeting_scheduled"], message="good event")
    parked = wait_for(lambda: (p := deadletter.parked(services.amqp_uri, "notifications"))
                      and len(p) == 2 and p, message="two parked messages")
    reasons = sorted(entry["reason"] for entry in parked)
    assert reasons[0].startswith("body is not JSON")
    assert reasons[1].startswith("not a valid envelope")


def _handled_counts(notifications):
    """This queue's outcome counters from /metrics (the registry is per process)."""
    text = notifications.client.get("/metrics", as_=None).text
    counts = {"retried": 0.0, "dead_lettered": 0.0}
    for line in text.splitlines():
        if line.startswith("coord_events_handled_total{") and \
                'queue="notifications.from.registration"' in line:
            for outcome in counts:
                if f'outcome="{outcome}"' in line:
                    counts[outcome] = float(line.rsplit(" ", 1)[1])
    return counts


def test_the_relay_rides_out_a_database_outage_and_publishes_once_it_is_back(
        services, tmp_path):
    import eventlet

    from coord import migrations
    from coord.db import UnitOfWork, make_engine
    from coord.outbox import OutboxRelay
    from services.registration.models import Base

    notifications = services.start("notifications")
    directory = tmp_path / "not-yet-mounted"
    url = f"sqlite:///{directory}/registration.db"
    engine = make_engine(url)
    relay = OutboxRelay(engine, Base.metadata.tables["outbox"], "registration",
                        services.amqp_uri, retry_delays=(0.1, 0.2, 0.4), poll_interval=0.05)
    running = eventlet.spawn(relay.run)
    eventlet.sleep(0.5)  # the database cannot be opened: the relay must keep trying
    assert not running.dead

    directory.mkdir()
    migrations.upgrade("registration", url)
    with UnitOfWork(engine, Base.metadata, "registration", relay.wake) as uow:
        uow.emit(Event("meeting_scheduled", "meeting", "m-9", actor="mc",
                       data={**COP2, "code": "EXP-1"}))
    wait_for(lambda: feed_types(notifications) == ["meeting_scheduled"],
             message="the event once the database is back")
    relay.stop()
    running.wait()
