"""One sample event of every type in docs/events.md, as its producer would publish it,
for the notifications tests (unit and integration)."""
import uuid
from dataclasses import dataclass

from coord.envelope import Event

MEETING_ID = "6f1c1f3e-1d5b-4c4e-9a43-3f3a1c2b0001"

REGISTRATION = {
    "meeting_code": "COP-2", "given_name": "Ana", "family_name": "Pérez", "country": "PER",
    "region": "grulac", "category": "party", "organisation": "Ministry of Environment",
    "status": "confirmed", "funding_requested": True, "funding_eligible": True,
    "funded": True, "priority": False,
}
CASE = {
    **REGISTRATION, "registration_id": "r-1", "travel_owner": "brs", "dsa_owner": "chb",
    "travel_basis": "reimbursement", "dsa_basis": "reciprocity", "travel_agreement_id": "a-1",
    "dsa_agreement_id": "a-2", "entitlement": {"amount": "1500.00", "currency": "USD"},
    "status": "open",
}
DOCUMENT = {
    "symbol": "UNEP/MC/COP.2/11", "title": "Report of the Implementation and Compliance "
    "Committee", "kind": "working", "agenda_item": "5", "due_on": "2018-10-08",
    "status": "drafting", "languages": ["en"], "meeting_code": "COP-2",
}
SUPPORT = {
    "provider": "brs", "category": "it_equipment", "basis": "reimbursement",
    "description": "laptops for the secretariat's office", "quantity": 20, "status": "requested",
}
USD = {"amount": "1234.50", "currency": "USD"}


@dataclass(frozen=True)
class Sample:
    source: str
    type: str
    subject_kind: str
    actor: str
    owner: str | None
    data: dict

    def envelope(self, subject_id=None, **kwargs):
        return Event(self.type, self.subject_kind, subject_id or str(uuid.uuid4()),
                     actor=self.actor, owner=self.owner, meeting_id=MEETING_ID,
                     data=self.data).envelope(self.source, **kwargs)


SAMPLES = [
    Sample("registration", "meeting_scheduled", "meeting", "mc", None, {
        "code": "COP-2", "title": "Second meeting of the Conference of the Parties",
        "kind": "cop", "city": "Geneva", "country": "CHE", "starts_on": "2018-11-19",
        "ends_on": "2018-11-23", "symbol_prefix": "UNEP/MC/COP.2"}),
    Sample("registration", "registration_submitted", "registration", "mc", "mc",
           {**REGISTRATION, "status": "nominated"}),
    Sample("registration", "registration_confirmed", "registration", "mc", None, REGISTRATION),
    Sample("registration", "registration_rejected", "registration", "mc", None, REGISTRATION),
    Sample("registration", "registration_withdrawn", "registration", "mc", None, REGISTRATION),
    Sample("registration", "participant_checked_in", "registration", "chb", None, REGISTRATION),
    Sample("registration", "credentials_reviewed", "credentials", "mc", None, {
        "registration_id": "r-1", "country": "PER", "issued_by": "Minister of Foreign Affairs",
        "decision": "deficient", "reason": "Not signed by the head of State or Government",
        "given_name": "Ana", "family_name": "Pérez"}),
    Sample("registration", "observer_request_decided", "observer_request", "mc", None, {
        "organisation": "Zero Mercury Working Group", "decision": "admitted", "reason": None}),
    Sample("registration", "side_event_decided", "side_event", "mc", "brs", {
        "title": "Mercury in artisanal gold mining", "organiser": "brs",
        "decision": "accepted", "room": "Room XII", "starts_at": "2018-11-20T13:15:00+00:00",
        "ends_at": "2018-11-20T14:45:00+00:00"}),
    Sample("support", "agreement_recorded", "agreement", "mc", "brs", {
        "provider": "brs", "category": "travel", "basis": "reimbursement",
        "regions": ["africa", "asia-pacific", "grulac"]}),
    Sample("support", "support_requested", "support_request", "mc", "brs", SUPPORT),
    Sample("support", "support_accepted", "support_request", "brs", "brs",
           {**SUPPORT, "status": "accepted"}),
    Sample("support", "support_declined", "support_request", "brs", None,
           {**SUPPORT, "status": "declined", "reason": "No laptops left in stock."}),
    Sample("support", "support_delivered", "support_request", "brs", "brs",
           {**SUPPORT, "status": "delivered"}),
    Sample("support", "support_invoiced", "support_request", "brs", "mc",
           {**SUPPORT, "status": "invoiced", "amount": USD}),
    Sample("support", "support_settled", "support_request", "mc", None,
           {**SUPPORT, "status": "settled", "amount": USD}),
    Sample("travel", "travel_case_opened", "travel_case", "mc", "brs", CASE),
    Sample("travel", "travel_case_rerouted", "travel_case", "mc", "rc-montevideo", {
        **CASE, "travel_owner": "rc-montevideo", "previous_travel_owner": "brs",
        "previous_dsa_owner": "chb"}),
    Sample("travel", "dsa_rate_missing", "travel_case", "mc", "mc", {**CASE, "city": "Geneva"}),
    Sample("travel", "ticket_issued", "travel_case", "brs", "chb", {
        **CASE, "status": "ticketed", "carrier": "Kenya Airways", "ticket_number": "706-1",
        "fare": {"amount": "900.00", "currency": "USD"}, "outbound_on": "2018-11-17",
        "return_on": "2018-11-24"}),
    Sample("travel", "dsa_paid", "travel_case", "chb", None, {
        **CASE, "status": "dsa_paid", "amount": {"amount": "1500.00", "currency": "USD"},
        "paid_on": "2018-11-19", "reason": None}),
    Sample("travel", "travel_case_cancelled", "travel_case", "mc", "brs",
           {**CASE, "status": "cancelled", "refund_due": True}),
    Sample("documents", "document_registered", "document", "mc", "mc", DOCUMENT),
    Sample("documents", "contribution_recorded", "document", "brs", "mc",
           {**DOCUMENT, "contributor": "brs", "note": "Annex on trade in mercury"}),
    Sample("documents", "document_submitted", "document", "mc", "unon-dcs",
           {**DOCUMENT, "status": "submitted"}),
    Sample("documents", "document_edited", "document", "unon-dcs", "unon-dcs",
           {**DOCUMENT, "status": "edited"}),
    Sample("documents", "translation_completed", "document", "unon-dcs", "mc",
           {**DOCUMENT, "status": "translated", "language": "es",
            "languages": ["en", "fr", "es"]}),
    Sample("documents", "document_published", "document", "mc", None,
           {**DOCUMENT, "status": "published", "languages": ["en", "fr", "es"]}),
    Sample("documents", "document_late", "document", "mc", "mc",
           {**DOCUMENT, "days_late": 3, "deadline": "due"}),
]

SAMPLE = {sample.type: sample for sample in SAMPLES}

# Types producers emit beyond docs/events.md's list; they get their own sentences too.
EXTRA_SAMPLES = [
    Sample("registration", "credentials_submitted", "credentials", "mc", "mc", {
        "meeting_code": "COP-2", "registration_id": "r-1", "given_name": "Ana",
        "family_name": "Pérez", "country": "PER", "issued_by": "Minister of Foreign Affairs",
        "decision": None, "status": "submitted", "reason": None}),
    Sample("registration", "observer_request_submitted", "observer_request", "mc", "mc", {
        "meeting_code": "COP-2", "organisation": "Zero Mercury Working Group", "kind": "ngo",
        "decision": None, "status": "pending", "reason": None}),
    Sample("registration", "side_event_requested", "side_event", "mc", "mc", {
        "meeting_code": "COP-2", "title": "Mercury in artisanal gold mining",
        "organiser": "Zero Mercury Working Group", "organiser_code": None,
        "decision": None, "status": "requested"}),
    Sample("registration", "invitation_issued", "invitation", "mc", None, {
        "meeting_code": "COP-2", "addressee": "party-PER", "kind": "party", "country": "PER",
        "organisation": "Peru", "language": "es", "funding_eligible": True,
        "nominations_due": "2018-09-24", "status": "issued", "waiting": None}),
    Sample("travel", "dsa_entitlement_fixed", "travel_case", "mc", "chb", CASE),
    # Closing work: every wait has an action that clears it.
    Sample("travel", "refund_recorded", "travel_case", "brs", None, {
        **CASE, "status": "cancelled", "amount": {"amount": "900.00", "currency": "USD"},
        "received_on": "2018-12-01", "waiting": None}),
    Sample("travel", "travel_case_overdue", "travel_case", "mc", "brs", {
        **CASE, "ticket_due_on": "2018-11-05", "waiting": {
            "action": "issue the ticket", "due_on": "2018-11-05", "late": True}}),
    Sample("travel", "travel_case_updated", "travel_case", "mc", "chb", CASE),
    Sample("support", "agreement_acknowledged", "agreement", "brs", None, {
        "meeting_code": "COP-2", "provider": "brs", "category": "travel",
        "basis": "reimbursement", "regions": None, "status": "acknowledged"}),
    Sample("support", "agreement_declined", "agreement", "chb", None, {
        "meeting_code": "COP-2", "provider": "chb", "category": "dsa_payment",
        "basis": "reciprocity", "regions": None, "status": "declined",
        "reason": "No staff on site."}),
    Sample("support", "settlement_recorded", "settlement", "mc", None, {
        "meeting_code": "COP-2", "provider": "brs", "reference": "TR-2018-114",
        "amount": {"amount": "5200.50", "currency": "USD"}, "waiting": None}),
    Sample("registration", "meeting_updated", "meeting", "mc", None, {
        "code": "COP-2", "title": "Second meeting of the Conference of the Parties",
        "changes": {"starts_on": {"before": "2018-11-19", "after": "2018-11-26"}}}),
    Sample("registration", "registration_updated", "registration", "mc", None, {
        **REGISTRATION, "changes": {"email": {"before": None, "after": None}}}),
    Sample("support", "agreement_updated", "agreement", "mc", None, {
        "meeting_code": "COP-2", "provider": "brs", "category": "travel",
        "basis": "reimbursement", "regions": ["grulac"],
        "changes": {"regions": {"before": None, "after": ["grulac"]}}}),
    Sample("documents", "document_updated", "document", "mc", "mc", {
        "meeting_code": "COP-2", "symbol": "UNEP/MC/COP.2/1", "title": "Provisional agenda",
        "changes": {"due_on": {"before": "2018-10-08", "after": "2018-10-15"}}}),
    Sample("registration", "side_event_held", "side_event", "brs", None, {
        "meeting_code": "COP-2", "title": "Mercury in artisanal gold mining",
        "status": "held"}),
    Sample("registration", "side_event_cancelled", "side_event", "brs", None, {
        "meeting_code": "COP-2", "title": "Mercury in artisanal gold mining",
        "status": "cancelled"}),
]
