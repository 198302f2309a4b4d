"""What waits on whom: the latest event about an item names its owner."""
from datetime import datetime, timedelta, timezone

from services.notifications.domain import after_event, days_waiting, entry_is_late

T0 = datetime(2018, 10, 1, 9, 0, tzinfo=timezone.utc)


def at(hours):
    return T0 + timedelta(hours=hours)


def test_the_latest_event_names_who_the_item_waits_on():
    state = after_event(None, "document_registered", "mc", at(0), "e1")
    state = after_event(state, "document_submitted", "unon-dcs", at(1), "e2")
    assert (state.owner, state.since, state.entry_id, state.late) == ("unon-dcs", at(1), "e2",
                                                                     False)


def test_an_event_about_the_past_arriving_late_does_not_change_the_owner():
    state = after_event(None, "document_submitted", "unon-dcs", at(5), "e2")
    assert after_event(state, "document_registered", "mc", at(1), "e1") is state


def test_an_event_that_leaves_nobody_owning_the_item_clears_it():
    state = after_event(None, "ticket_issued", "chb", at(0), "e1")
    assert after_event(state, "dsa_paid", None, at(1), "e2").owner is None


def test_the_waiting_time_counts_from_when_the_owner_got_the_item():
    state = after_event(None, "document_registered", "mc", at(0), "e1")
    state = after_event(state, "contribution_recorded", "mc", at(30), "e2")
    assert state.since == at(0) and state.latest_at == at(30)


def test_a_late_item_stays_late_until_someone_else_has_it():
    state = after_event(None, "document_late", "mc", at(0), "e1")
    assert state.late
    state = after_event(state, "contribution_recorded", "mc", at(1), "e2")
    assert state.late
    state = after_event(state, "document_submitted", "unon-dcs", at(2), "e3")
    assert not state.late


def test_only_lateness_reports_are_late_entries():
    assert entry_is_late("document_late")
    assert not entry_is_late("document_submitted")


def test_days_waiting_never_goes_negative():
    assert days_waiting(at(0), at(49)) == 2
    assert days_waiting(at(5), at(0)) == 0


def stated(action, late=False):
    return {"action": action, "due_on": None, "late": late}


def test_a_stated_wait_is_late_exactly_while_its_producer_says_so():
    state = after_event(None, "travel_case_overdue", "mc", at(0), "e1",
                        stated("issue the ticket", late=True))
    assert (state.owner, state.action, state.late) == ("mc", "issue the ticket", True)
    # mc books the ticket and pays the DSA itself: the same owner, the next action, on time.
    state = after_event(state, "ticket_issued", "mc", at(1), "e2", stated("pay the DSA"))
    assert (state.owner, state.action, state.late, state.since) == (
        "mc", "pay the DSA", False, at(1))


def test_a_stated_end_of_waiting_clears_the_item_whatever_its_owner_field_says():
    state = after_event(None, "travel_case_cancelled", "brs", at(0), "e1",
                        stated("record the ticket refund"))
    assert after_event(state, "refund_recorded", "brs", at(1), "e2", None).owner is None
