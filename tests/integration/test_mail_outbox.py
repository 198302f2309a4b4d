"""The mail outbox when a service runs as several processes: each with its sender, every
mail still reaches the SMTP server once."""
import eventlet
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from coord.db import make_engine
from coord.mail import SENT, MailSender, SmtpSettings, queue_mail
from services.notifications.models import MAIL_OUTBOX
from tests.mail_support import smtp  # noqa: F401  (the fixture)


def test_two_senders_on_one_outbox_send_each_mail_once(database_kind, postgresql,
                                                       smtp):  # noqa: F811
    if database_kind == "sqlite":
        pytest.skip("services run as several processes on PostgreSQL; two senders in one "
                    "process would only queue for SQLite's one connection")
    controller, inbox = smtp
    url = postgresql("notifications")
    engines = [make_engine(url) for _ in range(3)]
    with Session(engines[0]) as session:
        queued = {queue_mail(session, MAIL_OUTBOX, to=f"fp{n}@example.org",
                             subject=f"Invitation {n}", body="Dear focal point", language="en",
                             kind="invitation") for n in range(20)}
        session.commit()
    settings = SmtpSettings({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": controller.port}.get)
    senders = [MailSender(engine, MAIL_OUTBOX, settings, render_attachment=None)
               for engine in engines[1:]]

    sent = [thread.wait() for thread in [eventlet.spawn(sender.send_due) for sender in senders]]

    received = sorted(message["Message-ID"] for message in inbox.messages)
    assert len(received) == len(set(received)) == 20, "a mail was sent twice"
    assert sum(sent) == 20
    with Session(engines[0]) as session:
        rows = session.execute(select(MAIL_OUTBOX.c.id, MAIL_OUTBOX.c.status,
                                      MAIL_OUTBOX.c.attempts)).all()
    for engine in engines:
        engine.dispose()
    assert {(row.id, row.status, row.attempts) for row in rows} == {
        (mail_id, SENT, 1) for mail_id in queued}
