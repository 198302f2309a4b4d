"""The daily digest by e-mail, only to addresses the organisation confirmed.

An organisation gives an address (`POST /digest-addresses`); a code is mailed there; the
organisation confirms the address with that code (`POST /digest-addresses/{id}/confirm`).
Once a day each organisation with something waiting on it gets its digest at its
confirmed addresses (a day's digest goes out once, even across restarts).
"""
import uuid

from coord.http import keyset_slice, page, utc_timestamp
from sqlalchemy import select

from coord.db import utcnow
from coord.errors import Conflict, Forbidden, NotFound
from coord.mail import CONFIRMED, PENDING, confirm_with_code, confirmation_code, queue_mail
from coord.vocabulary import ORGANISER
from services.notifications import digest as digest_text
from services.notifications.models import MAIL_OUTBOX, DigestAddress
from services.notifications.usecases import digest

def add_address(uow, caller, data, mail_enabled):
    """Record an address for `caller`'s digest (mc may name another organisation) and
    mail it a confirmation code; 409 when this service sends no mail."""
    organisation = data.get("organisation") or caller
    if organisation != caller and caller != ORGANISER:
        raise Forbidden("An organisation gives addresses for its own digest only.")
    if not mail_enabled:
        raise Conflict("This service sends no mail (no SMTP_HOST is set).",
                       code="mail_not_configured")
    address = data["address"].lower()
    if uow.session.scalar(select(DigestAddress.id).where(
            DigestAddress.organisation == organisation, DigestAddress.address == address)):
        raise Conflict(f"{address} is already an address of {organisation}'s digest.",
                       code="duplicate", fields={"address": ["Already given."]})
    code, digest_of_code = confirmation_code()
    entry = DigestAddress(id=str(uuid.uuid4()), organisation=organisation, address=address,
                          code_digest=digest_of_code, status=PENDING,
                          created_at=utcnow())
    uow.session.add(entry)
    queue_mail(uow.session, MAIL_OUTBOX, to=address, language="en", kind="digest_confirmation",
               about_id=entry.id, subject="Confirm this address for your daily digest",
               body=f"Someone asked that the daily digest of what waits on {organisation} "
                    f"be sent to this address.\n\nTo confirm, give this code: {code}\n\n"
                    "If you did not ask for it, ignore this mail: nothing will be sent.\n")
    return entry


def confirm_address(uow, caller, address_id, code):
    entry = _own_address(uow, caller, address_id)
    confirm_with_code(entry, code)
    return entry


def list_addresses(uow, caller, query):
    """A page of the caller's addresses, oldest first (mc: everyone's)."""
    statement = select(DigestAddress)
    if caller != ORGANISER:
        statement = statement.where(DigestAddress.organisation == caller)
    rows = uow.session.scalars(keyset_slice(
        statement, query, DigestAddress.created_at, DigestAddress.id, utc_timestamp)).all()
    return page(rows, query["limit"], lambda row: [row.created_at.isoformat(), row.id])


def _own_address(uow, caller, address_id):
    entry = uow.session.get(DigestAddress, address_id)
    if entry is None or caller not in (ORGANISER, entry.organisation):
        raise NotFound(f"No digest address with id {address_id}.")
    return entry


def send_daily_digests(uow, now):
    """Queue today's digest for every confirmed address not yet sent one today, when
    something waits on its organisation. Returns how many mails were queued."""
    today, queued, digests = now.date(), 0, {}
    for entry in uow.session.scalars(select(DigestAddress).where(
            DigestAddress.status == CONFIRMED).with_for_update(of=DigestAddress)):
        if entry.last_sent_on == today:
            continue
        if entry.organisation not in digests:
            digests[entry.organisation] = digest(uow, entry.organisation, entry.organisation,
                                                 now)
        content = digests[entry.organisation]
        entry.last_sent_on = today
        if not content["items"]:
            continue
        queue_mail(uow.session, MAIL_OUTBOX, to=entry.address, language="en", kind="digest",
                   about_id=entry.id, body=digest_text.as_text(content),
                   subject=f"Waiting on {content['owner_name']}: {content['waiting']} "
                           f"item(s), {content['late']} late ({today.isoformat()})")
        queued += 1
    return queued


def no_attachments(session, spec):
    raise ValueError("notification mails carry no attachments")
