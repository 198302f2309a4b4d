"""The system under test: a fresh vhost, fresh databases (SQLite files or PostgreSQL
databases), and real service processes (`python -m coord.run`), as `make run` starts them."""
import os
import signal
import subprocess
import sys
import uuid
from urllib.parse import urlsplit

import psycopg2
import requests
import yaml
from sqlalchemy import create_engine

from coord.auth import digest
from tests.support import free_port, wait_for  # noqa: F401 (free_port: for bench)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "bench-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


def wait_until(predicate, timeout=120.0, interval=0.01, what="condition"):
    return wait_for(predicate, timeout=timeout, interval=interval, message=what)


class Vhost:
    """A vhost of its own, made and dropped with rabbitmqctl (no management plugin)."""

    def __init__(self, amqp_uri):
        self.name = f"coord_bench_{uuid.uuid4().hex[:8]}"
        parts = urlsplit(amqp_uri)
        self.uri = f"{parts.scheme}://{parts.netloc}/{self.name}"
        user = parts.username or "guest"
        _rabbitmqctl(f'rabbit_vhost:add(<<"{self.name}">>, <<"bench">>), '
                     f'rabbit_auth_backend_internal:set_permissions(<<"{user}">>, '
                     f'<<"{self.name}">>, <<".*">>, <<".*">>, <<".*">>, <<"bench">>)')

    def drop(self):
        """Dropping a vhost can take the broker minutes when it is busy: it goes on after
        the benchmark has printed its figures."""
        subprocess.Popen(_rabbitmqctl_command(f'rabbit_vhost:delete(<<"{self.name}">>, '
                                              '<<"bench">>)'),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)


def _rabbitmqctl_command(expressions):
    return [os.environ.get("RABBITMQCTL", "rabbitmqctl"), "eval", expressions + ", ok."]


def _rabbitmqctl(expressions):
    subprocess.run(_rabbitmqctl_command(expressions), check=True, capture_output=True,
                   timeout=300)


class Databases:
    """Each service's database on `kind` ("sqlite" or "postgresql"), migrated."""

    def __init__(self, kind, workdir, postgresql_url):
        self.kind = kind
        self.workdir = workdir
        self.postgresql_url = postgresql_url.rstrip("/")
        self.prefix = f"coord_bench_{uuid.uuid4().hex[:8]}"
        self.urls = {}
        for service in ("registration", "travel", "documents", "notifications", "support"):
            if kind == "sqlite":
                self.urls[service] = f"sqlite:///{workdir}/{kind}-{service}.db"
            else:
                name = f"{self.prefix}_{service}"
                self._admin(f'CREATE DATABASE "{name}"')
                self.urls[service] = f"{self.postgresql_url}/{name}"
        self._engines = {}

    def env(self):
        return {f"{service.upper()}_DATABASE_URL": url for service, url in self.urls.items()}

    def engine(self, service):
        if service not in self._engines:
            self._engines[service] = create_engine(self.urls[service])
        return self._engines[service]

    def drop(self):
        for engine in self._engines.values():
            engine.dispose()
        if self.kind == "postgresql":
            for service in self.urls:
                self._admin(f'DROP DATABASE IF EXISTS "{self.prefix}_{service}" WITH (FORCE)')

    def _admin(self, statement):
        connection = psycopg2.connect(f"{self.postgresql_url}/postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(statement)
        connection.close()


class Stack:
    """Services of one database kind on one vhost."""

    def __init__(self, vhost, databases, workdir, **extra_env):
        tokens = workdir / "tokens.yaml"
        tokens.write_text(yaml.safe_dump({"mc": [digest(TOKEN)]}))
        self.databases = databases
        self.workdir = workdir
        self.ports = {}
        self.processes = {}
        self.env = {key: value for key, value in os.environ.items()
                    if not key.endswith(("_PORT", "_DATABASE_URL"))}
        self.env.update({"AMQP_URI": vhost.uri, "COORD_VAR_DIR": str(workdir),
                         "COORD_TOKENS_FILE": str(tokens), "COORD_BIND": "127.0.0.1",
                         **databases.env(), **extra_env})
        subprocess.run([sys.executable, "-m", "coord.migrations", "upgrade", "all"], cwd=ROOT,
                       env=self.env, check=True, capture_output=True)

    def start(self, *services):
        for service in services:
            self.ports[service] = free_port()
            self.processes[service] = subprocess.Popen(
                [sys.executable, "-m", "coord.run", service], cwd=ROOT,
                env={**self.env, f"{service.upper()}_PORT": str(self.ports[service])},
                stdout=open(self.workdir / f"{service}.log", "ab"), stderr=subprocess.STDOUT)
        for service in services:
            wait_until(lambda: self._healthy(service), interval=0.2, what=f"{service} up")

    def url(self, service):
        return f"http://127.0.0.1:{self.ports[service]}"

    def _healthy(self, service):
        if self.processes[service].poll() is not None:
            log = (self.workdir / f"{service}.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{service} exited with {self.processes[service].returncode}:\n{log}")
        try:
            return requests.get(self.url(service) + "/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def peak_rss_mb(self):
        """Each running service's peak resident memory (VmHWM), in MB."""
        peaks = {}
        for service, process in self.processes.items():
            with open(f"/proc/{process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peaks[service] = round(int(line.split()[1]) / 1024, 1)
        return peaks

    def stop_one(self, service):
        process = self.processes.pop(service)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)

    def stop(self):
        for process in self.processes.values():
            process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = {}

    def request(self, method, service, path, **kwargs):
        response = requests.request(method, self.url(service) + path, headers=HEADERS,
                                    timeout=300, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response
