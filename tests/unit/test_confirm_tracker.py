"""Publisher confirms settle each delivery tag on its own, whatever order they come in."""
from coord.amqp import ConfirmTracker


def _tracker(tags):
    tracker = ConfirmTracker()
    for tag in tags:
        tracker.sent(tag, f"row-{tag}")
    return tracker


def test_an_ack_for_a_later_tag_does_not_confirm_an_earlier_one():
    tracker = _tracker([1, 2, 3])
    tracker.on_ack(3)
    assert tracker.take() == (["row-3"], [])
    assert tracker.outstanding == 2
    tracker.on_nack(1)  # arrives late: row 1 was refused, and must not count as published
    tracker.on_ack(2)
    assert tracker.take() == (["row-2"], ["row-1"])
    assert tracker.outstanding == 0


def test_multiple_settles_every_outstanding_tag_up_to_it_and_no_other():
    tracker = _tracker([1, 2, 3, 4, 5])
    tracker.on_ack(4)
    tracker.on_nack(3, multiple=True)  # covers 1, 2 and 3; 4 is already settled
    assert tracker.take() == (["row-4"], ["row-1", "row-2", "row-3"])
    tracker.on_ack(5, multiple=True)
    assert tracker.take() == (["row-5"], [])
    assert tracker.outstanding == 0


def test_a_confirm_repeated_or_for_an_unknown_tag_changes_nothing():
    tracker = _tracker([7])
    tracker.on_ack(7)
    tracker.on_nack(7)
    tracker.on_ack(9)
    assert tracker.take() == (["row-7"], [])
