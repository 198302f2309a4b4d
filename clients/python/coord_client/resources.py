"""The resources the services return, as dicts you can also read by attribute.

`case.status` and `case["status"]` are the same; the class tells what a value is
(`isinstance(item, TravelCase)`), and a resource is still plain JSON for `json.dumps`.
Fields are the ones each service's `/openapi.json` documents.
"""


class Resource(dict):
    """A JSON object from a service; nested objects stay plain dicts and lists."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__} has no field {name!r}") from None

    def __repr__(self):
        shown = {key: self[key] for key in ("id", "code", "symbol", "status") if key in self}
        return f"{type(self).__name__}({shown})"


def _kind(name, doc):
    return type(name, (Resource,), {"__doc__": doc})


Meeting = _kind("Meeting", "A meeting (registration).")
Registration = _kind("Registration", "A participant's registration for a meeting.")
RegistrationBatch = _kind("RegistrationBatch", "The registrations a delegation CSV created.")
ParticipantList = _kind("ParticipantList", "A meeting's participants by category and country.")
Credentials = _kind("Credentials", "A Party representative's credentials.")
CredentialsReport = _kind("CredentialsReport", "The credentials committee's report.")
ObserverRequest = _kind("ObserverRequest", "A request for admission as observer.")
SideEvent = _kind("SideEvent", "A request to hold a side event.")
Invitation = _kind("Invitation", "A letter inviting a Party or an observer to a meeting.")
InvitationBatch = _kind("InvitationBatch", "The invitations one request named.")
FocalPointAddress = _kind("FocalPointAddress", "An address for a Party focal point's mail.")
NominationLetter = _kind("NominationLetter", "A Party's nomination letter, as uploaded.")
Organisation = _kind("Organisation", "A Party focal point, observer organisation or partner.")
IssuedToken = _kind("IssuedToken", "A token just issued: its only showing (`token`).")
Token = _kind("Token", "One of an organisation's tokens: made, last used, revoked.")
StreamTicket = _kind("StreamTicket", "A one-minute ticket for /feed/stream, .atom, .txt.")
DsaRate = _kind("DsaRate", "A daily subsistence allowance rate for a duty station.")
TravelCase = _kind("TravelCase", "A funded participant's travel and DSA.")
Document = _kind("Document", "A meeting document with its symbol and languages.")
Contribution = _kind("Contribution", "A partner's contribution to a document.")
DocumentFile = _kind("DocumentFile", "One language version's file of a document.")
FeedEntry = _kind("FeedEntry", "One event as the staff feed shows it.")
WaitingOverview = _kind("WaitingOverview", "How much waits on each organisation.")
Digest = _kind("Digest", "What waits on one organisation.")
Webhook = _kind("Webhook", "A partner's webhook subscription.")
WebhookDelivery = _kind("WebhookDelivery", "One delivery of an event to a webhook.")
Agreement = _kind("Agreement", "A support agreement between a provider and the organiser.")
SupportRequest = _kind("SupportRequest", "One item of support, requested of a provider.")
Ledger = _kind("Ledger", "What each partner does for a meeting, and what is owed.")
Health = _kind("Health", "Whether a service reaches its database and broker.")
Correction = _kind("Correction", "One correction of a record: who, when, each field before "
                   "and after.")
Settlement = _kind("Settlement", "A payment by the organiser of what it owes a provider.")
Mail = _kind("Mail", "A mail in a service's outbox, with its status.")
DigestAddress = _kind("DigestAddress", "An address an organisation gave for its digest.")
PersonalData = _kind("PersonalData", "A participant's visa data (passport, birth date).")
PublicMeeting = _kind("PublicMeeting", "A meeting as anyone may read it.")
PublicDocument = _kind("PublicDocument", "A published document as anyone may read it.")
