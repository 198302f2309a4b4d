"""Who reads what (ARCHITECTURE.md "Read scope"), table-driven against the real services.

A COP-2-like meeting is set up through the APIs as the secretariat and its partners
would; then every read endpoint is asked by every organisation. `mc` reads everything;
any other organisation reads what it is (or was) party to: a single resource outside
that is 404, a list leaves it out (read page by page, so keyset paging is checked too),
and a ledger shows the caller's own lines only.
"""
import csv
import io

import pytest

from tests.documents_support import PDF_BYTES, working_document
from tests.support import nominate, schedule_meeting, wait_for
from tests.support_support import created, ok

READERS = ("mc", "chb", "brs", "unon-dcs", "law")


class Cop2:
    """COP-2 with two funded participants and the partners' work around them:

    - agreements: brs books travel and pays DSA for africa and grulac (reimbursement),
      chb pays DSA for weog; brs lends IT equipment, chb gives technical support;
    - three delegates nominated by mc; chb registers Germany's on site;
    - Kenya's delegate travels with brs throughout; Brazil's case is handed from brs to
      chb when grulac's travel and DSA move to chb (brs stays party: "before");
    - a support request to each provider; brs invoices, mc settles;
    - documents: one law contributed to, one unon-dcs holds, one mc drafts alone (with
      a file), one published.
    """

    def __init__(self, services):
        self.notifications = services.start("notifications")
        self.registration = services.start("registration")
        self.support = services.start("support")
        self.travel = services.start("travel")
        self.meeting = schedule_meeting(self.registration)["id"]
        self.agreements = {
            key: self.agree(provider, category, basis, regions)
            for key, (provider, category, basis, regions) in {
                "brs-travel": ("brs", "travel", "reimbursement", ["africa", "grulac"]),
                "brs-dsa": ("brs", "dsa_payment", "reimbursement", ["africa", "grulac"]),
                "chb-dsa": ("chb", "dsa_payment", "reciprocity", ["weog"]),
                "brs-it": ("brs", "it_equipment", "reimbursement", None),
                "chb-technical": ("chb", "technical", "reciprocity", None),
            }.items()}
        self.kenya = self.confirmed(nominate(self.registration, self.meeting, 1, country="KEN"))
        self.brazil = self.confirmed(nominate(self.registration, self.meeting, 2, country="BRA"))
        self.cases = {name: self.case_of(registration, "brs") for name, registration in
                      (("kenya", self.kenya), ("brazil", self.brazil))}
        self.germany = nominate(self.registration, self.meeting, 3, country="DEU",
                                funding_requested=False)["id"]
        ok(self.registration.client.post(f"/registrations/{self.germany}/confirm",
                                         json={"funded": False}))
        ok(self.registration.client.post(f"/registrations/{self.germany}/check-in",
                                         as_="chb"))
        self.hand_grulac_to_chb()
        self.requests = {"brs": self.ask("brs", "it_equipment"),
                         "chb": self.ask("chb", "technical")}
        self.settlement = self.invoice_and_settle(self.requests["brs"])
        self.documents = services.start("documents")
        self.docs = self.write_documents()

    def agree(self, provider, category, basis, regions):
        return created(self.support.client.post("/agreements", json={
            "meeting_id": self.meeting, "provider": provider, "category": category,
            "basis": basis, "regions": regions}))["id"]

    def confirmed(self, registration):
        ok(self.registration.client.post(f"/registrations/{registration['id']}/confirm",
                                         json={"funded": True}))
        return registration["id"]

    def case_of(self, registration_id, owner):
        def routed():
            items = ok(self.travel.client.get("/travel-cases", params={
                "registration_id": registration_id}))["items"]
            return items and items[0]["travel_owner"] == owner and items[0]["id"]
        return wait_for(routed, timeout=30, message=f"the case routed to {owner}")

    def hand_grulac_to_chb(self):
        for key in ("brs-travel", "brs-dsa"):
            ok(self.support.client.request("PATCH", f"/agreements/{self.agreements[key]}",
                                           json={"regions": ["africa"]}))
        self.agreements["chb-travel"] = self.agree("chb", "travel", "reciprocity", ["grulac"])
        self.agreements["chb-dsa-grulac"] = self.agree("chb", "dsa_payment", "reciprocity",
                                                       ["grulac"])
        wait_for(lambda: ok(self.travel.client.get(f"/travel-cases/{self.cases['brazil']}"))[
            "dsa_owner"] == "chb" and ok(self.travel.client.get(
                f"/travel-cases/{self.cases['brazil']}"))["travel_owner"] == "chb",
            timeout=30, message="Brazil's case handed to chb")

    def ask(self, provider, category):
        return created(self.support.client.post("/support-requests", json={
            "meeting_id": self.meeting, "provider": provider, "category": category,
            "description": "For the plenary", "quantity": 1}))["id"]

    def invoice_and_settle(self, request_id):
        for action, body in (("accept", None), ("deliver", None),
                             ("invoice", {"amount": {"amount": "100.00", "currency": "USD"}})):
            ok(self.support.client.post(f"/support-requests/{request_id}/{action}",
                                        json=body, as_="brs"))
        return created(self.support.client.post("/settlements", json={
            "meeting_id": self.meeting, "provider": "brs", "reference": "PAY-1",
            "amount": {"amount": "100.00", "currency": "USD"}}))["id"]


    def write_documents(self):
        def post(path, as_="mc", **kwargs):
            response = self.documents.client.post(path, as_=as_, **kwargs)
            assert response.status_code in (200, 201), response.text
            return response.json()

        docs = {name: post("/documents", json=working_document(
            self.meeting, title=f"The {name} one", languages="reduced"))["id"]
            for name in ("contributed", "held", "drafted", "published")}
        post(f"/documents/{docs['contributed']}/contributions", as_="law",
             json={"note": "The Basel view."})
        post(f"/documents/{docs['held']}/submit")
        uploaded = self.documents.client.put(
            f"/documents/{docs['drafted']}/files/en", data=PDF_BYTES,
            headers={"Content-Type": "application/pdf"})
        assert uploaded.status_code == 200, uploaded.text
        published = f"/documents/{docs['published']}"
        post(f"{published}/submit")
        post(f"{published}/edited", as_="unon-dcs")
        for language in ("fr", "es"):
            post(f"{published}/translations/{language}", as_="unon-dcs")
        post(f"{published}/publish")
        return docs


def single(service, path, readers):
    """Mismatches of a single resource: its readers get 200, every other one 404."""
    wrong = []
    for organisation in READERS:
        expected = 200 if organisation in ("mc", *readers) else 404
        status = service.client.get(path, as_=organisation).status_code
        if status != expected:
            wrong.append(f"{organisation} GET {path}: {status}, expected {expected}")
    return wrong


def listing(service, path, readers_by_id, **params):
    """Mismatches of a list read one item a page: each organisation sees exactly the
    ids it reads (of those in `readers_by_id`; other items are ignored)."""
    wrong = []
    for organisation in READERS:
        seen, cursor = [], None
        while True:
            page = ok(service.client.get(path, as_=organisation,
                                         params={**params, "limit": 1, "cursor": cursor}))
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        expected = sorted(id_ for id_, readers in readers_by_id.items()
                          if organisation in ("mc", *readers))
        shown = sorted(id_ for id_ in seen if id_ in readers_by_id)
        if shown != expected or len(seen) != len(set(seen)):
            wrong.append(f"{organisation} GET {path}: {shown}, expected {expected}")
    return wrong


def ledger_providers(support, meeting, organisation):
    ledger = ok(support.client.get("/ledger", params={"meeting_id": meeting},
                                   as_=organisation))
    table = support.client.get("/ledger.csv", params={"meeting_id": meeting},
                               as_=organisation).text
    return ({line["provider"] for line in ledger["lines"]},
            {row["provider"] for row in csv.DictReader(io.StringIO(table))})


@pytest.fixture
def cop2(services):
    return Cop2(services)


def test_support_and_travel_show_each_partner_its_own_work(cop2):
    support, travel, agreements = cop2.support, cop2.travel, cop2.agreements
    providers = {key: (key.split("-")[0],) for key in agreements}
    wrong = listing(support, "/agreements", {agreements[key]: readers
                                             for key, readers in providers.items()},
                    meeting_id=cop2.meeting)
    for key, readers in providers.items():
        wrong += single(support, f"/agreements/{agreements[key]}", readers)
        wrong += single(support, f"/agreements/{agreements[key]}/history", readers)
    requests = {cop2.requests[provider]: (provider,) for provider in ("brs", "chb")}
    wrong += listing(support, "/support-requests", requests, meeting_id=cop2.meeting)
    for request_id, readers in requests.items():
        wrong += single(support, f"/support-requests/{request_id}", readers)
    wrong += listing(support, "/settlements", {cop2.settlement: ("brs",)})

    cases = {cop2.cases["kenya"]: ("brs",), cop2.cases["brazil"]: ("brs", "chb")}
    wrong += listing(travel, "/travel-cases", cases, meeting_id=cop2.meeting)
    for case_id, readers in cases.items():
        wrong += single(travel, f"/travel-cases/{case_id}", readers)

    # (providers of the ledger's lines, of its CSV's money rows: brs's invoice only)
    for organisation, expected in {"mc": ({"brs", "chb"}, {"brs"}), "brs": ({"brs"}, {"brs"}),
                                   "chb": ({"chb"}, set()), "unon-dcs": (set(), set()),
                                   "law": (set(), set())}.items():
        shown = ledger_providers(support, cop2.meeting, organisation)
        if shown != expected:
            wrong.append(f"{organisation} GET /ledger and .csv: {shown}, expected {expected}")
    assert wrong == []


def test_documents_show_a_partner_what_it_holds_held_or_contributed_to(cop2):
    documents, docs = cop2.documents, cop2.docs
    readers = {docs["contributed"]: ("law",), docs["held"]: ("unon-dcs",),
               docs["drafted"]: (), docs["published"]: READERS}
    wrong = listing(documents, "/documents", readers, meeting_id=cop2.meeting)
    for document_id, allowed in readers.items():
        wrong += single(documents, f"/documents/{document_id}", allowed)
        wrong += single(documents, f"/documents/{document_id}/history", allowed)
    wrong += single(documents, f"/documents/{docs['drafted']}/files/en", ())
    assert wrong == []


def feed_subjects(notifications, organisation):
    subjects, cursor = set(), None
    while True:
        page = ok(notifications.client.get("/feed", as_=organisation,
                                           params={"limit": 7, "cursor": cursor}))
        subjects |= {entry["subject"]["id"] for entry in page["items"]}
        cursor = page["next_cursor"]
        if cursor is None:
            return subjects


def waiting_counts(notifications, organisation):
    overview = ok(notifications.client.get("/waiting", as_=organisation))["organisations"]
    return {row["owner"]: row["waiting"] for row in overview if row["waiting"]}


def test_the_feed_shows_a_partner_the_entries_about_its_own_work(cop2):
    notifications, agreements, docs = cop2.notifications, cop2.agreements, cop2.docs
    wait_for(lambda: cop2.settlement in feed_subjects(notifications, "mc"), timeout=30,
             message="the feed to catch up")
    wait_for(lambda: {docs["published"], cop2.germany} <= feed_subjects(notifications, "mc"),
             timeout=30, message="the documents and the check-in in the feed")
    expected = {
        "brs": {*(agreements[key] for key in agreements if key.startswith("brs")),
                cop2.requests["brs"], cop2.settlement, *cop2.cases.values()},
        "chb": {*(agreements[key] for key in agreements if key.startswith("chb")),
                cop2.requests["chb"], cop2.cases["brazil"], cop2.germany},
        "law": {docs["contributed"]},
        "unon-dcs": {docs["held"], docs["published"]},
    }
    everything = feed_subjects(notifications, "mc")
    wrong = [f"mc's feed lacks {sorted(set().union(*expected.values()) - everything)}"
             ] if not set().union(*expected.values()) <= everything else []
    for organisation, subjects in expected.items():
        shown = feed_subjects(notifications, organisation)
        if shown != subjects:
            wrong.append(f"{organisation} GET /feed: {sorted(shown - subjects)} too many, "
                         f"{sorted(subjects - shown)} missing")

    # What waits on whom, of what each reads: the draft law contributed to waits on mc,
    # the document unon-dcs holds on unon-dcs; nobody but mc sees chb's or brs's queue
    # unless it is party to the items in it.
    for organisation, counts in {"law": {"mc": 1}, "unon-dcs": {"unon-dcs": 1}}.items():
        if waiting_counts(notifications, organisation) != counts:
            wrong.append(f"{organisation} GET /waiting: "
                         f"{waiting_counts(notifications, organisation)}, expected {counts}")
    for organisation, items in {"mc": True, "chb": True, "brs": True, "law": False}.items():
        digest = ok(notifications.client.get("/digest", params={"owner": "chb"},
                                             as_=organisation))
        if bool(digest["items"]) != items:
            wrong.append(f"{organisation} GET /digest?owner=chb: {len(digest['items'])} items")
    assert wrong == []


def participant_ids(listing):
    """The ids of the people in a list of participants, however it groups them."""
    if isinstance(listing, dict):
        found = {listing["id"]} if "given_name" in listing and "id" in listing else set()
        return found.union(*(participant_ids(value) for value in listing.values()))
    if isinstance(listing, list):
        return set().union(*(participant_ids(value) for value in listing))
    return set()


def test_a_participant_is_read_by_who_nominated_books_or_registered_them_on_site(cop2):
    registration, meeting = cop2.registration, cop2.meeting
    # brs books Kenya's and Brazil's travel; Brazil's moved to chb (brs keeps reading)
    bookers = {cop2.kenya: ("brs",), cop2.brazil: ("brs", "chb")}
    wait_for(lambda: registration.client.get(f"/registrations/{cop2.brazil}/personal-data",
                                             as_="chb").status_code == 200,
             timeout=30, message="registration to hear that chb now books Brazil's travel")
    readers = {**bookers, cop2.germany: ("chb",)}
    wrong = listing(registration, f"/meetings/{meeting}/registrations", readers)
    for registration_id, allowed in readers.items():
        wrong += single(registration, f"/registrations/{registration_id}", allowed)
        wrong += single(registration, f"/registrations/{registration_id}/history", allowed)
    for registration_id, allowed in bookers.items():
        wrong += single(registration, f"/registrations/{registration_id}/personal-data",
                        allowed)
    # the desk that checked Germany's delegate in reads them, but not their passport
    germany_passport = registration.client.get(
        f"/registrations/{cop2.germany}/personal-data", as_="chb")
    if germany_passport.status_code != 403:
        wrong.append(f"chb GET Germany's personal data: {germany_passport.status_code}")
    wrong += single(registration, f"/registrations/{cop2.germany}/letters/confirmation",
                    ("chb",))
    for organisation in READERS:
        expected = {id_ for id_, allowed in readers.items() if organisation in ("mc", *allowed)}
        shown = participant_ids(ok(registration.client.get(
            f"/meetings/{meeting}/participants", as_=organisation)))
        table = registration.client.get(f"/meetings/{meeting}/participants",
                                        as_=organisation, headers={"Accept": "text/csv"})
        rows = len(list(csv.DictReader(io.StringIO(table.text))))
        if (shown, rows) != (expected, len(expected)):
            wrong.append(f"{organisation} GET participants: {shown} and {rows} CSV rows, "
                         f"expected {expected}")
    assert wrong == []


def test_side_events_are_read_by_their_organiser_and_observer_requests_by_mc(services):
    registration = services.start("registration")
    client = registration.client
    meeting = schedule_meeting(registration)["id"]

    def side_event(as_):
        return created(client.post(f"/meetings/{meeting}/side-events", as_=as_, json={
            "title": f"Asked by {as_}", "organiser": "Its organisers",
            "contact_email": "organisers@example.org",
            "preferred_starts_at": "2018-11-20T13:15:00+01:00",
            "preferred_ends_at": "2018-11-20T14:45:00+01:00"}))["id"]

    readers = {side_event("brs"): ("brs",), side_event("mc"): ()}  # mc's: an outside organiser
    brs_event = next(id_ for id_, allowed in readers.items() if allowed)
    ok(client.post(f"/side-events/{brs_event}/decide",
                   json={"decision": "accepted", "room": "Room XII"}))
    observer = created(client.post(f"/meetings/{meeting}/observer-requests", json={
        "organisation": "Zero Mercury Working Group", "kind": "ngo",
        "contact_email": "info@zeromercury.org"}))["id"]

    wrong = listing(registration, f"/meetings/{meeting}/side-events", readers)
    for side_event_id, allowed in readers.items():
        wrong += single(registration, f"/side-events/{side_event_id}", allowed)
    wrong += single(registration, f"/side-events/{brs_event}/information", ("brs",))
    wrong += listing(registration, f"/meetings/{meeting}/observer-requests", {observer: ()})
    wrong += single(registration, f"/observer-requests/{observer}", ())
    assert wrong == []
