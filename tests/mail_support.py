"""A real SMTP server for tests (aiosmtpd) that keeps every message it receives."""
import email
import email.policy

import pytest
from aiosmtpd.controller import Controller

from tests.support import free_port


class Inbox:
    """aiosmtpd handler keeping every message received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


class RefusingInbox(Inbox):
    """Refuses every recipient (550) until `accept` is set, then keeps messages."""

    accept = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.accept:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"
