"""Every event becomes one plain sentence a staff member understands, whatever its data."""
import pytest

from services.notifications.summaries import SENTENCES, summarise
from tests.notifications_support import EXTRA_SAMPLES, SAMPLE, SAMPLES

EVERY_SAMPLE = {sample.type: sample for sample in SAMPLES + EXTRA_SAMPLES}


def sentence(event_type, **changes):
    sample = EVERY_SAMPLE[event_type]
    envelope = sample.envelope()
    envelope.update(changes)
    return summarise(envelope)


def test_every_event_type_producers_emit_has_its_own_sentence():
    assert set(EVERY_SAMPLE) <= set(SENTENCES)


@pytest.mark.parametrize("event_type, expected", [
    ("ticket_issued",
     "BRS issued the ticket for Ana Pérez (Peru) to COP-2; DSA payment is now with CHB."),
    ("meeting_scheduled",
     "The secretariat scheduled COP-2 (Second meeting of the Conference of the Parties) in "
     "Geneva, Switzerland from 2018-11-19 to 2018-11-23."),
    ("invitation_issued",
     "The secretariat invited Peru to COP-2 (nominations due by 2018-09-24)."),
    ("registration_submitted",
     "Ana Pérez (Peru) was nominated for COP-2; the secretariat is to confirm or reject the "
     "registration."),
    ("registration_confirmed",
     "The secretariat confirmed Ana Pérez (Peru) for COP-2, with funded travel."),
    ("support_invoiced",
     "BRS invoiced USD 1,234.50 for IT equipment for the meeting (laptops for the "
     "secretariat's office, quantity 20); payment is now with the secretariat."),
    ("travel_case_rerouted",
     "The secretariat rerouted the travel case of Ana Pérez (Peru) for COP-2: travel now by "
     "the Montevideo regional centre (was BRS), DSA now by CHB; the Montevideo regional "
     "centre is to book the travel."),
    ("translation_completed",
     "UNON-DCS completed the Spanish translation of UNEP/MC/COP.2/11 (Report of the "
     "Implementation and Compliance Committee); all languages are in; publication is now "
     "with the secretariat."),
    ("document_late",
     "UNEP/MC/COP.2/11 (Report of the Implementation and Compliance Committee) for COP-2 is "
     "3 days past its due date of 2018-10-08; it is waiting on the secretariat."),
    ("credentials_reviewed",
     "The secretariat found the credentials of Ana Pérez (Peru) for the meeting (issued by "
     "Minister of Foreign Affairs) deficient: Not signed by the head of State or Government."),
    ("credentials_submitted",
     "The credentials of Ana Pérez (Peru) for COP-2 were submitted (issued by Minister of "
     "Foreign Affairs); the secretariat is to review them."),
    ("side_event_requested",
     "Zero Mercury Working Group asked to hold the side event “Mercury in artisanal gold "
     "mining” at COP-2; the secretariat is to decide."),
    ("dsa_entitlement_fixed",
     "The DSA of Ana Pérez (Peru) for COP-2 is now set at USD 1,500.00; DSA payment is with "
     "CHB."),
    ("agreement_recorded",
     "The secretariat recorded that BRS provides travel booking for the meeting against "
     "reimbursement for Africa, Asia-Pacific and Latin America and the Caribbean."),
])
def test_sentences_name_who_did_what_and_who_acts_next(event_type, expected):
    assert sentence(event_type) == expected


def test_a_meeting_known_only_by_its_id_is_named_by_the_code_it_was_scheduled_with():
    envelope = SAMPLE["support_requested"].envelope()
    assert "IT equipment for COP-2 " in summarise(envelope, meeting_code="COP-2")


def test_a_late_submission_names_its_own_deadline():
    envelope = SAMPLE["document_late"].envelope()
    envelope["data"] = {**envelope["data"], "deadline": "submission",
                        "submission_due_on": "2018-09-10", "days_late": 1}
    assert "is 1 day past its submission deadline of 2018-09-10;" in summarise(envelope)


def test_the_next_step_follows_the_events_owner():
    more = sentence("translation_completed", owner="unon-dcs")
    assert more.endswith("; more translations are due from UNON-DCS.")
    assert sentence("registration_confirmed", owner="chb").endswith("; now waiting on CHB.")
    assert ";" not in sentence("document_published")


def test_a_country_the_reference_data_does_not_know_is_shown_by_its_code():
    envelope = SAMPLE["registration_confirmed"].envelope()
    envelope["data"] = {**envelope["data"], "country": "XKX"}
    assert "Ana Pérez (XKX)" in summarise(envelope)


def test_an_unknown_event_type_still_gets_a_sentence():
    envelope = SAMPLE["registration_confirmed"].envelope()
    envelope.update(type="visa_letter_sent", owner="mc")
    assert summarise(envelope) == (
        "The secretariat recorded “visa letter sent” about a registration for COP-2; "
        "now waiting on the secretariat.")


ODD_VALUES = [None, "", [], {}, 0, True, ["en"], {"amount": "lots"}, "x" * 300]


@pytest.mark.parametrize("sample", EVERY_SAMPLE.values(), ids=lambda sample: sample.type)
def test_missing_or_odd_data_never_stops_a_sentence(sample):
    envelopes = [{**sample.envelope(), "data": {}}]
    for odd in ODD_VALUES:
        envelopes.append({**sample.envelope(), "data": {key: odd for key in sample.data}})
    for envelope in envelopes:
        text = summarise(envelope)
        assert text[0] == text[0].upper() and text.endswith("."), text
        assert "None" not in text and "[" not in text and "{" not in text, text


def test_the_next_step_is_what_the_producer_says_is_to_be_done():
    overdue = EVERY_SAMPLE["travel_case_overdue"].envelope()
    assert summarise(overdue).endswith("; BRS is to issue the ticket.")
    rate_missing = EVERY_SAMPLE["dsa_rate_missing"].envelope()
    rate_missing["owner"] = "brs"
    rate_missing["data"] = {**rate_missing["data"], "waiting": {
        "action": "issue the ticket", "due_on": None, "late": False}}
    assert summarise(rate_missing).endswith("; BRS is to issue the ticket.")


def test_a_correction_says_what_changed_and_only_names_a_hidden_value():
    moved = summarise(EVERY_SAMPLE["meeting_updated"].envelope())
    assert moved == "The secretariat corrected COP-2: starts on 2018-11-19 → 2018-11-26."
    email = summarise(EVERY_SAMPLE["registration_updated"].envelope())
    assert email.endswith(": email.") and "@" not in email
