"""Support requests through HTTP and the broker: who may take each step, what each step
publishes, a partner's queue, and refusals that change nothing and publish nothing."""
from tests.support import feed_types, wait_for
from tests.support_support import (
    agree, announce_meeting, ask, error_code, ok, usd, walk,
)


def post(support, request_id, action, as_, json=None):
    return support.client.post(f"/support-requests/{request_id}/{action}", json=json, as_=as_)


def types_and_owners(notifications, meeting_id):
    """The feed's (type, owner) pairs, sorted: the feed may record them in any order."""
    response = notifications.client.get("/feed", params={"meeting_id": meeting_id, "limit": 500})
    return sorted((entry["type"], entry["owner"] or "") for entry in response.json()["items"])


def test_each_step_is_taken_by_its_rightful_actor_and_names_who_acts_next(services):
    support = services.start("support")
    notifications = services.start("notifications")
    meeting_id, _ = announce_meeting(services, support)
    agree(support, meeting_id, "brs", "it_equipment", "reimbursement")
    agree(support, meeting_id, "chb", "technical", "reciprocity")
    loan = ask(support, meeting_id, "brs", "it_equipment", 12, "Laptops for the secretariat")
    assert (loan["status"], loan["basis"], loan["owner"]) == ("requested", "reimbursement", "brs")

    assert error_code(post(support, loan["id"], "accept", "chb"), 403) == "forbidden"
    assert error_code(post(support, loan["id"], "deliver", "brs"), 409) == "illegal_transition"
    walk(support, loan, "accept", "deliver")
    assert error_code(post(support, loan["id"], "invoice", "chb", {"amount": usd("10.00")}),
                      403) == "forbidden"
    for amount, field in ((usd("-250.00"), "amount"), (usd("10.001"), "amount"),
                          ({"amount": 10.5, "currency": "USD"}, "amount"),
                          ({"amount": "10.00", "currency": "XYZ"}, "currency")):
        refused = post(support, loan["id"], "invoice", "brs", {"amount": amount})
        assert error_code(refused, 400) == "validation_failed"
        assert field in refused.json()["error"]["fields"]["amount"]
    invoiced = ok(post(support, loan["id"], "invoice", "brs", {"amount": usd("2400.50")}))
    assert (invoiced["invoice"], invoiced["owner"]) == (usd("2400.50"), "mc")
    assert error_code(post(support, loan["id"], "settle", "brs"), 403) == "forbidden"
    settled = ok(post(support, loan["id"], "settle", "mc"))
    assert (settled["status"], settled["owner"], settled["invoice"]) == (
        "settled", None, usd("2400.50"))
    assert error_code(post(support, loan["id"], "settle", "mc"), 409) == "illegal_transition"

    contact_groups = walk(support, ask(support, meeting_id, "chb", "technical"),
                          "accept", "deliver")
    assert contact_groups["owner"] is None
    refused = post(support, contact_groups["id"], "invoice", "chb", {"amount": usd("99.00")})
    assert error_code(refused, 409) == "not_reimbursable"

    assert ok(support.client.get(f"/support-requests/{loan['id']}")) == settled
    expected = sorted([
        ("meeting_scheduled", ""), ("agreement_recorded", "brs"), ("agreement_recorded", "chb"),
        ("support_requested", "brs"), ("support_accepted", "brs"),
        ("support_delivered", "brs"), ("support_invoiced", "mc"), ("support_settled", ""),
        ("support_requested", "chb"), ("support_accepted", "chb"), ("support_delivered", ""),
    ])
    wait_for(lambda: len(types_and_owners(notifications, meeting_id)) == len(expected),
             message="every accepted step in the feed")
    assert types_and_owners(notifications, meeting_id) == expected


def test_refused_agreements_and_requests_change_nothing_and_publish_nothing(services):
    support = services.start("support")
    notifications = services.start("notifications")
    meeting_id, _ = announce_meeting(services, support)
    brs_travel = agree(support, meeting_id, "brs", "travel", "reimbursement",
                       ["africa", "asia-pacific", "grulac"])
    agreement = {"meeting_id": meeting_id, "provider": "rc-pretoria", "category": "travel",
                 "basis": "reimbursement", "regions": ["africa"]}
    refusals = [
        ("/agreements", agreement, "brs", 403, "forbidden"),
        ("/agreements", agreement, "mc", 409, "overlapping_agreement"),
        ("/agreements", {**agreement, "meeting_id": "no-such-meeting", "regions": ["weog"]},
         "mc", 400, "unknown_meeting"),
        ("/agreements", {**agreement, "basis": "own", "regions": ["weog"]}, "mc", 400,
         "validation_failed"),
        ("/agreements", {**agreement, "regions": ["atlantis"]}, "mc", 400, "validation_failed"),
        ("/agreements", {**agreement, "regions": []}, "mc", 400, "validation_failed"),
    ]
    support_request = {"meeting_id": meeting_id, "provider": "brs", "category": "it_equipment",
                       "description": "Printers", "quantity": 2}
    refusals += [
        ("/support-requests", support_request, "brs", 403, "forbidden"),
        ("/support-requests", support_request, "mc", 409, "no_agreement"),
        ("/support-requests", {**support_request, "category": "travel"}, "mc", 400,
         "validation_failed"),
        ("/support-requests", {**support_request, "quantity": 0, "extra": 1}, "mc", 400,
         "validation_failed"),
    ]
    for path, body, caller, status, code in refusals:
        assert error_code(support.client.post(path, json=body, as_=caller), status) == code, \
            (path, body, caller)
    assert error_code(support.client.post("/agreements", json=agreement, as_=None), 401) == \
        "unauthenticated"

    assert ok(support.client.get("/support-requests"))["items"] == []
    assert error_code(support.client.get("/ledger", params={"meeting_id": "nope"}), 404) == \
        "not_found"

    # published after anything the refusals might have published, in commit order
    chb_dsa = agree(support, meeting_id, "chb", "dsa_payment", "reciprocity")
    agreements = ok(support.client.get("/agreements", params={"meeting_id": meeting_id}))
    assert agreements == {"items": [brs_travel, chb_dsa], "next_cursor": None}
    wait_for(lambda: len(feed_types(notifications)) >= 3, message="the second agreement")
    assert sorted(feed_types(notifications)) == [
        "agreement_recorded", "agreement_recorded", "meeting_scheduled"]


def test_a_partners_queue_lists_what_waits_on_it_oldest_first(services):
    support = services.start("support")
    meeting_id, _ = announce_meeting(services, support)
    agree(support, meeting_id, "brs", "it_equipment", "reimbursement")
    agree(support, meeting_id, "brs", "onsite_registration", "reimbursement")
    agree(support, meeting_id, "chb", "onsite_registration", "reciprocity")
    first = ask(support, meeting_id, "brs", "it_equipment", description="Laptops")
    walk(support, ask(support, meeting_id, "brs", "onsite_registration"), "accept")
    third = ask(support, meeting_id, "brs", "onsite_registration", description="Badges")
    ask(support, meeting_id, "chb", "onsite_registration")

    query = {"provider": "brs", "status": "requested", "meeting_id": meeting_id, "limit": 1}
    page_one = ok(support.client.get("/support-requests", params=query, as_="brs"))
    assert [item["id"] for item in page_one["items"]] == [first["id"]]
    page_two = ok(support.client.get("/support-requests", as_="brs",
                                     params={**query, "cursor": page_one["next_cursor"]}))
    assert [item["id"] for item in page_two["items"]] == [third["id"]]
    assert page_two["next_cursor"] is None
    everything_of_brs = ok(support.client.get("/support-requests", params={"provider": "brs"}))
    assert len(everything_of_brs["items"]) == 3

    for params in ({"status": "lost"}, {"provider": "nobody"}, {"cursor": "%%%"},
                   {"cursor": "WyJ4IiwgInkiXQ"}):
        assert error_code(support.client.get("/support-requests", params=params), 400) in (
            "validation_failed", "malformed_cursor")
    assert error_code(support.client.get("/support-requests/nope"), 404) == "not_found"
