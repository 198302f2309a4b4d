"""Stream tickets (CONTRACT.md v1.1): what a browser's EventSource or a feed reader puts
in a URL instead of a token: a minute long, read-only, bound to its organisation."""
from datetime import datetime, timedelta, timezone

import requests
from sqlalchemy import create_engine, update

from coord.auth import TICKET_TABLE
from tests.registration_support import error_of
from tests.support import stream_ticket


def test_a_ticket_opens_the_three_reads_and_nothing_else(services):
    notifications = services.start("notifications")
    issued = notifications.client.post("/stream-tickets", as_="chb")
    assert issued.status_code == 201, issued.text
    ticket, expires_at = issued.json()["ticket"], issued.json()["expires_at"]
    lifetime = datetime.fromisoformat(expires_at) - datetime.now(timezone.utc)
    assert timedelta(seconds=0) < lifetime <= timedelta(minutes=1)

    digest = requests.get(notifications.url + "/digest.txt",
                          params={"ticket": ticket}, timeout=10)
    assert digest.status_code == 200 and "waiting on CHB" in digest.text  # bound to chb
    atom = requests.get(notifications.url + "/feed.atom", params={"ticket": ticket},
                        timeout=10)
    assert atom.status_code == 200
    with requests.get(notifications.url + "/feed/stream", params={"ticket": ticket},
                      stream=True, timeout=10) as stream:
        assert stream.status_code == 200

    client = notifications.client
    document = client.get("/openapi.json").json()
    for path in ("/feed.atom", "/feed/stream", "/digest.txt"):
        parameters = document["paths"][path]["get"]["parameters"]
        assert "ticket" in [parameter.get("name") for parameter in parameters]
    error_of(client.get("/feed", params={"ticket": ticket}, as_=None), 401)
    error_of(client.get("/waiting", params={"ticket": ticket}, as_=None), 401)
    error_of(client.post("/stream-tickets", params={"ticket": ticket}, as_=None), 401)
    error_of(client.post("/digest-addresses", params={"ticket": ticket}, as_=None,
                         json={"email": "desk@example.org"}), 401)
    error_of(client.post("/stream-tickets", as_=None), 401, "unauthenticated")


def test_an_expired_or_forged_ticket_and_a_token_in_the_url_are_401(services):
    notifications = services.start("notifications")
    ticket = stream_ticket(notifications, "brs")
    engine = create_engine(notifications.config["DATABASE_URL"])
    with engine.begin() as connection:  # a minute later, as the table sees it
        connection.execute(update(TICKET_TABLE).values(
            expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    engine.dispose()
    client = notifications.client
    error_of(client.get("/feed.atom", params={"ticket": ticket}, as_=None), 401,
             "unauthenticated")
    error_of(client.get("/feed.atom", params={"ticket": "forged"}, as_=None), 401)
    error_of(client.get("/feed.atom", params={"ticket": [ticket, ticket]}, as_=None), 401)
    token = services.tokens.plain["brs"]
    for path in ("/feed.atom", "/feed/stream", "/digest.txt", "/feed"):
        error_of(client.get(path, params={"access_token": token}, as_=None), 401,
                 "token_in_url")
