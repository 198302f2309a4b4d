"""`python -m coord.deadletter replay` replays what was parked when it started, each
message once, and says how many came straight back."""
from coord import deadletter
from tests.support import feed_types, meeting_scheduled_event, wait_for


def test_a_replay_of_messages_parked_again_at_once_ends_and_counts_them(services, capsys):
    notifications = services.start("notifications")
    mistyped = [meeting_scheduled_event(code=number) for number in range(3)]
    for envelope in mistyped:
        services.publish("registration", envelope)
    wait_for(lambda: len(deadletter.parked(services.amqp_uri, "notifications")) == 3,
             timeout=60, message="three parked events")

    assert deadletter.main(["replay", "notifications", "--amqp-uri", services.amqp_uri,
                            "--wait", "60"]) == 0
    assert capsys.readouterr().out.startswith("replayed 3, parked again 3")

    parked = deadletter.parked(services.amqp_uri, "notifications")
    assert sorted(entry["event_id"] for entry in parked) == sorted(
        envelope["event_id"] for envelope in mistyped)  # each once, none lost
    assert all(entry["attempts"] == 1 for entry in parked)
    assert feed_types(notifications) == []


def test_a_replay_by_event_id_leaves_the_others_parked(services):
    services.start("notifications")
    mistyped = [meeting_scheduled_event(code=number) for number in range(2)]
    for envelope in mistyped:
        services.publish("registration", envelope)
    wait_for(lambda: len(deadletter.parked(services.amqp_uri, "notifications")) == 2,
             timeout=60, message="two parked events")

    outcome = deadletter.replay(services.amqp_uri, "notifications",
                                {mistyped[0]["event_id"]}, wait=60)
    assert outcome == deadletter.Replayed(replayed=1, parked_again=1)
    assert len(deadletter.parked(services.amqp_uri, "notifications")) == 2
