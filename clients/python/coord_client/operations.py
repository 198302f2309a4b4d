"""Every operation of every service, in one table: the client's methods are made from it.

The key of each entry is the operation's `operationId` in the service's `/openapi.json`
(the service method's name), so a new endpoint needs one line here, and
`tests/integration/test_client.py` fails until it has it.

`returns`: a resources class for a JSON object, `Page` of one for a list, `str` for
text (CSV, Atom, HTML), `bytes` for files (PDF), `Stream` for server-sent events.
`upload`: the body is raw bytes (CSV, PDF...) rather than JSON.
"""
from dataclasses import dataclass

from coord_client import resources as r


@dataclass(frozen=True)
class Page:
    """A list answer: `{"items": [...], "next_cursor": ...}` of `item` resources."""

    item: type


class Stream:
    """Server-sent events: an endless iterator of feed entries."""


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    returns: object = dict
    upload: bool = False

    @property
    def idempotent(self):
        """Safe to send again after a 503 or a lost connection."""
        return self.method in ("GET", "HEAD", "PUT", "DELETE")


def op(method, path, returns=dict, upload=False):
    return Operation(method, path, returns, upload)


# What every service serves besides its own API.
COMMON = {
    "health": op("GET", "/health", r.Health),
    "openapi_json": op("GET", "/openapi.json"),
    "metrics": op("GET", "/metrics", str),
    "docs": op("GET", "/docs", str),
    "docs_file": op("GET", "/docs/{name}", str),
}

OPERATIONS = {
    "registration": {
        "schedule_meeting": op("POST", "/meetings", r.Meeting),
        "list_meetings": op("GET", "/meetings", Page(r.Meeting)),
        "get_meeting": op("GET", "/meetings/{meeting_id}", r.Meeting),
        "register": op("POST", "/meetings/{meeting_id}/registrations", r.Registration),
        "register_delegation": op("POST", "/meetings/{meeting_id}/registrations.csv",
                                  r.RegistrationBatch, upload=True),
        "list_registrations": op("GET", "/meetings/{meeting_id}/registrations",
                                 Page(r.Registration)),
        "get_registration": op("GET", "/registrations/{registration_id}", r.Registration),
        "confirm": op("POST", "/registrations/{registration_id}/confirm", r.Registration),
        "reject": op("POST", "/registrations/{registration_id}/reject", r.Registration),
        "withdraw": op("POST", "/registrations/{registration_id}/withdraw", r.Registration),
        "check_in": op("POST", "/registrations/{registration_id}/check-in", r.Registration),
        "letter": op("GET", "/registrations/{registration_id}/letters/{kind}", bytes),
        "participants": op("GET", "/meetings/{meeting_id}/participants", r.ParticipantList),
        "submit_credentials": op("POST", "/registrations/{registration_id}/credentials",
                                 r.Credentials),
        "get_credentials": op("GET", "/credentials/{credentials_id}", r.Credentials),
        "review_credentials": op("POST", "/credentials/{credentials_id}/review",
                                 r.Credentials),
        "list_credentials": op("GET", "/meetings/{meeting_id}/credentials",
                               Page(r.Credentials)),
        "credentials_report": op("GET", "/meetings/{meeting_id}/credentials-report",
                                 r.CredentialsReport),
        "request_observer_status": op("POST", "/meetings/{meeting_id}/observer-requests",
                                      r.ObserverRequest),
        "get_observer_request": op("GET", "/observer-requests/{request_id}",
                                   r.ObserverRequest),
        "decide_observer_request": op("POST", "/observer-requests/{request_id}/decide",
                                      r.ObserverRequest),
        "list_observer_requests": op("GET", "/meetings/{meeting_id}/observer-requests",
                                     Page(r.ObserverRequest)),
        "request_side_event": op("POST", "/meetings/{meeting_id}/side-events", r.SideEvent),
        "get_side_event": op("GET", "/side-events/{side_event_id}", r.SideEvent),
        "decide_side_event": op("POST", "/side-events/{side_event_id}/decide", r.SideEvent),
        "list_side_events": op("GET", "/meetings/{meeting_id}/side-events", Page(r.SideEvent)),
        "side_event_held": op("POST", "/side-events/{side_event_id}/held", r.SideEvent),
        "cancel_side_event": op("POST", "/side-events/{side_event_id}/cancel", r.SideEvent),
        "correct_meeting": op("PATCH", "/meetings/{meeting_id}", r.Meeting),
        "meeting_history": op("GET", "/meetings/{meeting_id}/history", Page(r.Correction)),
        "correct_registration": op("PATCH", "/registrations/{registration_id}",
                                   r.Registration),
        "registration_history": op("GET", "/registrations/{registration_id}/history",
                                   Page(r.Correction)),
        "personal_data": op("GET", "/registrations/{registration_id}/personal-data",
                            r.PersonalData),
        "badge": op("GET", "/registrations/{registration_id}/badge", bytes),
        "scan_badge": op("POST", "/meetings/{meeting_id}/badge-scans", r.Registration),
        "check_in_page": op("GET", "/check-in", str),
        "upload_nomination_letter": op(
            "PUT", "/meetings/{meeting_id}/nomination-letters/{country}", r.NominationLetter,
            upload=True),
        "nomination_letter": op("GET", "/meetings/{meeting_id}/nomination-letters/{country}",
                                bytes),
        "create_organisation": op("POST", "/organisations", r.Organisation),
        "list_organisations": op("GET", "/organisations", Page(r.Organisation)),
        "issue_organisation_token": op("POST", "/organisations/{code}/tokens",
                                       r.IssuedToken),
        "list_organisation_tokens": op("GET", "/organisations/{code}/tokens", Page(r.Token)),
        "revoke_organisation_token": op("DELETE", "/organisations/{code}/tokens/{token_id}",
                                        r.Token),
        "list_mails": op("GET", "/mails", Page(r.Mail)),
        "resend_mail": op("POST", "/mails/{mail_id}/resend", r.Mail),
        "public_meetings": op("GET", "/public/meetings", Page(r.PublicMeeting)),
        "public_meeting": op("GET", "/public/meetings/{code}", r.PublicMeeting),
        "issue_invitations": op("POST", "/meetings/{meeting_id}/invitations",
                                r.InvitationBatch),
        "list_invitations": op("GET", "/meetings/{meeting_id}/invitations",
                               Page(r.Invitation)),
        "get_invitation": op("GET", "/invitations/{invitation_id}", r.Invitation),
        "invitation_letter": op("GET", "/invitations/{invitation_id}/letter", bytes),
        "add_focal_point_address": op("POST", "/focal-point-addresses",
                                      r.FocalPointAddress),
        "confirm_focal_point_address": op(
            "POST", "/focal-point-addresses/{address_id}/confirm", r.FocalPointAddress),
        "list_focal_point_addresses": op("GET", "/focal-point-addresses",
                                         Page(r.FocalPointAddress)),
        "side_event_information": op("GET", "/side-events/{side_event_id}/information",
                                     bytes),
    },
    "travel": {
        "set_dsa_rate": op("PUT", "/dsa-rates/{city}", r.DsaRate),
        "list_dsa_rates": op("GET", "/dsa-rates", Page(r.DsaRate)),
        "list_cases": op("GET", "/travel-cases", Page(r.TravelCase)),
        "get_case": op("GET", "/travel-cases/{case_id}", r.TravelCase),
        "issue_ticket": op("POST", "/travel-cases/{case_id}/ticket", r.TravelCase),
        "pay_dsa": op("POST", "/travel-cases/{case_id}/dsa-payment", r.TravelCase),
        "record_refund": op("POST", "/travel-cases/{case_id}/refund", r.TravelCase),
    },
    "documents": {
        "register_document": op("POST", "/documents", r.Document),
        "list_documents": op("GET", "/documents", Page(r.Document)),
        "get_document": op("GET", "/documents/{document_id}", r.Document),
        "contribute": op("POST", "/documents/{document_id}/contributions", r.Contribution),
        "submit": op("POST", "/documents/{document_id}/submit", r.Document),
        "mark_edited": op("POST", "/documents/{document_id}/edited", r.Document),
        "translate": op("POST", "/documents/{document_id}/translations/{lang}", r.Document),
        "publish": op("POST", "/documents/{document_id}/publish", r.Document),
        "upload_file": op("PUT", "/documents/{document_id}/files/{lang}", r.DocumentFile,
                          upload=True),
        "download_file": op("GET", "/documents/{document_id}/files/{lang}", bytes),
        "correct_document": op("PATCH", "/documents/{document_id}", r.Document),
        "document_history": op("GET", "/documents/{document_id}/history",
                               Page(r.Correction)),
        "public_documents": op("GET", "/public/documents", Page(r.PublicDocument)),
        "public_file": op("GET", "/public/documents/{symbol}/{lang}", bytes),
        "public_feed": op("GET", "/public/documents.atom", str),
        "public_page": op("GET", "/public/meetings/{code}/documents.html", str),
    },
    "notifications": {
        "feed": op("GET", "/feed", Page(r.FeedEntry)),
        "feed_atom": op("GET", "/feed.atom", str),
        "issue_stream_ticket": op("POST", "/stream-tickets", r.StreamTicket),
        "feed_stream": op("GET", "/feed/stream", Stream),
        "waiting": op("GET", "/waiting", r.WaitingOverview),
        "digest_json": op("GET", "/digest", r.Digest),
        "digest_text": op("GET", "/digest.txt", str),
        "staff_page": op("GET", "/", str),
        "staff_page_file": op("GET", "/static/{name}", str),
        "create_webhook": op("POST", "/webhooks", r.Webhook),
        "list_webhooks": op("GET", "/webhooks", Page(r.Webhook)),
        "get_webhook": op("GET", "/webhooks/{webhook_id}", r.Webhook),
        "delete_webhook": op("DELETE", "/webhooks/{webhook_id}", r.Webhook),
        "list_deliveries": op("GET", "/webhooks/{webhook_id}/deliveries",
                              Page(r.WebhookDelivery)),
        "redeliver": op("POST", "/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
                        r.WebhookDelivery),
        "add_digest_address": op("POST", "/digest-addresses", r.DigestAddress),
        "list_digest_addresses": op("GET", "/digest-addresses", Page(r.DigestAddress)),
        "confirm_digest_address": op("POST", "/digest-addresses/{address_id}/confirm",
                                     r.DigestAddress),
        "send_digest_mails": op("POST", "/digest-mails"),
    },
    "support": {
        "record_agreement": op("POST", "/agreements", r.Agreement),
        "list_agreements": op("GET", "/agreements", Page(r.Agreement)),
        "get_agreement": op("GET", "/agreements/{agreement_id}", r.Agreement),
        "request_support": op("POST", "/support-requests", r.SupportRequest),
        "list_support_requests": op("GET", "/support-requests", Page(r.SupportRequest)),
        "get_support_request": op("GET", "/support-requests/{request_id}", r.SupportRequest),
        "accept": op("POST", "/support-requests/{request_id}/accept", r.SupportRequest),
        "decline": op("POST", "/support-requests/{request_id}/decline", r.SupportRequest),
        "deliver": op("POST", "/support-requests/{request_id}/deliver", r.SupportRequest),
        "invoice": op("POST", "/support-requests/{request_id}/invoice", r.SupportRequest),
        "settle": op("POST", "/support-requests/{request_id}/settle", r.SupportRequest),
        "ledger": op("GET", "/ledger", r.Ledger),
        "ledger_csv": op("GET", "/ledger.csv", str),
        "correct_agreement": op("PATCH", "/agreements/{agreement_id}", r.Agreement),
        "agreement_history": op("GET", "/agreements/{agreement_id}/history",
                                Page(r.Correction)),
        "acknowledge_agreement": op("POST", "/agreements/{agreement_id}/acknowledge",
                                    r.Agreement),
        "decline_agreement": op("POST", "/agreements/{agreement_id}/decline", r.Agreement),
        "record_settlement": op("POST", "/settlements", r.Settlement),
        "list_settlements": op("GET", "/settlements", Page(r.Settlement)),
    },
}
