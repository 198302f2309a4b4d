"""What `make bench` times. Each scenario starts its clock after the processes are up and
the data is in place, and stops it at the last effect a user would see."""
import csv
import io
import json
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pika
import requests
from sqlalchemy import MetaData, Table, func, select, text

from bench import load
from bench.stack import HEADERS, wait_until
from coord.http import encode_cursor

MEETING = {"title": "Benchmark", "kind": "expert", "city": "Geneva", "country": "CHE",
           "starts_on": "2030-03-05", "ends_on": "2030-03-09"}


def meeting(stack, code):
    return stack.request("POST", "registration", "/meetings", json={
        **MEETING, "code": code, "symbol_prefix": "UNEP/MC/" + code.replace("-", ".")}).json()


def nominee(number, tag="b"):
    return {"given_name": "Ana", "family_name": f"Bench {tag}{number}", "country": "PER",
            "email": f"{tag}{number}@example.org", "category": "party", "organisation": "X"}


def settle(stack, quiet_for=1.0, timeout=900.0):
    """Wait until what earlier scenarios set going is done: no service has an unpublished
    event, and no inbox has grown for `quiet_for` seconds. The backbone's clock stops at its
    last feed entry and case, but travel's events about those cases are still on their way
    to notifications and registration then; a scenario started behind that backlog would
    time the backlog."""
    def state():
        figures = []
        for service in stack.processes:
            with stack.databases.engine(service).connect() as connection:
                figures.append(connection.scalar(text(
                    "SELECT count(*) FROM outbox WHERE published_at IS NULL")))
                figures.append(connection.scalar(text("SELECT count(*) FROM inbox")))
        return figures

    deadline = time.monotonic() + timeout
    before = state()
    while time.monotonic() < deadline:
        time.sleep(quiet_for)
        now = state()
        if now == before and not any(now[0::2]):
            return
        before = now
    raise TimeoutError(f"the services did not settle within {timeout} s")


def _table(engine, name):
    return Table(name, MetaData(), autoload_with=engine)


def copies_of_registration(stack, template_id, count, *, status, tag):
    """`count` rows cloned from registration `template_id` with bulk inserts (not through
    the API): how a big meeting's data is put in place quickly. Returns their ids."""
    engine = stack.databases.engine("registration")
    registrations = _table(engine, "registrations")
    with engine.begin() as connection:
        template = dict(connection.execute(
            select(registrations).where(registrations.c.id == template_id)).mappings().one())
        first = connection.scalar(select(func.max(registrations.c.number)).where(
            registrations.c.meeting_id == template["meeting_id"])) + 1
        ids, rows = [], []
        for offset in range(count):
            ids.append(str(uuid.uuid4()))
            rows.append({**template, "id": ids[-1], "number": first + offset,
                         "email": f"{tag}{offset}@example.org", "status": status,
                         "family_name": f"Bench {tag}{offset}", "funded": False})
            if len(rows) == 10_000:
                connection.execute(registrations.insert(), rows)
                rows = []
        if rows:
            connection.execute(registrations.insert(), rows)
        meetings = _table(engine, "meetings")  # the numbers nominations go on from
        connection.execute(meetings.update().where(meetings.c.id == template["meeting_id"])
                           .values(last_number=first + count - 1))
    return ids


# Backbone ---------------------------------------------------------------------------------

class FirstDelivery:
    """Notes when the first message of `exchange` reaches the broker's queues: the moment
    the producer's relay published its first event, with no process start-up in it."""

    def __init__(self, amqp_uri, exchange):
        self.at = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._watch, args=(amqp_uri, exchange),
                                        daemon=True)
        self._thread.start()
        self._ready.wait(30)

    def _watch(self, amqp_uri, exchange):
        connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
        channel = connection.channel()
        queue = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        channel.queue_bind(queue, exchange, routing_key="#")
        self._ready.set()
        for method, _properties, _body in channel.consume(queue, auto_ack=True,
                                                          inactivity_timeout=300):
            if method is not None:
                self.at = time.perf_counter()
            break
        connection.close()


def backbone(stack, events):
    """Events per second from the first publish of `events` funded confirmations that a
    producer committed (straight into registration's outbox, in one transaction) to the
    last effect: every one a feed entry in notifications and an open case in travel."""
    meeting_ = meeting(stack, f"BB-{uuid.uuid4().hex[:6]}")
    first = stack.request("POST", "registration", f"/meetings/{meeting_['id']}/registrations",
                          json=nominee(0, "bb")).json()
    stack.request("POST", "registration", f"/registrations/{first['id']}/confirm",
                  json={"funded": True})
    feed = _table(stack.databases.engine("notifications"), "feed_entries")
    cases = _table(stack.databases.engine("travel"), "travel_cases")

    def effects():
        with stack.databases.engine("notifications").connect() as connection:
            entries = connection.scalar(select(func.count()).select_from(feed).where(
                feed.c.type == "registration_confirmed"))
        with stack.databases.engine("travel").connect() as connection:
            opened = connection.scalar(select(func.count()).select_from(cases))
        return entries, opened

    wait_until(lambda: effects() == (1, 1), what="the first confirmation's effects")
    engine = stack.databases.engine("registration")
    outbox = _table(engine, "outbox")
    with engine.connect() as connection:
        template = json.loads(connection.scalar(select(outbox.c.payload).where(
            outbox.c.type == "registration_confirmed")))
    rows = []
    for _ in range(events):
        envelope = {**template, "event_id": str(uuid.uuid4()),
                    "subject": {**template["subject"], "id": str(uuid.uuid4())}}
        rows.append({"event_id": envelope["event_id"], "type": envelope["type"],
                     "payload": json.dumps(envelope), "created_at": datetime.now(timezone.utc)})
    first_publish = FirstDelivery(stack.env["AMQP_URI"], "registration.events")
    with engine.begin() as connection:
        connection.execute(outbox.insert(), rows)
    wait_until(lambda: effects() == (events + 1, events + 1), timeout=900, interval=0.02,
               what=f"{events} feed entries and travel cases")
    finished = time.perf_counter()
    return round(events / (finished - first_publish.at))


# HTTP ----------------------------------------------------------------------------------------

def http(stack, seconds, clients=10):
    """rps, p50 and p99 at `clients` closed-loop clients for a page of 50 of a meeting's
    5,000 registrations, a nomination (which records an event), and /health."""
    meeting_ = meeting(stack, f"HT-{uuid.uuid4().hex[:6]}")
    template = stack.request("POST", "registration",
                             f"/meetings/{meeting_['id']}/registrations",
                             json=nominee(0, "ht")).json()
    copies_of_registration(stack, template["id"], 5000, status="nominated", tag="htc")
    port = stack.ports["registration"]
    auth = {**HEADERS, "Content-Type": "application/json"}
    run = str(uuid.uuid4().hex[:6])
    endpoints = {
        "list": lambda c, n: ("GET", f"/meetings/{meeting_['id']}/registrations?limit=50",
                              None, auth),
        "create": lambda c, n: ("POST", f"/meetings/{meeting_['id']}/registrations",
                                json.dumps(nominee(f"{run}-{c}-{n}", "new")).encode(), auth),
        "health": lambda c, n: ("GET", "/health", None, {}),
    }
    return {name: load.run(port, request, clients=clients, seconds=seconds)
            for name, request in endpoints.items()}


def bare_ceiling(port, seconds, clients=10):
    return load.run(port, lambda c, n: ("GET", "/ping", None, {}), clients=clients,
                    seconds=seconds)


# Latency -------------------------------------------------------------------------------------

class StreamWatcher:
    """An open /feed/stream of registration_confirmed entries; notes when each subject's
    entry arrives."""

    def __init__(self, stack):
        self.arrived = {}
        self._response = requests.get(
            stack.url("notifications") + "/feed/stream",
            params={"type": "registration_confirmed"}, headers=HEADERS, stream=True,
            timeout=(10, 600))
        self._response.raise_for_status()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        try:
            for line in self._response.iter_lines(chunk_size=None):
                if line.startswith(b"data: "):
                    entry = json.loads(line[6:])
                    self.arrived[entry["subject"]["id"]] = time.perf_counter()
        except (requests.RequestException, AttributeError, ValueError):
            return  # closed by close()

    def close(self):
        self._response.close()


def latency(stack, rate, seconds):
    """p50/p95/p99 ms from a confirmation's answer to its entry on an open /feed/stream,
    with confirmations sent at a steady `rate` per second for `seconds`."""
    def send_steadily(confirm, ids):
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=20) as pool:
            for number, registration_id in enumerate(ids):
                delay = started + number / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(confirm, registration_id)
        return ids

    return _to_the_stream(stack, int(rate * seconds), send_steadily)


def latency_at_saturation(stack, seconds, clients=10, at_most_per_s=500):
    """The same figures with confirmations sent as fast as `clients` closed-loop clients
    get their answers, for `seconds` (the run ends early should it use up the
    `at_most_per_s * seconds` registrations made)."""
    def send_flat_out(confirm, ids):
        waiting, sent = iter(ids), []
        handing_out = threading.Lock()
        deadline = time.perf_counter() + seconds

        def client():
            while time.perf_counter() < deadline:
                with handing_out:
                    registration_id = next(waiting, None)
                if registration_id is None:
                    return
                confirm(registration_id)
                sent.append(registration_id)

        workers = [threading.Thread(target=client) for _ in range(clients)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return sent

    return _to_the_stream(stack, int(at_most_per_s * seconds), send_flat_out)


def _to_the_stream(stack, count, send):
    """Make `count` nominations, open a stream, `send(confirm, ids)` (which returns the ids
    it confirmed), and time each confirmed one from its answer to its stream entry; also
    the confirmations a second that `send` made."""
    meeting_ = meeting(stack, f"LA-{uuid.uuid4().hex[:6]}")
    template = stack.request("POST", "registration",
                             f"/meetings/{meeting_['id']}/registrations",
                             json=nominee(0, "la")).json()
    ids = copies_of_registration(stack, template["id"], count, status="nominated", tag="lac")
    watcher = StreamWatcher(stack)
    time.sleep(1)  # the stream's first frame is out; it now waits for new entries
    answered = {}
    sessions = threading.local()  # a requests.Session is not to be shared between threads

    def confirm(registration_id):
        if not hasattr(sessions, "session"):
            sessions.session = requests.Session()
        sessions.session.post(
            f"{stack.url('registration')}/registrations/{registration_id}/confirm",
            json={"funded": False}, headers=HEADERS, timeout=60).raise_for_status()
        answered[registration_id] = time.perf_counter()

    started = time.perf_counter()
    confirmed = send(confirm, ids)
    sent_for = time.perf_counter() - started
    wait_until(lambda: all(i in watcher.arrived for i in confirmed), timeout=120,
               what="every confirmation on the stream")
    watcher.close()
    samples = [(watcher.arrived[i] - answered[i]) * 1000 for i in confirmed]
    return {"samples": len(samples), "p50": round(load.percentile(samples, 0.5), 1),
            "p95": round(load.percentile(samples, 0.95), 1),
            "p99": round(load.percentile(samples, 0.99), 1),
            "confirmations_per_s": round(len(confirmed) / sent_for, 1)}


# Scale ---------------------------------------------------------------------------------------

RARE_OWNER = "rc-brno"  # one entry in 10,000


def big_feed(stack, entries):
    """Put `entries` feed entries in notifications' database with one INSERT ... SELECT
    (notifications stopped meanwhile, so SQLite's write lock is not held against it)."""
    engine = stack.databases.engine("notifications")
    numbers = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
               f"WHERE i < {entries}) " if engine.dialect.name == "sqlite" else "")
    source = ("FROM n" if engine.dialect.name == "sqlite"
              else f"FROM generate_series(1, {entries}) AS n(i)")
    padded = ("printf('%036d', i)" if engine.dialect.name == "sqlite"
              else "lpad(i::text, 36, '0')")
    with engine.begin() as connection:
        connection.execute(text(
            f"{numbers}INSERT INTO feed_entries (id, at, type, producer, meeting_id, "
            "meeting_code, actor, owner, summary, subject_kind, subject_id, data) "
            f"SELECT {padded}, :at, CASE WHEN i % 3 = 0 THEN 'document_submitted' "
            "ELSE 'registration_submitted' END, 'registration', :meeting, 'BIG-1', 'mc', "
            f"CASE WHEN i % 10000 = 0 THEN '{RARE_OWNER}' ELSE 'mc' END, 'A bench entry', "
            f"'registration', {padded}, '{{}}' {source}"),
            {"at": datetime(2030, 1, 1, tzinfo=timezone.utc), "meeting": str(uuid.uuid4())})
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE feed_entries"))


def feed_pages(stack, entries, repeat=5):
    """Median ms for pages of 50 of the big feed: the newest, one deep in it (half-way
    down), and on a rare owner (newest and deep)."""
    deep = encode_cursor(entries // 2)
    queries = {"first": {}, "deep": {"cursor": deep}, "rare_owner": {"owner": RARE_OWNER},
               "rare_owner_deep": {"owner": RARE_OWNER, "cursor": deep}}
    timings = {}
    session = requests.Session()
    for name, params in queries.items():
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = session.get(stack.url("notifications") + "/feed", headers=HEADERS,
                                   params={"limit": 50, **params}, timeout=120)
            samples.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
        timings[name] = round(statistics.median(samples), 1)
    return timings


def delegation_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["given_name", "family_name", "email", "country", "category",
                     "organisation"])
    for number in range(rows):
        writer.writerow(["Ana", f"Delegate {number}", f"d{number}@example.org", "PER", "party",
                         "Ministry of Environment"])
    return out.getvalue().encode()


def big_delegation(stack, rows):
    """Import a `rows`-row delegation file, then stream the meeting's list of participants
    (the imported rows, confirmed with one bulk UPDATE) as CSV and JSON."""
    meeting_ = meeting(stack, f"BD-{uuid.uuid4().hex[:6]}")
    body = delegation_csv(rows)
    started = time.perf_counter()
    response = requests.post(
        stack.url("registration") + f"/meetings/{meeting_['id']}/registrations.csv",
        data=body, headers={**HEADERS, "Content-Type": "text/csv"}, timeout=600)
    result = {"csv_rows": rows, "csv_bytes": len(body),
              "csv_import_status": response.status_code,
              "csv_import_s": round(time.perf_counter() - started, 3)}
    if response.status_code != 201:
        template = stack.request("POST", "registration",
                                 f"/meetings/{meeting_['id']}/registrations",
                                 json=nominee(0, "bd")).json()
        copies_of_registration(stack, template["id"], rows, status="nominated", tag="bdc")
    engine = stack.databases.engine("registration")
    with engine.begin() as connection:
        connection.execute(text("UPDATE registrations SET status = 'confirmed' "
                                "WHERE meeting_id = :meeting"), {"meeting": meeting_["id"]})
    for kind, accept in (("participants_csv", "text/csv"),
                         ("participants_json", "application/json")):
        started = time.perf_counter()
        response = requests.get(
            stack.url("registration") + f"/meetings/{meeting_['id']}/participants",
            headers={**HEADERS, "Accept": accept}, timeout=600, stream=True)
        size = sum(len(chunk) for chunk in response.iter_content(65536))
        result[f"{kind}_s"] = round(time.perf_counter() - started, 3)
        result[f"{kind}_bytes"] = size
        result[f"{kind}_status"] = response.status_code
    return result
