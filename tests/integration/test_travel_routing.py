"""Travel cases open from registration's events and route by support's agreements,
through the real broker: once per registration, whatever the order or the redeliveries."""
import uuid

import pytest

from coord.vocabulary import REGIONS
from tests.support import wait_for
from tests.travel_support import (
    BRS_REGIONS, EventTap, agreement, confirmed, cop2_agreements, meeting_scheduled,
)


@pytest.fixture
def published(services):
    """Travel's events as a partner's own queue receives them."""
    tap = EventTap(services.amqp_uri, "travel")
    yield tap.events
    tap.close()


def cases(travel, **params):
    response = travel.client.get("/travel-cases", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def publish_all(services, envelopes):
    for envelope in envelopes:
        services.publish(envelope["producer"], envelope)


def test_thirty_confirmations_route_as_agreed_once_each_whatever_the_order(services,
                                                                         published):
    # One worker: each queue is handled in order, so once a marker published after the
    # redeliveries has had its effect, every redelivery before it has been handled.
    travel = services.start("travel", max_workers=1)
    meeting = str(uuid.uuid4())
    early = [confirmed(meeting, region, number) for region in REGIONS for number in range(2)]
    late = [confirmed(meeting, region, number) for region in REGIONS for number in range(2, 6)]
    agreements = cop2_agreements(meeting)

    publish_all(services, [meeting_scheduled(meeting), *early])
    wait_for(lambda: len(cases(travel, meeting_id=meeting, owner="mc")) == 10,
             timeout=30, message="ten cases waiting on mc before any agreement")

    def routed_as_agreed(count):
        found = cases(travel, meeting_id=meeting)
        return len(found) == count and all(
            (case["travel_owner"], case["travel_basis"], case["dsa_owner"],
             case["dsa_basis"]) == expected_route(case["region"]) for case in found)

    publish_all(services, agreements)
    wait_for(lambda: routed_as_agreed(10), timeout=30, message="the ten re-routed")
    publish_all(services, late)
    wait_for(lambda: routed_as_agreed(30), timeout=30, message="30 cases routed as agreed")
    assert len(cases(travel, owner="brs", meeting_id=meeting)) == 18
    # The other twelve wait on mc for their tickets; chb's DSA comes after.
    assert len(cases(travel, owner="mc", meeting_id=meeting)) == 12
    assert cases(travel, owner="chb", meeting_id=meeting) == []
    assert all(case["travel_agreement_id"] == agreements[0]["subject"]["id"]
               for case in cases(travel, owner="brs", meeting_id=meeting))

    rerouted = wait_for(lambda: len(published("travel_case_rerouted", meeting)) == 16
                        and published("travel_case_rerouted", meeting),
                        timeout=30, message="the early cases re-routed")
    early_ids = {c["subject"]["id"] for c in early}
    assert {event["subject"]["id"] for event in rerouted} == {
        case["id"] for case in cases(travel, meeting_id=meeting)
        if case["registration_id"] in early_ids}
    wait_for(lambda: len(published("travel_case_opened", meeting)) == 30,
             timeout=30, message="30 travel_case_opened published")

    everything = [meeting_scheduled(meeting), *agreements, *early, *late]
    publish_all(services, everything + everything)
    marker_meeting = str(uuid.uuid4())
    marker = confirmed(marker_meeting, "africa")
    publish_all(services, [marker, agreement(marker_meeting, "brs", "travel", "reimbursement")])
    wait_for(lambda: [case["travel_owner"] for case in cases(travel, meeting_id=marker_meeting)]
             == ["brs"], timeout=60, message="the markers behind the redeliveries")

    assert len(cases(travel, meeting_id=meeting)) == 30
    assert routed_as_agreed(30)
    assert len(published("travel_case_opened", meeting)) == 30
    assert len(published("travel_case_rerouted", meeting)) == 16


def expected_route(region):
    if region in BRS_REGIONS:
        return ("brs", "reimbursement", "brs", "reimbursement")
    return ("mc", "own", "chb", "reciprocity")
