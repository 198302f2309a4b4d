"""`make demo`: the COP-2 story of the source document, played through the client.

Against a running system (`make run`): the 2018 calendar; COP-2's support agreements
(chb on reciprocity for DSA payment and on-site registration; brs against reimbursement
for the travel of three regions, their DSA, on-site registration and IT equipment;
unon-dcs for document processing); 300 nominations from every region; confirmations;
tickets and DSA payments by the organisations that owe them; an IT equipment loan; a
withdrawal; and COP-2's documents moving through editing and translation. Each
organisation acts with its own token (the development tokens `make run` wrote).

Every step looks before it acts, so a second run adds nothing.
"""
import csv
import hashlib
import io
import os
import sys
import time
from pathlib import Path

import yaml

from coord_client import ApiError, Coord, CoordClientError

DATA = Path(__file__).resolve().parents[1] / "services" / "registration" / "data"
MEETING = "COP-2"
BRS_REGIONS = ["africa", "asia-pacific", "grulac"]
OTHER_REGIONS = ["eastern-europe", "weog"]
AGREEMENTS = [
    ("brs", "travel", "reimbursement", BRS_REGIONS),
    ("brs", "dsa_payment", "reimbursement", BRS_REGIONS),
    ("chb", "dsa_payment", "reciprocity", OTHER_REGIONS),
    ("chb", "onsite_registration", "reciprocity", None),
    ("brs", "it_equipment", "reimbursement", None),
    ("unon-dcs", "document_processing", "reimbursement", None),
]
GENEVA_DSA = {"daily": {"amount": "412.00", "currency": "CHF"}, "valid_from": "2018-01-01"}
LOAN = {"provider": "brs", "category": "it_equipment", "quantity": 20,
        "description": "Laptops and printers for the secretariat's office at COP-2"}
LOAN_INVOICE = {"amount": "3800.00", "currency": "USD"}
# (symbol's kind, title, agenda item, how far it gets: a document status)
DOCUMENTS = [
    ("working", "Provisional agenda", "2", "published"),
    ("working", "Report of the Implementation and Compliance Committee on its first "
                "meeting", "5 (e)", "published"),
    ("working", "Arrangements for the provision of the secretariat", "5 (g)", "translated"),
    ("working", "Framework for the effectiveness evaluation", "5 (c)", "edited"),
    ("working", "Financial resources and mechanism", "5 (a)", "submitted"),
    ("information", "Activities of the secretariat in the intersessional period", "6",
     "drafting"),
]
STAGES = ["drafting", "submitted", "edited", "translated", "published"]
TRANSLATIONS = ["fr", "es", "ar", "zh", "ru"]
EMAIL_DOMAIN = "delegations.example.org"
# Refusals that only mean a service has not yet heard that the meeting was scheduled.
NOT_YET_KNOWN = {"unknown_meeting", "meeting_unknown"}


def say(message):
    print(message, flush=True)


def sample(key, one_in):
    """A stable choice: the same registrations or cases are picked on every run."""
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % one_in == 0


class Story:
    def __init__(self, client_for, nominations=300, wait_seconds=60):
        self.client_for = client_for
        self.mc = client_for("mc")
        self.nominations = nominations
        self.wait_seconds = wait_seconds

    def play(self):
        self.wait_until_up()
        meeting = self.calendar()
        self.dsa_rate()
        self.agreements(meeting)
        self.nominate(meeting)
        funded = self.confirm(meeting)
        cases = self.wait_for_cases(meeting, funded)
        self.travel(cases)
        self.withdraw_one(meeting)
        self.equipment_loan(meeting)
        self.documents(meeting)
        say(f"COP-2 is on the staff page: http://{os.environ.get('COORD_HOST') or 'localhost'}"
            f":{os.environ.get('NOTIFICATIONS_PORT') or 8004}/")

    def wait_until_up(self):
        """Give services that are still starting (a fresh `make run`) time to come up."""
        deadline = time.monotonic() + self.wait_seconds
        for name, service in self.mc.services().items():
            while True:
                try:
                    service.health()
                    break
                except CoordClientError:
                    if time.monotonic() > deadline:
                        raise
                    say(f"waiting for {name} at {service.base_url} ...")
                    time.sleep(2)

    def once_known(self, call, *args, **kwargs):
        """`call`, again after a pause while its service has not yet heard of the meeting
        (the meeting_scheduled event is on its way)."""
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                return call(*args, **kwargs)
            except ApiError as exc:
                if exc.code not in NOT_YET_KNOWN or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def calendar(self):
        existing = {meeting.code: meeting for meeting in self.mc.registration.list_meetings(
            limit=500)}
        added = 0
        for entry in yaml.safe_load((DATA / "meetings.yaml").read_text(encoding="utf-8")):
            if entry["code"] not in existing:
                body = {key: str(value) for key, value in entry.items()}
                existing[entry["code"]] = self.mc.registration.schedule_meeting(**body)
                added += 1
        say(f"calendar: {added} meeting(s) scheduled, {len(existing)} in all")
        return existing[MEETING]

    def dsa_rate(self):
        self.mc.travel.set_dsa_rate("Geneva", **GENEVA_DSA)

    def agreements(self, meeting):
        recorded = {(a.provider, a.category)
                    for a in self.mc.support.list_agreements(meeting_id=meeting.id)}
        added = 0
        for provider, category, basis, regions in AGREEMENTS:
            if (provider, category) not in recorded:
                self.once_known(self.mc.support.record_agreement, meeting_id=meeting.id,
                                provider=provider, category=category, basis=basis,
                                regions=regions)
                added += 1
        say(f"agreements: {added} recorded")

    def registrations(self, meeting):
        return list(self.mc.registration.list_registrations(meeting.id, limit=500))

    def nominate(self, meeting):
        """One delegation CSV for the whole meeting (all or nothing), if none is in."""
        known = {r.email for r in self.registrations(meeting)}
        rows = [row for row in nominees(self.nominations) if row["email"] not in known]
        if rows:
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
            self.mc.registration.register_delegation(
                meeting.id, data=out.getvalue().encode("utf-8"), content_type="text/csv")
        say(f"nominations: {len(rows)} added")

    def confirm(self, meeting):
        """Confirm most nominees, reject a few, leave some waiting on the secretariat;
        fund the first eligible nominee of each country that asked for funding."""
        registrations = sorted(self.registrations(meeting), key=lambda r: r.email)
        funded_countries = {r.country for r in registrations if r.funded}
        confirmed = rejected = 0
        for registration in registrations:
            if registration.status != "nominated" or sample(registration.email + "wait", 10):
                continue
            if sample(registration.email + "reject", 25):
                self.mc.registration.reject(registration.id)
                rejected += 1
                continue
            fund = (registration.funding_eligible and registration.funding_requested
                    and registration.country not in funded_countries)
            self.mc.registration.confirm(registration.id, funded=bool(fund))
            funded_countries.update([registration.country] if fund else [])
            confirmed += 1
        say(f"registrations: {confirmed} confirmed, {rejected} rejected")
        return sum(1 for r in self.registrations(meeting)
                   if r.funded and r.status in ("confirmed", "checked_in", "withdrawn"))

    def wait_for_cases(self, meeting, funded):
        deadline = time.monotonic() + self.wait_seconds
        while True:
            cases = list(self.mc.travel.list_cases(meeting_id=meeting.id, limit=500))
            if len(cases) >= funded or time.monotonic() > deadline:
                say(f"travel: {len(cases)} case(s) opened for {funded} funded participant(s)")
                return cases
            time.sleep(0.5)

    def travel(self, cases):
        """Tickets by each case's travel owner for two in three cases; DSA paid on site
        by its owner for half of the ticketed ones."""
        tickets = payments = 0
        for case in cases:
            if case.status == "open" and not sample(case.registration_id + "ticket", 3):
                self.once_known(
                    self.client_for(case.travel_owner).travel.issue_ticket,
                    case.id, carrier="Swiss", ticket_number=f"724-{case.id[:8]}",
                    fare={"amount": "1180.00", "currency": "USD"},
                    outbound_on="2018-11-18", return_on="2018-11-24")
                case = self.mc.travel.get_case(case.id)
                tickets += 1
            if (case.status == "ticketed" and case.entitlement
                    and sample(case.registration_id + "dsa", 2)):
                self.client_for(case.dsa_owner).travel.pay_dsa(
                    case.id, amount=case.entitlement, paid_on="2018-11-19")
                payments += 1
        say(f"travel: {tickets} ticket(s) issued, {payments} DSA payment(s)")

    def withdraw_one(self, meeting):
        """A ticketed participant withdraws; the ticket's refund is recorded where the
        travel service takes refunds."""
        if any(r.status == "withdrawn" for r in self.registrations(meeting)):
            return
        ticketed = sorted((c for c in self.mc.travel.list_cases(meeting_id=meeting.id,
                                                                 limit=500)
                           if c.status in ("ticketed", "dsa_paid")),
                          key=lambda c: c.registration_id)
        if not ticketed:
            return
        case = ticketed[0]
        self.mc.registration.withdraw(case.registration_id)
        self._refund(self.client_for(case.travel_owner).travel, case)
        say(f"withdrawal: {case.given_name} {case.family_name} ({case.country})")

    def _refund(self, travel, case):
        deadline = time.monotonic() + self.wait_seconds
        while self.mc.travel.get_case(case.id).status != "cancelled":
            if time.monotonic() > deadline:
                return
            time.sleep(0.5)
        travel.record_refund(case.id, amount={"amount": "900.00", "currency": "USD"},
                      received_on="2018-11-30")

    def equipment_loan(self, meeting):
        existing = [r for r in self.mc.support.list_support_requests(
            meeting_id=meeting.id, provider="brs", category="it_equipment")
            if r.description == LOAN["description"]]
        if existing:
            return
        brs = self.client_for("brs").support
        loan = self.mc.support.request_support(meeting_id=meeting.id, **LOAN)
        brs.accept(loan.id)
        brs.deliver(loan.id)
        brs.invoice(loan.id, amount=LOAN_INVOICE)
        say("support: brs lent 20 laptops and printers, and invoiced them")

    def documents(self, meeting):
        existing = {d.title: d for d in self.mc.documents.list_documents(
            meeting_id=meeting.id, limit=500)}
        moved = 0
        for kind, title, agenda_item, target in DOCUMENTS:
            document = existing.get(title) or self.once_known(
                self.mc.documents.register_document, meeting_id=meeting.id, kind=kind,
                title=title, agenda_item=agenda_item)
            moved += self._advance(document, target)
        say(f"documents: {moved} step(s) taken")

    def _advance(self, document, target):
        mc, dcs = self.mc.documents, self.client_for("unon-dcs").documents
        steps = 0
        if document.status == "drafting" and sample(document.title, 2) and target != "drafting":
            self.client_for("brs").documents.contribute(
                document.id, note="Input from the BRS secretariat on shared services.")
        while STAGES.index(document.status) < STAGES.index(target):
            if document.status == "drafting":
                document = mc.submit(document.id)
            elif document.status == "submitted":
                document = dcs.mark_edited(document.id)
            elif document.status == "edited":
                for lang in TRANSLATIONS:
                    document = dcs.translate(document.id, lang)
            else:
                document = mc.publish(document.id)
            steps += 1
        return steps


def nominees(count):
    """`count` nominations spread over every region: Parties' delegates (the first of a
    funding-eligible country asks for funding) and some observers."""
    with open(DATA / "countries.csv", encoding="utf-8") as handle:
        countries = list(csv.DictReader(handle))
    given = ["Amina", "Carlos", "Mei", "Olga", "Jean", "Fatima", "Kofi", "Ana", "Ravi",
             "Elena", "Tomás", "Aiko", "Samir", "Ingrid", "Lucía", "Nikolai"]
    rows = []
    for number in range(count):
        country = countries[(number * 7) % len(countries)]
        first_of_country = number < len(countries)
        observer = number % 15 == 14
        rows.append({
            "given_name": given[number % len(given)],
            "family_name": f"Delegate {number + 1:03d}",
            "email": f"delegate{number + 1:03d}@{EMAIL_DOMAIN}",
            "country": country["alpha3"],
            "category": "ngo" if observer else "party",
            "organisation": ("Civil society network" if observer
                             else f"Ministry of Environment of {country['name']}"),
            "funding_requested": "true" if first_of_country and not observer else "false",
            "visa_letter_requested": "true" if number % 4 == 0 else "false",
        })
    return rows


def main():
    plain = os.environ.get("COORD_TOKENS_PLAIN") or os.path.join(
        os.environ.get("COORD_VAR_DIR") or "var", "tokens.plain.yaml")
    if os.path.exists(plain):
        def client_for(organisation):
            return Coord.from_environment(organisation=organisation)
    else:  # one token given (COORD_TOKEN): the organiser's, which may do everything
        def client_for(_organisation):
            return Coord.from_environment()
    clients = {}
    try:
        Story(lambda org: clients.setdefault(org, client_for(org)),
              nominations=int(os.environ.get("DEMO_NOMINATIONS", 300))).play()
    except CoordClientError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
