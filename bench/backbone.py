"""Benchmark of the event backbone, on real processes and the real broker.

    make bench          (or: .venv/bin/python bench/backbone.py --confirmations 100 --backlog 5000)

1. Latency: HTTP confirmation answered -> its entry in the notifications feed.
2. Throughput: a backlog of events committed while the relay was off, published by the
   relay and consumed into the feed once the producer restarts.
Timings live here, not in tests: the machines are shared and noisy.
"""
import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

import requests
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from coord.auth import digest  # noqa: E402
from coord.envelope import Event  # noqa: E402

MANAGEMENT = "http://guest:guest@localhost:15672/api"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout=60, interval=0.002):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark condition not reached")
        time.sleep(interval)


class Stack:
    def __init__(self, workdir):
        self.vhost = f"coord_bench_{uuid.uuid4().hex[:8]}"
        requests.put(f"{MANAGEMENT}/vhosts/{self.vhost}", timeout=5).raise_for_status()
        requests.put(f"{MANAGEMENT}/permissions/{self.vhost}/guest", timeout=5,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        tokens = workdir / "tokens.yaml"
        tokens.write_text(yaml.safe_dump({"mc": [digest("bench")]}))
        self.ports = {"registration": free_port(), "notifications": free_port()}
        self.env = {**os.environ, "AMQP_URI": f"amqp://guest:guest@localhost:5672/{self.vhost}",
                    "COORD_VAR_DIR": str(workdir), "COORD_TOKENS_FILE": str(tokens),
                    "COORD_BIND": "127.0.0.1",
                    **{f"{s.upper()}_PORT": str(p) for s, p in self.ports.items()}}
        subprocess.run([sys.executable, "-m", "coord.migrations", "upgrade", "all"], cwd=ROOT,
                       env=self.env, check=True, capture_output=True)
        self.processes = {}
        self.headers = {"Authorization": "Bearer bench"}

    def url(self, service):
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(self, service, **env):
        self.processes[service] = subprocess.Popen(
            [sys.executable, "-m", "coord.run", service], cwd=ROOT,
            env={**self.env, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: self._healthy(service), interval=0.1)

    def _healthy(self, service):
        try:
            return requests.get(self.url(service) + "/health", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def stop(self, service):
        process = self.processes.pop(service)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)

    def close(self):
        for service in list(self.processes):
            self.stop(service)
        requests.delete(f"{MANAGEMENT}/vhosts/{self.vhost}", timeout=5)

    def post(self, path, body):
        response = requests.post(self.url("registration") + path, json=body,
                                 headers=self.headers, timeout=10)
        response.raise_for_status()
        return response.json()

    def feed_count(self, **params):
        response = requests.get(self.url("notifications") + "/feed", headers=self.headers,
                                params={"limit": 1, **params}, timeout=10)
        return response.json()["items"]


def latency(stack, confirmations):
    meeting = stack.post("/meetings", {
        "code": "BENCH-1", "title": "Benchmark", "kind": "expert", "city": "Geneva",
        "country": "CHE", "starts_on": "2018-03-05", "ends_on": "2018-03-09",
        "symbol_prefix": "UNEP/MC/BENCH.1"})
    samples = []
    for number in range(confirmations):
        nominee = stack.post(f"/meetings/{meeting['id']}/registrations", {
            "given_name": "Ana", "family_name": f"Bench {number}", "country": "PER",
            "email": f"bench{number}@example.org", "category": "party", "organisation": "X"})
        stack.post(f"/registrations/{nominee['id']}/confirm", {"funded": False})
        answered = time.perf_counter()
        wait_until(lambda: (items := stack.feed_count(type="registration_confirmed"))
                   and items[0]["subject"]["id"] == nominee["id"])
        samples.append((time.perf_counter() - answered) * 1000)
    samples.sort()
    return {"samples": len(samples), "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 1),
            "max_ms": round(samples[-1], 1)}


def backlog(stack, workdir, events):
    """Commit `events` outbox rows directly, as a crashed producer would have left them."""
    import sqlite3

    stack.stop("registration")
    database = sqlite3.connect(str(workdir / "registration.db"))
    now = time.strftime("%Y-%m-%d %H:%M:%S.000000")
    rows = []
    for _ in range(events):
        envelope = Event("meeting_scheduled", "meeting", str(uuid.uuid4()), actor="mc",
                         data={"code": "BACKLOG"}).envelope("registration")
        rows.append((envelope["event_id"], envelope["type"], json.dumps(envelope), now))
    database.executemany(
        "INSERT INTO outbox (event_id, type, payload, created_at) VALUES (?, ?, ?, ?)", rows)
    database.commit()
    before = len_feed(stack)
    started = time.perf_counter()
    stack.start("registration")
    wait_until(lambda: len_feed(stack) >= before + events, timeout=600, interval=0.2)
    seconds = time.perf_counter() - started
    return {"events": events, "seconds": round(seconds, 2),
            "events_per_second": round(events / seconds)}


def len_feed(stack):
    import sqlite3

    with sqlite3.connect(stack.env["COORD_VAR_DIR"] + "/notifications.db") as database:
        return database.execute("SELECT count(*) FROM feed_entries").fetchone()[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--confirmations", type=int, default=100)
    parser.add_argument("--backlog", type=int, default=5000)
    args = parser.parse_args()
    from pathlib import Path

    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        stack = Stack(workdir)
        try:
            stack.start("registration")
            stack.start("notifications")
            results = {"confirmation_to_feed": latency(stack, args.confirmations),
                       "backlog_through_relay_to_feed": backlog(stack, workdir, args.backlog)}
        finally:
            stack.close()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
