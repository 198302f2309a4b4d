"""Envelopes of the events travel consumes, as registration and support publish them
(docs/events.md), and a tap on the events travel publishes, for travel's tests."""
import json
import uuid

from kombu import Connection, Queue

from coord import topology
from coord.envelope import Event

COP2_DATES = {"code": "COP-2", "title": "Second meeting of the Conference of the Parties",
              "kind": "cop", "city": "Geneva", "country": "CHE", "starts_on": "2018-11-19",
              "ends_on": "2018-11-23", "symbol_prefix": "UNEP/MC/COP.2"}

# One eligible country per region, and a second one so a region can have several cases.
COUNTRIES = {"africa": ("KEN", "NGA", "GHA", "SEN", "UGA", "ZAF"),
             "asia-pacific": ("IND", "THA", "VNM", "IDN", "PHL", "CHN"),
             "eastern-europe": ("MDA", "ARM", "GEO", "UKR", "ALB", "SRB"),
             "grulac": ("PER", "BRA", "COL", "ECU", "BOL", "MEX"),
             "weog": ("TUR", "ISR", "MLT", "CYP", "GRC", "PRT")}


def meeting_scheduled(meeting_id, **overrides):
    return Event("meeting_scheduled", "meeting", meeting_id, actor="mc", meeting_id=meeting_id,
                 data={**COP2_DATES, **overrides}).envelope("registration")


def registration_event(event_type, meeting_id, region="grulac", number=0, *, funded=True,
                       registration_id=None, status="confirmed"):
    country = COUNTRIES[region][number % len(COUNTRIES[region])]
    return Event(
        event_type, "registration", registration_id or str(uuid.uuid4()), actor="mc",
        meeting_id=meeting_id,
        data={"meeting_code": "COP-2", "given_name": "Ana", "family_name": f"Pérez {number}",
              "country": country, "region": region, "category": "party",
              "organisation": "Ministry of Environment", "status": status,
              "funding_requested": True, "funding_eligible": True, "funded": funded,
              "priority": False}).envelope("registration")


def confirmed(meeting_id, region="grulac", number=0, **kwargs):
    return registration_event("registration_confirmed", meeting_id, region, number, **kwargs)


def withdrawn(confirmation):
    """The withdrawal of the registration that `confirmation` confirmed."""
    return registration_event(
        "registration_withdrawn", confirmation["meeting_id"], confirmation["data"]["region"],
        registration_id=confirmation["subject"]["id"], status="withdrawn",
        funded=confirmation["data"]["funded"])


def agreement(meeting_id, provider, category, basis, regions=None, agreement_id=None):
    return Event("agreement_recorded", "agreement", agreement_id or str(uuid.uuid4()),
                 actor="mc", owner=provider, meeting_id=meeting_id,
                 data={"provider": provider, "category": category, "basis": basis,
                       "regions": regions}).envelope("support")


BRS_REGIONS = ["africa", "asia-pacific", "grulac"]
OTHER_REGIONS = ["eastern-europe", "weog"]


def cop2_agreements(meeting_id):
    """COP-2 as in the source: brs books travel and pays DSA (against reimbursement) for
    three regions; chb pays DSA on reciprocity for the other two (support refuses
    overlapping agreements for one kind of work); mc books the others' travel itself."""
    return [agreement(meeting_id, "brs", "travel", "reimbursement", BRS_REGIONS),
            agreement(meeting_id, "brs", "dsa_payment", "reimbursement", BRS_REGIONS),
            agreement(meeting_id, "chb", "dsa_payment", "reciprocity", OTHER_REGIONS)]


TICKET = {"carrier": "KLM", "ticket_number": "074-2345678901",
          "fare": {"amount": "1234.50", "currency": "USD"},
          "outbound_on": "2018-11-18", "return_on": "2018-11-24"}


class EventTap:
    """A queue of the test's own bound to a service's event exchange, as any partner may
    bind one (CONTRACT.md "Events"): what the service published, read from the broker."""

    def __init__(self, amqp_uri, source):
        self._connection = Connection(amqp_uri)
        channel = self._connection.channel()
        exchange = topology.event_exchange(source)
        exchange(channel).declare()
        self._queue = Queue(f"test-tap.{source}.{uuid.uuid4()}", exchange=exchange,
                            routing_key="#", exclusive=True, auto_delete=True)(channel)
        self._queue.declare()
        self._seen = []

    def events(self, event_type=None, meeting_id=None):
        """Every event received so far, in order, optionally of one type and meeting."""
        while (message := self._queue.get(no_ack=True)) is not None:
            self._seen.append(json.loads(message.body))
        return [e for e in self._seen if event_type in (None, e["type"])
                and meeting_id in (None, e["meeting_id"])]

    def close(self):
        self._connection.close()


def open_cases(services, meeting_id, regions):
    """Publish COP-2's schedule, agreements and one funded confirmation per region, as
    registration and support would: travel opens a case for each."""
    services.publish("registration", meeting_scheduled(meeting_id))
    for envelope in cop2_agreements(meeting_id):
        services.publish("support", envelope)
    for number, region in enumerate(regions):
        services.publish("registration", confirmed(meeting_id, region, number))
