"""Invitations to a meeting, and the addresses focal points confirmed for receiving them.

`mc` invites Parties (each addressed to its focal point, `party-<ISO3>`) and admitted
observers; each invitation is a letter in the addressee's language with the deadline for
nominations. It is mailed where the addressee has an address: a Party's focal point once
it confirmed one with the code mailed there (as organisations confirm their digest
addresses in notifications), an observer at the contact address of its admission request.
Its status moves from issued to sent when its mail is queued in the mail outbox (which
delivers it, retrying; `GET /mails?about_id=` shows how), and to nominations_received
with the first nomination from the invited Party; nominations after the deadline are
refused.
"""
import uuid

from sqlalchemy import select

from coord.auth import require
from coord.db import utcnow
from coord.envelope import Event
from coord.errors import Conflict, NotFound
from coord.mail import CONFIRMED, PENDING, confirm_with_code, confirmation_code, queue_mail
from coord.vocabulary import ORGANISER
from services.registration import domain, usecases
from services.registration.countries import all_countries, country
from services.registration.letters import InvitationFacts, MeetingFacts, translated
from services.registration.models import (
    MAIL_OUTBOX, AdmittedObserver, FocalPointAddress, Invitation, Meeting, ObserverRequest,
)

INVITATION_MAIL = {
    "en": ("Invitation to the {title} ({reference})",
           "The Secretariat of the Minamata Convention on Mercury invites {organisation} to "
           "the {title} ({code}), {city}, {starts_on} to {ends_on}.\n\nNominations are due by "
           "{nominations_due}. The letter of invitation is attached.\n\nSecretariat of the "
           "Minamata Convention on Mercury\n"),
    "fr": ("Invitation à la {title} ({reference})",
           "Le Secrétariat de la Convention de Minamata sur le mercure invite {organisation} à "
           "la {title} ({code}), {city}, du {starts_on} au {ends_on}.\n\nLes désignations sont "
           "attendues au plus tard le {nominations_due}. La lettre d'invitation est jointe."
           "\n\nSecrétariat de la Convention de Minamata sur le mercure\n"),
    "es": ("Invitación a la {title} ({reference})",
           "La Secretaría del Convenio de Minamata sobre el Mercurio invita a {organisation} "
           "a la {title} ({code}), {city}, del {starts_on} al {ends_on}.\n\nLas designaciones "
           "deben enviarse a más tardar el {nominations_due}. Se adjunta la carta de "
           "invitación.\n\nSecretaría del Convenio de Minamata sobre el Mercurio\n"),
}


# Invitations

def issue(uow, caller, meeting_id, data, mail_enabled):
    """Invite the Parties named ("all": every country of the reference data) and, with
    `observers`, every admitted observer. An addressee already invited keeps its
    invitation (returned, not duplicated); new ones are published and, where an address
    is known, mailed."""
    meeting = usecases._locked(uow, Meeting, meeting_id, "meeting")  # issuings queue up
    today = utcnow().date()
    domain.check_meeting_open(meeting.code, meeting.ends_on, today)
    domain.check_nominations_due(data["nominations_due"], starts_on=meeting.starts_on,
                                 today=today)
    wanted = _parties(data["parties"]) + (_observers(uow) if data["observers"] else [])
    existing = {invitation.addressee: invitation for invitation in uow.session.scalars(
        select(Invitation).where(Invitation.meeting_id == meeting.id))}
    items, created = [], []
    for fields in wanted:
        invitation = existing.get(fields["addressee"])
        if invitation is None:
            invitation = Invitation(
                id=str(uuid.uuid4()), meeting_id=meeting.id, meeting=meeting,
                nominations_due=data["nominations_due"], status=domain.ISSUED,
                issued_by=caller, created_at=utcnow(), **fields)
            uow.session.add(invitation)
            created.append(invitation)
        items.append(invitation)
    uow.session.flush()  # a unique key lost to a concurrent request: 409 (coord.db)
    for invitation in created:
        _emit(uow, "invitation_issued", invitation, caller)
        if mail_enabled:
            _mail(uow, caller, invitation, _addresses(uow, invitation))
    return {"created": len(created), "items": items}


def _parties(parties):
    """What an invitation to each Party says about it: its focal point, its name, the
    language the Secretariat writes to it in, whether it may ask for funding."""
    if not parties:
        return []
    codes = sorted(all_countries()) if parties == "all" else parties
    return [_party(country(code, field="parties")) for code in codes]


def _party(party):
    return {"addressee": domain.party_code(party.alpha3), "kind": domain.PARTY_ADDRESSEE,
            "country": party.alpha3, "organisation": party.un_name,
            "language": party.language if party.language in domain.INVITATION_LANGUAGES
            else "en", "funding_eligible": party.funding_eligible}


def _observers(uow):
    """Every organisation admitted as observer (once admitted, always invited), in English;
    funding is for Parties only."""
    return [{"addressee": admitted.organisation_key, "kind": domain.OBSERVER_ADDRESSEE,
             "country": None, "organisation": admitted.organisation, "language": "en",
             "funding_eligible": False}
            for admitted in uow.session.scalars(
                select(AdmittedObserver).order_by(AdmittedObserver.organisation_key))]


def _addresses(uow, invitation):
    """Where the invitation is mailed: the focal point's confirmed addresses, or the
    contact address the observer gave in its latest request."""
    if invitation.kind == domain.PARTY_ADDRESSEE:
        return list(uow.session.scalars(select(FocalPointAddress.address).where(
            FocalPointAddress.country == invitation.country,
            FocalPointAddress.status == CONFIRMED).order_by(FocalPointAddress.created_at)))
    contact = uow.session.scalar(
        select(ObserverRequest.contact_email)
        .where(ObserverRequest.organisation_key == invitation.addressee)
        .order_by(ObserverRequest.created_at.desc()).limit(1))
    return [contact] if contact else []


def _mail(uow, caller, invitation, addresses):
    """Queue the invitation's mail, its letter attached, to each address; the invitation
    is then sent (`invitation_sent`). Nothing happens without an address."""
    if not addresses:
        return
    meeting, language = invitation.meeting, invitation.language
    translations = meeting.translations or {}
    facts = {"title": translated(meeting.title, translations, language, "title")[0],
             "city": translated(meeting.city, translations, language, "city")[0],
             "code": meeting.code, "reference": invitation.reference,
             "organisation": invitation.organisation,
             "starts_on": meeting.starts_on.isoformat(),
             "ends_on": meeting.ends_on.isoformat(),
             "nominations_due": invitation.nominations_due.isoformat()}
    subject, body = INVITATION_MAIL[language]
    for address in addresses:
        queue_mail(uow.session, MAIL_OUTBOX, to=address, subject=subject.format(**facts),
                   body=body.format(**facts), language=language, kind="invitation",
                   about_id=invitation.id, attachments=[{
                       "letter": "invitation", "invitation_id": invitation.id,
                       "lang": language,
                       "filename": f"{invitation.reference.replace('/', '-')}-{language}.pdf"}])
    _move(uow, caller, invitation, "sent")


def _move(uow, caller, invitation, event):
    """Move the invitation on `event` (sent, nominated) unless it is already there."""
    status = domain.invitation_moves_to(invitation.status, event)
    if status is None:
        return
    invitation.status = status
    if status == domain.SENT:
        invitation.sent_at = utcnow()
    else:
        invitation.nominations_received_at = utcnow()
    uow.session.flush()
    _emit(uow, f"invitation_{status}", invitation, caller)


def _emit(uow, event_type, invitation, caller):
    uow.emit(Event(
        event_type, "invitation", invitation.id, actor=caller, owner=None,
        meeting_id=invitation.meeting_id,
        data={"meeting_code": invitation.meeting.code, "addressee": invitation.addressee,
              "kind": invitation.kind, "country": invitation.country,
              "organisation": invitation.organisation, "language": invitation.language,
              "funding_eligible": invitation.funding_eligible,
              "nominations_due": invitation.nominations_due.isoformat(),
              "status": invitation.status, "waiting": None}))


def get(uow, invitation_id):
    invitation = uow.session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(f"No invitation with id {invitation_id}.")
    return invitation


def list_for_meeting(uow, meeting_id, query):
    """A meeting's invitations, by status, kind and country, paged like every list."""
    usecases.get_meeting(uow, meeting_id)
    statement = usecases._filtered(select(Invitation).where(
        Invitation.meeting_id == meeting_id), Invitation, query, "status", "kind", "country")
    return usecases._page_by_id(uow, statement, Invitation, query)


def letter_facts(session, invitation_id):
    """What the letter of invitation says."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(f"No invitation with id {invitation_id}.")
    meeting = invitation.meeting
    return InvitationFacts(
        reference=invitation.reference, kind=invitation.kind,
        organisation=invitation.organisation, country=invitation.country,
        funding_eligible=invitation.funding_eligible,
        nominations_due=invitation.nominations_due,
        meeting=MeetingFacts.of(meeting, country(meeting.country).name))


# Nominations against invitations

def register(uow, caller, meeting_id, data):
    """One nomination (usecases.register), checked against its addressee's invitation.
    The invitation is looked for first: the nomination's meeting row is locked from its
    number to the commit, and no read of every nomination should wait in that time."""
    invited = _invitations_of(uow, meeting_id, [usecases.Nominee(
        data["category"], data["country"], data["organisation"])])
    registration = usecases.register(uow, caller, meeting_id, data)
    _note_nominations(uow, caller, invited)
    return registration


def register_delegation(uow, caller, meeting_id, chunks, limits):
    """A delegation's CSV (usecases.register_delegation), checked against invitations."""
    imported = usecases.register_delegation(uow, caller, meeting_id, chunks, limits)
    _note_nominations(uow, caller, _invitations_of(uow, meeting_id, imported.nominees))
    return imported


def _invitations_of(uow, meeting_id, nominees):
    """The ids of the meeting's invitations addressed to whom `nominees` (usecases.Nominee)
    are for."""
    if not nominees:
        return []
    return uow.session.scalars(select(Invitation.id).where(
        Invitation.meeting_id == meeting_id,
        Invitation.addressee.in_({_addressee_of(nominee) for nominee in nominees}))).all()


def _note_nominations(uow, caller, invited):
    """Nominations from invited Parties or observers (`invited`: their invitations' ids):
    refused (409, with the date) past the invitation's deadline, which undoes the whole
    unit of work; the first one moves the invitation to nominations_received. Those not
    invited nominate as before."""
    today = utcnow().date()
    for invitation_id in sorted(invited):  # one lock order, so no deadlock between batches
        invitation = uow.locked(Invitation, invitation_id)
        domain.check_nomination_in_time(invitation.organisation, invitation.nominations_due,
                                        today)
        _move(uow, caller, invitation, "nominated")


def _addressee_of(nominee):
    if nominee.category == domain.PARTY:
        return domain.party_code(nominee.country)
    return domain.organisation_key(nominee.organisation)


# Focal points' addresses

def add_address(uow, caller, data, mail_enabled):
    """Record an address for a Party focal point's mail (mc, or the focal point itself)
    and mail it a confirmation code; 409 when this service sends no mail."""
    party = country(data["country"])
    require(caller, domain.party_code(party.alpha3),
            action=f"give the address of {party.name}'s focal point")
    if not mail_enabled:
        raise Conflict("This service sends no mail (no SMTP_HOST is set).",
                       code="mail_not_configured")
    address = data["address"].lower()
    if uow.session.scalar(select(FocalPointAddress.id).where(
            FocalPointAddress.country == party.alpha3, FocalPointAddress.address == address)):
        raise Conflict(f"{address} is already an address of {party.name}'s focal point.",
                       code="duplicate", fields={"address": ["Already given."]})
    code, digest_of_code = confirmation_code()
    entry = FocalPointAddress(id=str(uuid.uuid4()), country=party.alpha3, address=address,
                              code_digest=digest_of_code, status=PENDING, created_at=utcnow())
    uow.session.add(entry)
    uow.session.flush()
    queue_mail(uow.session, MAIL_OUTBOX, to=address, language="en",
               kind="focal_point_confirmation", about_id=entry.id,
               subject="Confirm this address for the Secretariat's invitations",
               body=f"Someone gave this address for the mail of {party.name}'s focal point "
                    "for the Minamata Convention on Mercury (invitations to meetings).\n\n"
                    f"To confirm, give this code: {code}\n\nIf you did not ask for it, "
                    "ignore this mail: nothing will be sent.\n")
    return entry


def confirm_address(uow, caller, address_id, code):
    """Confirm an address with the code mailed to it (mc, or the focal point); the
    Party's invitations not yet sent go to it now."""
    entry = uow.locked(FocalPointAddress, address_id)
    if entry is None:
        raise NotFound(f"No focal point address with id {address_id}.")
    require(caller, domain.party_code(entry.country),
            action="confirm the address of a Party's focal point")
    if not confirm_with_code(entry, code):
        return entry
    for invitation_id in uow.session.scalars(select(Invitation.id).where(
            Invitation.addressee == domain.party_code(entry.country),
            Invitation.status == domain.ISSUED).order_by(Invitation.id)).all():
        invitation = uow.locked(Invitation, invitation_id)  # a nomination may move it first
        if invitation.status == domain.ISSUED:
            _mail(uow, caller, invitation, [entry.address])
    return entry


def list_addresses(uow, caller, query):
    """Focal points' addresses (mc: every Party's; a focal point: its own)."""
    statement = select(FocalPointAddress)
    if caller != ORGANISER:
        statement = statement.where(FocalPointAddress.country == caller.removeprefix("party-"))
    return usecases._page_by_id(uow, statement, FocalPointAddress, query)
