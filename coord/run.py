"""Run one service in this process: `python -m coord.run registration [--role api]`.

One process per service, because nameko serves one HTTP server per process. SIGINT and
SIGTERM stop the container gracefully (workers finish, messages are acked or requeued).

Roles (COORD_ROLE or --role): `all` runs everything (what `make run` starts); `api` runs
the HTTP entrypoints, timers and the outbox relay; `worker` runs only the event consumers,
with no HTTP port, so consumers scale out by starting more workers: the broker shares a
queue among them and each consumer's inbox drops a redelivered event.

Before starting, the process checks its configuration and that its database is at this
release's migration revision (migrating it with COORD_MIGRATE=1); a failed check stops it
with one line naming the variable or the revision. Logs are JSON, one object a line.

`--healthcheck` answers for a running process (exit 0 when healthy): an api's /health,
or, for a worker, whether its database and broker answer.
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()  # must precede every other import

import argparse  # noqa: E402
import importlib  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402

import amqp.exceptions  # noqa: E402
from kombu import Connection  # noqa: E402
from kombu.exceptions import OperationalError as BrokerUnavailable  # noqa: E402
from nameko.containers import ServiceContainer  # noqa: E402
from nameko.extensions import iter_extensions  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402
from nameko.utils.concurrency import SpawningSet  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from coord import logs, migrations, settings, topology  # noqa: E402
from coord.events import EventSubscriber  # noqa: E402
from coord.outbox import retry_delays  # noqa: E402

log = logging.getLogger("coord.run")

STOP_GRACE_SECONDS = 10
# How long a starting service waits for its broker and database (compose starts them
# together; an orchestrator restarts a service that gave up).
DEPENDENCY_WAIT_SECONDS = 60


class RoleContainer(ServiceContainer):
    """A nameko container keeping only its role's entrypoints (config COORD_ROLE)."""

    def __init__(self, service_cls, config):
        super().__init__(service_cls, config)
        role = config.get("COORD_ROLE", "all")
        if role == "all":
            return
        self.entrypoints = SpawningSet(
            entrypoint for entrypoint in self.entrypoints
            if isinstance(entrypoint, EventSubscriber) == (role == "worker"))
        self.subextensions = SpawningSet(
            sub for extension in self.entrypoints | self.dependencies
            for sub in iter_extensions(extension))


class RefusalsWithoutTracebacks(logging.Filter):
    """A refused request (4xx) is logged by nameko with a traceback; one line is enough."""

    def filter(self, record):
        if record.getMessage().startswith("(expected) error handling worker"):
            record.exc_info = None
            record.exc_text = None
        return True


def service_class(service):
    module = importlib.import_module(f"services.{service}.service")
    return module.SERVICE


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coord.run")
    parser.add_argument("service", choices=settings.SERVICES)
    parser.add_argument("--role", choices=settings.ROLES,
                        help="default: COORD_ROLE, else all")
    parser.add_argument("--healthcheck", action="store_true",
                        help="exit 0 when the running service is healthy")
    args = parser.parse_args(argv)
    logs.configure(args.service)
    logging.getLogger("nameko.containers").addFilter(RefusalsWithoutTracebacks())
    try:
        role = args.role or settings.role()
        config = settings.nameko_config(args.service, role)
        logs.log_access(settings.access_log())
        if args.healthcheck:
            return 0 if healthy(args.service, config) else 1
        database_at_release_revision(args.service, config["DATABASE_URL"],
                                     settings.migrate_at_start())
        broker_ready(config["AMQP_URI"], retry_delays(config))
    except settings.ConfigurationError as exc:
        log.error("%s", exc)
        return 2
    config["SERVICE_CONTAINER_CLS"] = "coord.run.RoleContainer"
    runner = ServiceRunner(config)
    runner.add_service(service_class(args.service))

    stopping = []

    def shutdown(signum, _frame):
        """First signal: stop gracefully; exit at once if that takes too long (a container
        that never reached the broker cannot stop its consumer), or at a second signal."""
        if stopping and signum != stopping[0]:  # Ctrl-C, then devserver's SIGTERM: one stop
            return
        if len(stopping) == 1 and signum == stopping[0]:
            log.warning("second signal: not waiting for %s to stop", args.service)
            _kill_if_still_running()
        stopping.append(signum)
        log.info("stopping %s (signal %s)", args.service, signum)
        eventlet.spawn_n(runner.stop)
        eventlet.spawn_after(STOP_GRACE_SECONDS, _kill_if_still_running)

    def _kill_if_still_running():
        # Safe: transactions are atomic, unacked messages are redelivered, and committed
        # events wait in the outbox.
        log.warning("%s did not stop within %ss; exiting now", args.service, STOP_GRACE_SECONDS)
        logging.shutdown()
        os._exit(1)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    runner.start()
    if role == "worker":
        log.info("%s worker consuming events", args.service)
    else:
        log.info("%s (%s) listening on http://%s", args.service, role,
                 config["WEB_SERVER_ADDRESS"])
    runner.wait()
    return 0


def wait_for(name, value, check, seconds=DEPENDENCY_WAIT_SECONDS):
    """Call `check()` until it stops raising (a broker or database still starting), for at
    most `seconds`; then stop the service with one line naming the variable `name`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return check()
        except (OperationalError, BrokerUnavailable, OSError) as exc:
            reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:200]
            if time.monotonic() > deadline:
                raise settings.ConfigurationError(
                    f"{name}={settings.without_password(value)!r} did not answer for "
                    f"{seconds}s ({reason}).") from exc
            log.warning("%s unreachable (%s); retrying", name, reason)
            time.sleep(2)


def broker_ready(uri, delays):
    """Wait for the broker, then declare the system's queues as this release does: a
    broker still holding an earlier release's classic queues refuses them, and the
    service stops with one line saying how to upgrade them, rather than start and have
    its relay and consumers fail on every reconnection."""
    wait_for("AMQP_URI", uri, lambda: _declare_topology(uri, delays))


def _declare_topology(uri, delays):
    with Connection(uri, connect_timeout=5) as broker:
        broker.ensure_connection(max_retries=1)
        try:
            topology.declare(broker.default_channel, delays)
        except amqp.exceptions.PreconditionFailed as exc:
            raise settings.ConfigurationError(
                f"the broker at AMQP_URI={settings.without_password(uri)!r} holds queues "
                f"this release declares otherwise ({' '.join(str(exc).split())[:200]}): "
                "run `python -m coord.queue_upgrade` first (OPERATIONS.md, Upgrade).") from exc


def _connect_to_broker(uri):
    with Connection(uri, connect_timeout=5) as broker:
        broker.ensure_connection(max_retries=1)


def database_at_release_revision(service, url, migrate):
    """Wait for the database server, then refuse to run on a database behind this
    release's migrations, or bring it there when `migrate`."""
    current, head = wait_for(f"{service.upper()}_DATABASE_URL", url,
                             lambda: migrations.revisions(service, url),
                             seconds=0 if url.startswith("sqlite") else DEPENDENCY_WAIT_SECONDS)
    if current == head:
        return
    if migrate:
        log.info("migrating the %s database from %s to %s", service, current, head)
        migrations.upgrade(service, url)
        return
    raise settings.ConfigurationError(
        f"the {service} database is at revision {current or '(none: empty)'}; this release "
        f"needs {head}: run `python -m coord.migrations upgrade {service}` or start with "
        "COORD_MIGRATE=1.")


def healthy(service, config):
    """An api answers /health with 200; a worker reaches its database and its broker."""
    if config["COORD_ROLE"] != "worker":
        port = config["WEB_SERVER_ADDRESS"].rsplit(":", 1)[1]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5):
                return True
        except OSError:
            return False
    engine = create_engine(config["DATABASE_URL"], poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        _connect_to_broker(config["AMQP_URI"])
        return True
    except Exception as exc:  # any failure means unhealthy; say why in one line
        log.warning("unhealthy: %s", " ".join(str(exc).split())[:300])
        return False
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
