"""The image and the compose stack, built and started for real.

The image is built from a local base (deploy/base-image.sh: no registry is reachable) and
an offline wheelhouse (`make wheelhouse`); the stack is docker-compose.yml with
compose.host.yml, against this machine's RabbitMQ (a vhost of the test's own) and
PostgreSQL (databases of the test's own, dropped afterwards), on ports of the test's own.
Without a Docker engine the module is skipped with one line saying why.
"""
import os
import shutil
import subprocess
import time
import uuid

import pytest
import yaml

from coord.auth import digest
from coord.settings import SERVICES
from coord.vocabulary import ORGANISATIONS
from tests.support import free_port, wait_for

docker = pytest.importorskip("docker", reason="the docker SDK is not installed")
psycopg2 = pytest.importorskip("psycopg2")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASE_IMAGE = os.environ.get("COORD_TEST_BASE_IMAGE", "coord-base-bookworm:fonts")
IMAGE = "coord-services:test"
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
WORKERS = ("travel-worker", "documents-worker", "notifications-worker", "support-worker")


@pytest.fixture(scope="session")
def engine():
    try:
        client = docker.from_env(timeout=600)
        client.ping()
    except Exception as exc:  # no socket, no daemon, no permission: all mean "no engine"
        pytest.skip(f"no Docker engine answers ({type(exc).__name__}); "
                    "the container tests need one (.ci/run starts dockerd)")
    if not compose_command():
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    return client


def compose_command():
    """`docker compose` (v2) where it works, else `docker-compose` (v1)."""
    if shutil.which("docker") and subprocess.run(
            ["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.fixture(scope="session")
def image(engine):
    """The project's image, built offline from the local base and the wheelhouse."""
    if not _exists(engine, BASE_IMAGE):
        subprocess.run([os.path.join(ROOT, "deploy", "base-image.sh"), BASE_IMAGE], check=True)
    subprocess.run(["make", "-C", ROOT, "--quiet", "wheelhouse"], check=True)
    subprocess.run(["docker", "build", "--quiet", "--build-arg", f"BASE_IMAGE={BASE_IMAGE}",
                    "--build-arg", "PIP_INDEX=--no-index", "-t", IMAGE, ROOT],
                   check=True, stdout=subprocess.DEVNULL)
    return IMAGE


def _exists(engine, name):
    try:
        engine.images.get(name)
        return True
    except docker.errors.ImageNotFound:
        return False


class Stack:
    """One compose project on the host's network, with its own names everywhere."""

    def __init__(self, engine, directory):
        self.engine = engine
        self.name = f"coordtest{uuid.uuid4().hex[:10]}"
        self.vhost = self.name
        self.databases = {service: f"{self.name}_{service}" for service in SERVICES}
        self.ports = {service: free_port() for service in SERVICES}
        self.tokens = {org: f"container-token-{org}-{uuid.uuid4().hex}" for org in ORGANISATIONS}
        tokens_path = directory / "tokens.yaml"
        tokens_path.write_text(yaml.safe_dump({org: [digest(token)]
                                               for org, token in self.tokens.items()}))
        tokens_path.chmod(0o644)  # read by the containers' non-root user
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:5672/{self.vhost}"
        self.env = {
            **os.environ, "COORD_IMAGE": IMAGE, "COORD_TOKENS_PATH": str(tokens_path),
            "AMQP_URI": self.amqp_uri, "COORD_BIND": "127.0.0.1",
            "EVENT_RETRY_DELAYS": "0.5,1,2", "COMPOSE_PROJECT_NAME": self.name,
            # A storage driver without copy-on-write (vfs) takes minutes to create a container.
            "COMPOSE_HTTP_TIMEOUT": "900",
            **{f"{service.upper()}_DATABASE_URL": f"{POSTGRES}/{database}"
               for service, database in self.databases.items()},
            **{f"{service.upper()}_PORT": str(port) for service, port in self.ports.items()},
        }

    def url(self, service):
        return f"http://127.0.0.1:{self.ports[service]}"

    def headers(self, organisation="mc", **extra):
        return {"Authorization": f"Bearer {self.tokens[organisation]}", **extra}

    def compose(self, *args, check=True):
        return subprocess.run(
            compose_command() + ["-f", "docker-compose.yml", "-f", "compose.host.yml", *args],
            cwd=ROOT, env=self.env, check=check, capture_output=True, text=True)

    def create_backing_services(self):
        subprocess.run(["rabbitmqctl", "-q", "add_vhost", self.vhost], check=True)
        subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", self.vhost, "guest",
                        ".*", ".*", ".*"], check=True)
        with _postgres() as cursor:
            for database in self.databases.values():
                cursor.execute(f'CREATE DATABASE "{database}"')

    def remove_backing_services(self):
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", self.vhost], check=False)
        with _postgres() as cursor:
            for database in self.databases.values():
                cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def containers(self, service=None):
        labels = [f"com.docker.compose.project={self.name}"]
        if service:
            labels.append(f"com.docker.compose.service={service}")
        return self.engine.containers.list(all=True, filters={"label": labels})

    def wait_healthy(self, expected_count, timeout=240):
        """Every container of the stack running and healthy (each image healthcheck:
        an api's /health, a worker's database and broker)."""
        def all_healthy():
            containers = self.containers()
            for container in containers:
                container.reload()
                if container.status == "exited":
                    raise AssertionError(f"{container.name} exited:\n"
                                         f"{container.logs(tail=20).decode()}")
            return len(containers) == expected_count and all(
                c.attrs["State"].get("Health", {}).get("Status") == "healthy"
                for c in containers)

        wait_for(all_healthy, timeout=timeout, interval=2,
                 message=f"{expected_count} healthy containers")

    def logs(self):
        return {container.name: container.logs().decode("utf-8", "replace")
                for container in self.containers()}


class _postgres:
    def __enter__(self):
        self.connection = psycopg2.connect(POSTGRES + "/postgres")
        self.connection.autocommit = True
        return self.connection.cursor()

    def __exit__(self, *exc):
        self.connection.close()


@pytest.fixture(scope="module")
def stack(image, engine, tmp_path_factory):
    if not shutil.which("rabbitmqctl"):
        pytest.skip("rabbitmqctl is not here to give the stack a vhost of its own")
    stack = Stack(engine, tmp_path_factory.mktemp("stack"))
    stack.create_backing_services()
    artifacts = os.path.join(ROOT, "test-artifacts", "containers")
    try:
        started = stack.compose("up", "-d", "--no-build", check=False)
        assert started.returncode == 0, started.stderr
        stack.wait_healthy(expected_count=1 + 2 * len(WORKERS))
        yield stack
    finally:
        os.makedirs(artifacts, exist_ok=True)
        for name, text in stack.logs().items():
            with open(os.path.join(artifacts, f"{name}.log"), "w", encoding="utf-8") as handle:
                handle.write(text)
        stack.compose("down", "--volumes", "--timeout", "5", check=False)
        time.sleep(1)
        stack.remove_backing_services()
