"""Read your own writes across services: a meeting just scheduled in registration is
accepted at once by support and documents, which ask registration (RPC) when its
`meeting_scheduled` event has not reached them yet, and still take that event later."""
from services.support.service import SupportService
from tests.documents_support import working_document
from tests.support import schedule_meeting, wait_for
from tests.support_support import created, error_code


class DeafSupport(SupportService):
    """Support that never hears registration's events: only RPC can tell it a meeting."""

    def on_registration_event(self, envelope):
        raise AssertionError("not subscribed")


def agreement_body(meeting_id, provider="brs"):
    return {"meeting_id": meeting_id, "provider": provider, "category": "it_equipment",
            "basis": "reimbursement"}


def test_a_meeting_scheduled_just_now_is_accepted_at_once_50_times_out_of_50(services):
    registration = services.start("registration")
    support = services.start("support")
    documents = services.start("documents")
    refused = []
    for number in range(50):
        meeting = schedule_meeting(registration, code=f"RYW-{number}",
                                   symbol_prefix=f"UNEP/MC/RYW.{number}")
        agreement = support.client.post("/agreements", json=agreement_body(meeting["id"]))
        document = documents.client.post("/documents", json=working_document(meeting["id"]))
        refused += [r.text for r in (agreement, document) if r.status_code != 201]
    assert refused == []

    # The events still arrive after the RPC answers, and change nothing: one meeting each.
    last = meeting["id"]
    wait_for(lambda: documents.client.get(
        "/documents", params={"meeting_id": last}).json()["items"], message="documents")
    listed = documents.client.get("/documents", params={"meeting_id": last}).json()["items"]
    assert [d["symbol"] for d in listed] == ["UNEP/MC/RYW.49/1"]
    corrected = registration.client.request(
        "PATCH", f"/meetings/{last}", json={"starts_on": "2018-12-03", "ends_on": "2018-12-07"})
    assert corrected.status_code == 200, corrected.text
    wait_for(lambda: documents.client.get(f"/documents/{listed[0]['id']}").json()["due_on"]
             == "2018-10-22", message="the corrected meeting to move the deadline")


def test_registration_answers_for_a_meeting_whose_event_never_arrives(services):
    registration = services.start("registration")
    support = services.start("support", service_cls=DeafSupport)
    meeting = schedule_meeting(registration)
    created(support.client.post("/agreements", json=agreement_body(meeting["id"])))
    created(support.client.post("/agreements", json=agreement_body(meeting["id"], "chb") | {
        "category": "technical", "basis": "reciprocity"}))

    refused = support.client.post("/agreements", json=agreement_body(
        "00000000-0000-4000-8000-000000000000"))
    assert error_code(refused, 400) == "unknown_meeting"


def test_registration_down_is_the_same_unknown_meeting_never_a_500(services):
    registration = services.start("registration")
    support = services.start("support", service_cls=DeafSupport,
                             REGISTRATION_RPC_TIMEOUT=1)
    documents = services.start("documents", REGISTRATION_RPC_TIMEOUT=1)
    meeting = schedule_meeting(registration)
    registration.stop()  # its RPC queue stays; nobody answers

    refused = support.client.post("/agreements", json=agreement_body(meeting["id"]))
    assert error_code(refused, 400) == "unknown_meeting"
    refused = documents.client.post("/documents", json=working_document("no-such-meeting"))
    assert error_code(refused, 409) == "unknown_meeting"
