"""E-mail that is really sent, and never lost: a mail outbox and its sender.

A service queues a mail in the same transaction as the change that causes it (a row of
`mail_outbox`); the `Mailer` dependency's sender thread sends what is due through SMTP
and records the outcome. A mail the server refuses, or that cannot reach it, waits and
is tried again with growing delays; after the last delay it is `failed`, and an
operator can `resend` it. Attachments are rendered when the mail is sent (by the
service's `render_attachment`), so a resent letter carries today's facts.

A service may run as several processes, each with its sender: a sender claims a mail
before sending it, by moving its next attempt a lease ahead only if no one has moved it
since it was read. The other senders pass it by, so a mail goes out once. Should the
process die while sending, the mail is tried again when the lease runs out: a mail may
then arrive twice, never not at all.

Settings (environment, or the nameko config in tests): SMTP_HOST (none: no mail is
queued or sent), SMTP_PORT (25), SMTP_USER and SMTP_PASSWORD (login when given),
SMTP_TLS (`starttls`, `ssl`, or off), MAIL_FROM, MAIL_RETRY_DELAYS (seconds, e.g.
"30,120,600,3600"), MAIL_POLL_INTERVAL (seconds between looks at the outbox).
"""
import hashlib
import json
import logging
import os
import secrets
import smtplib
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import eventlet
from nameko.extensions import DependencyProvider
from sqlalchemy import (
    Column, Index, Integer, MetaData, String, Table, Text, insert, select, update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from coord.db import UtcDateTime, make_engine, utcnow
from coord.errors import Conflict, Invalid, NotFound
from coord.http import cursor_position, page, utc_timestamp

MAIL_OUTBOX = "mail_outbox"
QUEUED, SENT, FAILED = "queued", "sent", "failed"
MAIL_STATUSES = (QUEUED, SENT, FAILED)
DEFAULT_RETRY_DELAYS = (30, 120, 600, 3600)
# Longer than sending one mail may take: two SMTP timeouts and the attachments' making.
SENDING_LEASE = timedelta(minutes=5)

log = logging.getLogger(__name__)


def add_mail_table(metadata: MetaData):
    """Add the mail outbox to a service's metadata (and so its migrations)."""
    return Table(
        MAIL_OUTBOX, metadata,
        Column("id", String(36), primary_key=True),
        Column("to_address", String(254), nullable=False),
        Column("subject", String(300), nullable=False),
        Column("body", Text, nullable=False),
        Column("language", String(2), nullable=False),
        Column("kind", String(40), nullable=False),
        Column("about_id", String(36), nullable=True),  # e.g. the registration
        Column("attachments", Text, nullable=False),  # JSON list of what to render
        Column("status", String(10), nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("last_error", String(500), nullable=True),
        Column("next_attempt_at", UtcDateTime, nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
        Column("sent_at", UtcDateTime, nullable=True),
        Index("ix_mail_outbox_due", "status", "next_attempt_at"),
    )


def queue_mail(session, table, *, to, subject, body, language, kind, about_id=None,
               attachments=()):
    """Queue one mail in the caller's transaction; `attachments`: JSON-able specs that the
    service's `render_attachment` turns into files when the mail is sent."""
    now = utcnow()
    mail_id = str(uuid.uuid4())
    session.execute(insert(table).values(
        id=mail_id, to_address=to, subject=subject, body=body, language=language, kind=kind,
        about_id=about_id, attachments=json.dumps(list(attachments)), status=QUEUED,
        attempts=0, next_attempt_at=now, created_at=now))
    return mail_id


PENDING, CONFIRMED = "pending", "confirmed"


class AddressConfirmedByCode:
    """Columns of an address someone gave for a kind of mail (a digest, a focal point's
    invitations): mail goes to it only once its owner gave back the code mailed there."""

    address: Mapped[str] = mapped_column(String(254))
    code_digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the mailed code
    status: Mapped[str] = mapped_column(String(20))  # pending | confirmed
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


def confirmation_code():
    """A code to mail to an address that someone gave, so that its owner proves it is
    theirs: (the code to mail, the digest to keep; the code itself is never stored)."""
    code = f"{secrets.randbelow(10 ** 8):08d}"
    return code, _code_digest(code)


def _code_digest(code):
    return hashlib.sha256(code.strip().encode()).hexdigest()


def confirm_with_code(entry, code):
    """Confirm an `AddressConfirmedByCode` with the code mailed to it (400 for another);
    True when this call confirmed it, False when it already was."""
    if entry.status == CONFIRMED:
        return False
    if _code_digest(code) != entry.code_digest:
        raise Invalid("This is not the code mailed to that address.", code="wrong_code",
                      fields={"code": ["Wrong code."]})
    entry.status, entry.confirmed_at = CONFIRMED, utcnow()
    return True


def mail_view(row):
    """A mail as the API shows it: no body, and attachments by name only."""
    return {"id": row.id, "to": row.to_address, "subject": row.subject,
            "language": row.language, "kind": row.kind, "about_id": row.about_id,
            "attachments": [spec["filename"] for spec in json.loads(row.attachments)],
            "status": row.status, "attempts": row.attempts, "last_error": row.last_error,
            "next_attempt_at": row.next_attempt_at, "created_at": row.created_at,
            "sent_at": row.sent_at}


def list_mails(session, table, query):
    """A page of the outbox, newest first (the contract's list: `limit`, `cursor`)."""
    statement = select(table)
    if query.get("status"):
        statement = statement.where(table.c.status == query["status"])
    if query.get("about_id"):
        statement = statement.where(table.c.about_id == query["about_id"])
    position = cursor_position(query["cursor"], utc_timestamp, str)
    if position:
        created_at, last_id = position
        statement = statement.where((table.c.created_at < created_at) | (
            (table.c.created_at == created_at) & (table.c.id < last_id)))
    rows = session.execute(statement.order_by(table.c.created_at.desc(), table.c.id.desc())
                           .limit(query["limit"] + 1))
    return page([mail_view(row) for row in rows], query["limit"],
                lambda mail: [mail["created_at"].isoformat(), mail["id"]])


def resend(session, table, mail_id):
    """Queue a mail again, now (a failed one, or a sent one whose recipient lost it)."""
    row = session.execute(select(table).where(table.c.id == mail_id)).first()
    if row is None:
        raise NotFound(f"No mail with id {mail_id}.")
    if row.status == QUEUED:
        raise Conflict("This mail is already waiting to be sent.", code="already_queued")
    session.execute(update(table).where(table.c.id == mail_id).values(
        status=QUEUED, attempts=0, last_error=None, next_attempt_at=utcnow()))
    return mail_view(session.execute(select(table).where(table.c.id == mail_id)).first())


class SmtpSettings:
    def __init__(self, get):
        self.host = get("SMTP_HOST") or None
        self.port = int(get("SMTP_PORT") or 25)
        self.user = get("SMTP_USER") or None
        self.password = get("SMTP_PASSWORD") or None
        self.tls = (get("SMTP_TLS") or "").lower()
        self.sender = get("MAIL_FROM") or "secretariat@localhost"
        delays = get("MAIL_RETRY_DELAYS")
        self.retry_delays = (tuple(float(d) for d in str(delays).split(",")) if delays
                             else DEFAULT_RETRY_DELAYS)
        self.poll_interval = float(get("MAIL_POLL_INTERVAL") or 5)

    def connect(self):
        if self.tls == "ssl":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=30)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=30)
            if self.tls in ("starttls", "1", "true", "yes"):
                smtp.starttls()
        if self.user:
            smtp.login(self.user, self.password or "")
        return smtp


class MailSender:
    """Sends the due mails of one outbox table; one pass at a time (`send_due`)."""

    def __init__(self, engine, table, settings, render_attachment):
        self.engine, self.table, self.settings = engine, table, settings
        self.render_attachment = render_attachment
        self._running = False

    def send_due(self):
        """Try every mail that is due once; returns how many were sent."""
        with Session(self.engine) as session:
            due = session.execute(select(self.table).where(
                self.table.c.status == QUEUED, self.table.c.next_attempt_at <= utcnow())
                .order_by(self.table.c.next_attempt_at).limit(50)).all()
            sent = 0
            for row in due:
                if not self._claim(session, row):
                    continue  # another process's sender has it
                outcome = self._attempt(session, row)
                session.execute(update(self.table).where(self.table.c.id == row.id)
                                .values(**outcome))
                session.commit()
                sent += outcome["status"] == SENT
            return sent

    def _claim(self, session, row):
        """Whether this sender won `row`: its next attempt moved a lease ahead, from the
        time it was read at (another sender's claim or outcome has moved it)."""
        claimed = session.execute(update(self.table).where(
            self.table.c.id == row.id, self.table.c.status == QUEUED,
            self.table.c.next_attempt_at == row.next_attempt_at,
        ).values(next_attempt_at=utcnow() + SENDING_LEASE))
        session.commit()
        return claimed.rowcount == 1

    def _attempt(self, session, row):
        try:
            message = self._message(session, row)
            with self.settings.connect() as smtp:
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            attempts = row.attempts + 1
            delays = self.settings.retry_delays
            # The address is personal data: the log names the mail, not the recipient.
            log.warning("mail %s not sent (attempt %d): %s", row.id, attempts,
                        type(exc).__name__)
            return {"attempts": attempts, "last_error": _error_text(exc),
                    "status": QUEUED if attempts <= len(delays) else FAILED,
                    "next_attempt_at": utcnow() + timedelta(
                        seconds=delays[min(attempts, len(delays)) - 1])}
        log.info("mail %s sent", row.id)
        return {"attempts": row.attempts + 1, "status": SENT, "sent_at": utcnow(),
                "last_error": None}

    def _message(self, session, row):
        message = EmailMessage()
        message["From"], message["To"] = self.settings.sender, row.to_address
        message["Subject"] = row.subject
        message["Message-ID"] = make_msgid(idstring=row.id)
        message.set_content(row.body)
        for spec in json.loads(row.attachments):
            content, mimetype = self.render_attachment(session, spec)
            maintype, subtype = mimetype.split("/")
            message.add_attachment(content, maintype=maintype, subtype=subtype,
                                   filename=spec["filename"])
        # Last: set_content and add_attachment move Content-* headers to the parts.
        message["Content-Language"] = row.language
        return message

    def run(self):
        self._running = True
        while self._running:
            try:
                self.send_due()
            except Exception:  # the database may be down: keep the thread, try again later
                log.exception("mail outbox pass failed")
            eventlet.sleep(self.settings.poll_interval)

    def stop(self):
        self._running = False


def _error_text(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {reply.decode(errors='replace')}"
                         for code, reply in exc.recipients.values())[:500]
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}"[:500]
    return f"{type(exc).__name__}: {exc}"[:500]


class Mailer(DependencyProvider):
    """The mail outbox of a service: `self.mailer.enabled` (SMTP_HOST set), and a sender
    thread while the service runs."""

    def __init__(self, metadata, render_attachment):
        self.metadata = metadata
        self.render_attachment = render_attachment
        self.sender = None
        self._thread = None

    def setup(self):
        config = self.container.config
        self.settings = SmtpSettings(lambda key: config.get(key, os.environ.get(key)))
        if self.settings.host:
            self.sender = MailSender(make_engine(config["DATABASE_URL"]),
                                     self.metadata.tables[MAIL_OUTBOX], self.settings,
                                     self.render_attachment)

    def start(self):
        if self.sender:
            self._thread = self.container.spawn_managed_thread(self.sender.run,
                                                                identifier="mail-sender")

    def stop(self):
        if self.sender:
            self.sender.stop()
            if self._thread is not None:
                self._thread.kill()
            self.sender.engine.dispose()

    kill = stop

    def get_dependency(self, worker_ctx):
        return self.settings.host is not None
