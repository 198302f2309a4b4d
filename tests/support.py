"""Test helpers: tokens, migrated databases, running services, polling, the broker."""
import importlib
import json
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
import yaml
from kombu import Connection
from sqlalchemy import create_engine, text

from coord import topology
from coord.auth import digest
from coord.envelope import Event
from coord.events import handle_deliveries
from coord.vocabulary import ORGANISATIONS

FAST_RETRIES = "0.1,0.2,0.4"


class TestTokens:
    """`tokens.headers("brs")` gives the Authorization header of brs's test token."""

    def __init__(self, directory):
        self.plain = {org: f"test-token-{org}" for org in ORGANISATIONS}
        self.path = directory / "tokens.yaml"
        self.path.write_text(yaml.safe_dump({org: [digest(t)] for org, t in self.plain.items()}))

    def headers(self, organisation):
        return {"Authorization": f"Bearer {self.plain[organisation]}"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout=10.0, interval=0.05, message="condition"):
    """Poll until `predicate()` is truthy; return its value or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


class Client:
    """requests against one service, as one organisation by default."""

    def __init__(self, base_url, tokens, organisation="mc"):
        self.base_url = base_url
        self.tokens = tokens
        self.organisation = organisation

    def request(self, method, path, as_=..., **kwargs):
        """`as_`: the organisation whose token to send (None: no token)."""
        headers = dict(kwargs.pop("headers", {}))
        organisation = self.organisation if as_ is ... else as_
        if organisation and "Authorization" not in headers:
            headers.update(self.tokens.headers(organisation))
        return requests.request(method, self.base_url + path, headers=headers, timeout=10,
                                **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path, json=None, **kwargs):
        return self.request("PUT", path, json=json, **kwargs)


class RunningService:
    def __init__(self, name, container, config, client):
        self.name = name
        self.container = container
        self.config = config
        self.client = client
        self.url = client.base_url

    def stop(self):
        self.container.stop()


class ServiceHarness:
    def __init__(self, container_factory, rabbit_config, tokens, database_for):
        self._container_factory = container_factory
        self.rabbit_config = rabbit_config
        self.amqp_uri = rabbit_config["AMQP_URI"]
        self.tokens = tokens
        self._database_for = database_for

    def config(self, name, **overrides):
        config = {
            "AMQP_URI": self.amqp_uri,
            "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}",
            "DATABASE_URL": self._database_for(name),
            "COORD_TOKENS_FILE": str(self.tokens.path),
            "EVENT_RETRY_DELAYS": FAST_RETRIES,
            "OUTBOX_POLL_INTERVAL": 0.2,
            "max_workers": 20,
        }
        config.update(overrides)
        return config

    def start(self, name, service_cls=None, **overrides):
        """Start a service (its real class unless `service_cls`) with a fresh or kept DB."""
        config = self.config(name, **overrides)
        if service_cls is None:
            service_cls = importlib.import_module(f"services.{name}.service").SERVICE
        container = self._container_factory(service_cls, config)
        container.start()
        client = Client(f"http://{config['WEB_SERVER_ADDRESS']}", self.tokens)
        return RunningService(name, container, config, client)

    def publish(self, source, envelope_or_body, routing_key=None):
        """Publish as if from `source` (a dict is sent as JSON, bytes as they are)."""
        body = envelope_or_body
        if isinstance(body, dict):
            routing_key = routing_key or body["type"]
            body = json.dumps(body)
        with Connection(self.amqp_uri, transport_options={"confirm_publish": True}) as conn:
            channel = conn.channel()
            topology.declare(channel, tuple(float(d) for d in FAST_RETRIES.split(",")))
            conn.Producer(channel).publish(
                body, exchange=f"{source}.events", routing_key=routing_key,
                content_type="application/json", content_encoding="utf-8", delivery_mode=2)


def deliver(unit_of_work, handler, *envelopes):
    """Hand `envelopes` to `handler(uow, envelope)` one delivery at a time, as `@subscribe`
    does (each event once, token events kept aside); raises the first failure."""
    for envelope in envelopes:
        [failure] = handle_deliveries(unit_of_work, handler, [envelope])
        if failure is not None:
            raise failure[1]


def feed_types(notifications, **params):
    response = notifications.client.get("/feed", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return [entry["type"] for entry in response.json()["items"]]


COP2 = {
    "code": "COP-2", "title": "Second meeting of the Conference of the Parties",
    "kind": "cop", "city": "Geneva", "country": "CHE", "starts_on": "2018-11-19",
    "ends_on": "2018-11-23", "symbol_prefix": "UNEP/MC/COP.2",
}


def meeting_scheduled_event(**data):
    """A `meeting_scheduled` envelope as registration publishes it, COP-2's data with
    `data` over it (a test's wrong or oversized field, say)."""
    meeting_id = str(uuid.uuid4())
    return Event("meeting_scheduled", "meeting", meeting_id, actor="mc", meeting_id=meeting_id,
                 data={**COP2, **data}).envelope("registration")


def schedule_meeting(registration, **overrides):
    response = registration.client.post("/meetings", json={**COP2, **overrides})
    assert response.status_code == 201, response.text
    return response.json()


def nominate(registration, meeting_id, number=0, **overrides):
    body = {
        "given_name": "Ana", "family_name": f"Pérez {number}",
        "email": f"ana.perez.{number}@example.org", "country": "PER", "category": "party",
        "organisation": "Ministry of Environment", "funding_requested": True,
        "visa_letter_requested": False, **overrides,
    }
    response = registration.client.post(f"/meetings/{meeting_id}/registrations", json=body)
    assert response.status_code == 201, response.text
    return response.json()


class StubService:
    """A real HTTP server standing in for a service that fails: it answers its first
    requests with `statuses` (and the contract's error body), then 200 with `body`.
    `requests` lists the methods it received."""

    def __init__(self, statuses, body=b'{"id": "r1", "status": "ok"}'):
        self.statuses = list(statuses)
        self.requests = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                stub.requests.append(self.command)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = stub.statuses.pop(0) if stub.statuses else 200
                payload = body if status == 200 else json.dumps({"error": {
                    "code": "stub_failure", "message": f"The stub answers {status}.",
                    "fields": {}}}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def rows(url, query):
    """The rows of `query` on the database at `url`, read outside any service."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(query)).all()
    finally:
        engine.dispose()


def publish_burst(amqp_uri, envelopes):
    """Publish registration's `envelopes` as fast as the broker confirms them."""
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        producer = connection.Producer(connection.channel())
        for envelope in envelopes:
            producer.publish(json.dumps(envelope), exchange="registration.events",
                             routing_key=envelope["type"], content_type="application/json",
                             delivery_mode=2)


def stream_ticket(notifications, organisation):
    """A one-minute ticket of `organisation` for /feed/stream, /feed.atom, /digest.txt."""
    response = notifications.client.post("/stream-tickets", as_=organisation)
    assert response.status_code == 201, response.text
    return response.json()["ticket"]


class BrokerDoor:
    """A TCP door to the broker that a test can shut: services connect through it, and
    shutting it is the broker going away for them (and only them), while the machine's
    broker goes on serving everything else. Give it the test's own vhost: queues left in
    the shared "/" by other runs may be of another type than this release declares."""

    def __init__(self, vhost, target=("127.0.0.1", 5672)):
        self.vhost = vhost
        self.target = target
        self.port = free_port()
        self._pipes = []
        self._listener = None
        self.open()

    @property
    def amqp_uri(self):
        return f"amqp://guest:guest@127.0.0.1:{self.port}/{self.vhost}"

    def open(self):
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._accepting = threading.Thread(target=self._accept, args=(self._listener,),
                                           daemon=True)
        self._accepting.start()

    def shut(self):
        """Refuse new connections and cut the open ones.

        Sockets are only shut down here, never closed: each is closed by the thread that
        reads it once its read has ended, so no file descriptor is freed (and reused by
        the service's own connections) while a green thread still waits on it."""
        _shut_down(self._listener)
        self._accepting.join(timeout=10)
        for sock in self._pipes:
            _shut_down(sock)
        self._pipes.clear()

    def _accept(self, listener):
        with listener:
            while True:
                try:
                    client, _ = listener.accept()
                except OSError:
                    return
                upstream = socket.create_connection(self.target)
                self._pipes += [client, upstream]
                for source, sink in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pump, args=(source, sink),
                                     daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        with source:
            try:
                while data := source.recv(65536):
                    sink.sendall(data)
            except OSError:
                pass
            finally:
                _shut_down(sink)


def _shut_down(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
