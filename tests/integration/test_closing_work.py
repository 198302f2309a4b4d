"""COP-2's closing work across all five services, through HTTP and the real broker:
withdrawal after ticketing, the refund, corrected dates and e-mail, a document through
its chain, and the settlement. At every step, what waits on each organisation is the
same in notifications' `/waiting`, its digest and its feed's `waiting_on` filter, and in
the services' own queues (`?owner=`); when the work is done every list is empty and the
ledger balances to zero."""
from decimal import Decimal

from tests.integration.test_cop2_flow import agree
from tests.support import nominate, schedule_meeting, wait_for

ORGANISATIONS = ("mc", "brs", "chb", "unon-dcs")
PINNED = {"travel": {"TRAVEL_TODAY": "2018-09-01"},
          "documents": {"DOCUMENTS_TODAY": "2018-09-01"}}


def usd(amount):
    return {"amount": amount, "currency": "USD"}


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


class Cop2:
    """The five services, and the two views of what waits on whom."""

    def __init__(self, services):
        self.s = {name: services.start(name, **PINNED.get(name, {})) for name in (
            "registration", "travel", "documents", "support", "notifications")}
        self.meeting = None

    def client(self, name):
        return self.s[name].client

    def queues(self, owner):
        """What each service says waits on `owner` for the meeting, as (kind, id)."""
        meeting = {"meeting_id": self.meeting["id"], "owner": owner, "limit": 500}
        items = {("travel_case", c["id"]) for c in ok(
            self.client("travel").get("/travel-cases", params=meeting))["items"]}
        items |= {("document", d["id"]) for d in ok(
            self.client("documents").get("/documents", params=meeting))["items"]}
        items |= {("support_request", r["id"]) for r in ok(
            self.client("support").get("/support-requests", params=meeting))["items"]}
        items |= {("agreement", a["id"]) for a in ok(
            self.client("support").get("/agreements", params=meeting))["items"]}
        if owner == "mc":  # nominations wait on the secretariat's decision
            items |= {("registration", r["id"]) for r in ok(self.client("registration").get(
                f"/meetings/{self.meeting['id']}/registrations",
                params={"status": "nominated"}))["items"]}
        return items

    def notified(self, owner):
        """What notifications says waits on `owner`: the digest's items, the feed's
        `waiting_on` entries and the `/waiting` count must all say the same."""
        notifications = self.client("notifications")
        digest = ok(notifications.get("/digest", params={"owner": owner}))
        feed = ok(notifications.get("/feed", params={"waiting_on": owner, "limit": 500}))
        overview = {o["owner"]: o for o in ok(notifications.get("/waiting"))["organisations"]}
        from_digest = {(i["subject"]["kind"], i["subject"]["id"]) for i in digest["items"]}
        from_feed = {(e["subject"]["kind"], e["subject"]["id"]) for e in feed["items"]}
        counts = {digest["waiting"], len(feed["items"]), overview[owner]["waiting"]}
        return from_digest if from_digest == from_feed and counts == {len(from_digest)} \
            else ("disagree", from_digest, from_feed, counts)

    def agree_everywhere(self, step, **expected_counts):
        """Every organisation's waiting list, the same in every view; returns them."""
        lists = {}
        for owner in ORGANISATIONS:
            expected = expected_counts.get(owner.replace("-", "_"), 0)

            def same(owner=owner, expected=expected):
                queued, notified = self.queues(owner), self.notified(owner)
                return queued == notified and len(queued) == expected and queued

            wait_for(lambda: same() is not False, timeout=15,
                     message=f"{step}: {expected} items waiting on {owner} in every view "
                             f"(services: {self.queues(owner)}, notifications: "
                             f"{self.notified(owner)})")
            lists[owner] = self.queues(owner)
        return lists


def test_cop2_closing_work_empties_every_waiting_list_and_balances_the_ledger(services):
    cop2 = Cop2(services)
    registration, travel, support, documents = (
        cop2.client(name) for name in ("registration", "travel", "support", "documents"))
    meeting = cop2.meeting = schedule_meeting(cop2.s["registration"])
    meeting_id = meeting["id"]

    # Agreements wait on their provider until acknowledged.
    travel_agreement = agree(cop2.s["support"], meeting_id, "brs", "travel", "reimbursement",
                             ["grulac"])
    dsa_agreement = agree(cop2.s["support"], meeting_id, "brs", "dsa_payment",
                          "reimbursement", ["grulac"])
    cop2.agree_everywhere("agreements recorded", brs=2)
    for agreement in (travel_agreement, dsa_agreement):
        ok(support.post(f"/agreements/{agreement['id']}/acknowledge", as_="chb"), 403)
        acknowledged = ok(support.post(f"/agreements/{agreement['id']}/acknowledge",
                                       as_="brs"))
        assert (acknowledged["status"], acknowledged["owner"]) == ("acknowledged", None)
    ok(travel.put("/dsa-rates/Geneva", json={"daily": usd("400.00"),
                                             "valid_from": "2018-01-01"}))
    cop2.agree_everywhere("agreements acknowledged")

    # Two funded Latin American participants: nominated (mc), then brs books travel.
    peru = nominate(cop2.s["registration"], meeting_id, 0, country="PER")
    brazil = nominate(cop2.s["registration"], meeting_id, 1, country="BRA")
    cop2.agree_everywhere("nominated", mc=2)
    for nominee in (peru, brazil):
        ok(registration.post(f"/registrations/{nominee['id']}/confirm", json={"funded": True}))
    document = ok(documents.post("/documents", json={
        "meeting_id": meeting_id, "kind": "working", "title": "Report of the Bureau",
        "agenda_item": "2", "languages": "reduced"}), 201)
    cop2.agree_everywhere("confirmed", brs=2, mc=1)

    def case_of(nominee):
        return wait_for(lambda: ok(travel.get("/travel-cases", params={
            "registration_id": nominee["id"]}))["items"], message="the case")[0]

    fares = {"PER": "1200.00", "BRA": "1000.00"}
    for nominee, country in ((peru, "PER"), (brazil, "BRA")):
        case = case_of(nominee)
        assert (case["owner"], case["waiting_for"]) == ("brs", "issue the ticket")
        ok(travel.post(f"/travel-cases/{case['id']}/ticket", as_="brs", json={
            "carrier": "LA", "ticket_number": f"045-{country}", "fare": usd(fares[country]),
            "outbound_on": "2018-11-18", "return_on": "2018-11-24"}), 201)
    cop2.agree_everywhere("ticketed: the DSA is next", brs=2, mc=1)

    # Peru withdraws after ticketing: the case waits on brs for the refund, not the DSA.
    ok(registration.post(f"/registrations/{peru['id']}/withdraw"))
    wait_for(lambda: case_of(peru)["status"] == "cancelled", message="the cancellation")
    assert case_of(peru)["waiting_for"] == "record the ticket refund"
    cop2.agree_everywhere("withdrawn after ticketing", brs=2, mc=1)

    # A corrected e-mail changes nothing else; corrected dates move the document's
    # deadlines and Brazil's unpaid DSA (now 4 meeting days + 1 travel day).
    brazil_case = case_of(brazil)
    corrected = ok(registration.request("PATCH", f"/registrations/{brazil['id']}",
                                        json={"email": "b.souza@example.org"},
                                        headers={"If-Match": brazil["etag"]}))
    assert corrected["status"] == "confirmed"
    ok(registration.request("PATCH", f"/meetings/{meeting_id}", json={
        "starts_on": "2018-11-26", "ends_on": "2018-11-29"},
        headers={"If-Match": meeting["etag"]}))
    wait_for(lambda: case_of(brazil)["entitlement"] == usd("2000.00"),
             message="the entitlement of the new dates")
    assert case_of(brazil)["ticket"] == brazil_case["ticket"]
    moved = wait_for(lambda: (d := ok(documents.get(f"/documents/{document['id']}")))[
        "due_on"] == "2018-10-15" and d, message="the document's new due date")
    assert moved["etag"] != document["etag"]
    cop2.agree_everywhere("dates corrected", brs=2, mc=1)

    # The refund: more than the fare is refused; then recorded, nothing waits on brs for it.
    peru_case = case_of(peru)
    refund_url = f"/travel-cases/{peru_case['id']}/refund"
    assert travel.post(refund_url, as_="brs", json={
        "amount": usd("1200.01"), "received_on": "2018-11-30"}).status_code == 400
    refunded = ok(travel.post(refund_url, as_="brs", json={
        "amount": usd("900.00"), "received_on": "2018-11-30"}), 201)
    assert (refunded["owner"], refunded["ticket"]["refund"]["amount"]) == (None, usd("900.00"))
    assert travel.post(refund_url, as_="brs", json={
        "amount": usd("900.00"), "received_on": "2018-11-30"}).status_code == 409
    ok(travel.post(f"/travel-cases/{brazil_case['id']}/dsa-payment", as_="brs",
                   json={"amount": usd("2000.00"), "paid_on": "2018-11-26"}), 201)
    cop2.agree_everywhere("refunded and paid", mc=1)

    # The document through its chain: mc, then unon-dcs, then mc publishes.
    path = f"/documents/{document['id']}"
    ok(documents.post(f"{path}/submit"))
    cop2.agree_everywhere("submitted", unon_dcs=1)
    ok(documents.post(f"{path}/edited", as_="unon-dcs"))
    for language in ("fr", "es"):
        ok(documents.post(f"{path}/translations/{language}", as_="unon-dcs"))
    cop2.agree_everywhere("translated", mc=1)
    ok(documents.post(f"{path}/publish"))
    assert documents.request("PATCH", path, json={"title": "Typo"}).status_code == 409

    # The settlement: more than is owed is refused; what is owed balances the ledger.
    owed = Decimal("1200.00") + Decimal("1000.00") - Decimal("900.00") + Decimal("2000.00")

    def brs_usd():
        ledger = ok(support.get("/ledger", params={"meeting_id": meeting_id}))
        line = next(line for line in ledger["lines"]
                    if (line["provider"], line["basis"]) == ("brs", "reimbursement"))
        return {a["currency"]: a for a in line["amounts"]}.get("USD", {})

    wait_for(lambda: brs_usd().get("refunded") == "900.00" and Decimal(
        brs_usd()["owed"]) == owed, message="the refund and DSA in the ledger")
    too_much = support.post("/settlements", json={
        "meeting_id": meeting_id, "provider": "brs", "amount": usd(str(owed + 1)),
        "reference": "TR-1"})
    assert too_much.status_code == 409, too_much.text
    ok(support.post("/settlements", json={
        "meeting_id": meeting_id, "provider": "brs", "amount": usd(str(owed)),
        "reference": "TR-2018-114"}), 201)
    totals = brs_usd()
    assert (Decimal(totals["owed"]), Decimal(totals["settled"]),
            Decimal(totals["outstanding"]), Decimal(totals["refunds_pending"])) == (
        owed, owed, 0, 0)
    cop2.agree_everywhere("all done")
