"""The daily digest by e-mail: only to an address the organisation confirmed with the
code mailed there, received by a real SMTP server."""
import re

from tests.mail_support import smtp  # noqa: F401  (the fixture)
from tests.notifications_support import SAMPLE
from tests.registration_support import error_of
from tests.support import wait_for


def test_a_digest_goes_only_to_addresses_the_organisation_confirmed(services, smtp):  # noqa: F811
    controller, inbox = smtp
    notifications = services.start("notifications", SMTP_HOST="127.0.0.1",
                                    SMTP_PORT=controller.port, MAIL_POLL_INTERVAL=0.2)
    client = notifications.client
    services.publish("travel", SAMPLE["travel_case_opened"].envelope())
    wait_for(lambda: client.get("/feed").json()["items"], message="the feed entry")

    confirmed = client.post("/digest-addresses", json={"address": "desk@brs.example"},
                            as_="brs").json()
    unconfirmed = client.post("/digest-addresses", json={"address": "other@brs.example"},
                              as_="brs").json()
    assert confirmed["status"] == "pending" and unconfirmed["organisation"] == "brs"
    error_of(client.post("/digest-addresses", json={"address": "x@chb.example",
                                                    "organisation": "chb"}, as_="brs"), 403)
    mails = wait_for(lambda: len(inbox.messages) >= 2 and inbox.messages,
                     message="the confirmation codes")
    to_desk = next(m for m in mails if m["To"] == "desk@brs.example")
    code = re.search(r"code: (\d{8})", to_desk.get_content()).group(1)
    error_of(client.post(f"/digest-addresses/{confirmed['id']}/confirm", json={"code": "0"},
                         as_="brs"), 400, "wrong_code")
    error_of(client.post(f"/digest-addresses/{confirmed['id']}/confirm", json={"code": code},
                         as_="chb"), 404)
    assert client.post(f"/digest-addresses/{confirmed['id']}/confirm", json={"code": code},
                       as_="brs").json()["status"] == "confirmed"

    assert client.post("/digest-mails").json() == {"queued": 1}
    digest = wait_for(lambda: len(inbox.messages) == 3 and inbox.messages[2],
                      message="the digest")
    assert digest["To"] == "desk@brs.example" and "Waiting on" in digest["Subject"]
    assert "COP-2" in digest.get_content()
    assert client.post("/digest-mails").json() == {"queued": 0}  # once a day
