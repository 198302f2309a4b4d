"""Process configuration from the environment (CONTRACT.md defaults), checked at start.

    AMQP_URI                  broker (default amqp://guest:guest@localhost:5672/); a cluster's
                              nodes separated by ";" (failover without a restart)
    <SERVICE>_PORT            HTTP port (registration 8001 ... support 8005)
    <SERVICE>_DATABASE_URL    database (default SQLite at var/<service>.db)
    COORD_TOKENS_FILE         YAML of organisation -> token digests (a secret)
    COORD_ENV                 "production" refuses to start without a tokens file
    COORD_ROLE                all (default) | api (HTTP, timers, outbox relay) |
                              worker (event consumers only, no HTTP port)
    COORD_MIGRATE             1: bring the database to the release's revision at start;
                              otherwise a database behind it stops the service
    COORD_MAX_WORKERS         concurrent workers per service, also the consumer prefetch
    DATABASE_POOL_SIZE        database connections a process keeps (as many more under load)
    EVENT_RETRY_DELAYS        seconds before each retry of a failing handler, e.g. "1,5,30"
    EVENT_MAX_BYTES           largest event a consumer takes (default 65536); larger is parked
    OUTBOX_RETENTION          how long published outbox rows are kept (default 7d; s, m, h, d)
    INBOX_RETENTION           how long handled event ids are kept (default 30d): longer than
                              any message may wait parked, or a late replay acts twice
    RETENTION_INTERVAL        how often both are pruned (default 1h)
    WEBHOOK_*                 webhook delivery settings (notifications), passed through
    OUTBOX_RELAY              on | off (the worker role never relays)
    DELEGATION_MAX_ROWS       participants a delegation CSV may hold (default 100000)
    DELEGATION_MAX_BYTES      bytes a delegation CSV may have (default 32 MiB)
    COORD_ACCESS_LOG          on: one INFO line per HTTP request; off (default): DEBUG

A value that cannot be right stops the service at start with one line naming the
variable (`ConfigurationError`), rather than failing on the first request or event.
"""
import os
import re
from urllib.parse import urlsplit

import yaml
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from coord.auth import TokenRegistry
from coord.errors import Invalid
from coord.event_schemas import DEFAULT_MAX_BYTES as DEFAULT_EVENT_MAX_BYTES

SERVICES = ("registration", "travel", "documents", "notifications", "support")
DEFAULT_PORTS = dict(zip(SERVICES, (8001, 8002, 8003, 8004, 8005)))
DEFAULT_AMQP_URI = "amqp://guest:guest@localhost:5672/"
ROLES = ("all", "api", "worker")


class ConfigurationError(Exception):
    """A variable or secret that is missing or malformed; the message names it."""


def var_dir():
    return os.path.abspath(os.environ.get("COORD_VAR_DIR", "var"))


def database_url(service):
    default = f"sqlite:///{os.path.join(var_dir(), service + '.db')}"
    return os.environ.get(f"{service.upper()}_DATABASE_URL", default)


def port(service):
    return _integer(f"{service.upper()}_PORT", DEFAULT_PORTS[service], 1, 65535)


def role():
    value = os.environ.get("COORD_ROLE", "all")
    if value not in ROLES:
        raise ConfigurationError(f"COORD_ROLE={value!r} is not one of {', '.join(ROLES)}.")
    return value


def access_log():
    return _choice("COORD_ACCESS_LOG", "off", {"off": False, "on": True})


def migrate_at_start():
    return _choice("COORD_MIGRATE", "0", {"0": False, "1": True})


def without_password(url):
    """A URL fit for a log line: the password replaced by *** (in each of a `;`-separated
    list of broker addresses)."""
    if ";" in url:
        return ";".join(without_password(part) for part in url.split(";"))
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return parts._replace(netloc=netloc).geturl()
    return url


def _integer(name, default, minimum, maximum=None):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < minimum or (maximum is not None and value > maximum):
        bounds = f"{minimum}-{maximum}" if maximum is not None else f">= {minimum}"
        raise ConfigurationError(f"{name}={raw!r} is not a whole number ({bounds}).")
    return value


def _choice(name, default, choices):
    raw = os.environ.get(name, default).strip().lower()
    if raw not in choices:
        raise ConfigurationError(
            f"{name}={raw!r} is not one of {', '.join(sorted(choices))}.")
    return choices[raw]


def _amqp_uri():
    """AMQP_URI: one broker, or the nodes of a cluster separated by `;`
    (`amqp://u:p@node1:5672/;amqp://u:p@node2:5672/`): connections go to the first that
    answers and fail over to the next, without a restart."""
    uri = os.environ.get("AMQP_URI", DEFAULT_AMQP_URI)
    for node in uri.split(";"):
        parts = urlsplit(node)
        try:
            parts.port  # noqa: B018 -- raises ValueError on a port that is not a number
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("amqp", "amqps", "pyamqp") or not parts.hostname:
            raise ConfigurationError(
                f"AMQP_URI={without_password(node)!r} is not an amqp://user:password@host:port/vhost "
                "URI (several, for a cluster, separated by ;).")
    return uri


def _database_url(service):
    name = f"{service.upper()}_DATABASE_URL"
    url = database_url(service)
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        backend = None
    if backend not in ("sqlite", "postgresql"):
        raise ConfigurationError(
            f"{name}={without_password(url)!r} is not a sqlite:/// or postgresql:// URL.")
    return url


def _tokens_file():
    path = os.environ.get("COORD_TOKENS_FILE")
    if not path:
        if os.environ.get("COORD_ENV") == "production":
            raise ConfigurationError(
                "COORD_TOKENS_FILE is missing: COORD_ENV=production needs the tokens file "
                "(organisation -> SHA-256 digests).")
        return None
    try:
        TokenRegistry.from_file(path)
    except OSError as exc:
        raise ConfigurationError(f"COORD_TOKENS_FILE={path}: {exc.strerror}.") from exc
    except (yaml.YAMLError, Invalid, AttributeError, TypeError) as exc:
        raise ConfigurationError(
            f"COORD_TOKENS_FILE={path} is not a map of organisation -> list of SHA-256 "
            f"digests ({_one_line(exc)}).") from exc
    return path


def _retry_delays():
    raw = os.environ.get("EVENT_RETRY_DELAYS")
    if not raw:
        return None
    if not re.fullmatch(r"\s*\d+(\.\d+)?\s*(,\s*\d+(\.\d+)?\s*)*", raw):
        raise ConfigurationError(
            f"EVENT_RETRY_DELAYS={raw!r} is not a comma-separated list of seconds, e.g. 1,5,30.")
    return raw


DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def _duration(name, default):
    """Seconds from `90`, `90s`, `15m`, `12h` or `7d`."""
    raw = os.environ.get(name) or default
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", raw)
    if match is None:
        raise ConfigurationError(
            f"{name}={raw!r} is not a duration: a number of seconds, or with s, m, h or d.")
    return float(match.group(1)) * DURATION_UNITS[match.group(2)]


def _one_line(exc):
    return " ".join(str(exc).split())


def nameko_config(service, role_=None):
    """The nameko config dict for one service process; ConfigurationError names the first
    variable that is missing or malformed."""
    role_ = role_ or role()
    relay = _choice("OUTBOX_RELAY", "on", {"on": "on", "off": "off"})
    config = {
        "AMQP_URI": _amqp_uri(),
        "WEB_SERVER_ADDRESS": f"{os.environ.get('COORD_BIND', '0.0.0.0')}:{port(service)}",
        "DATABASE_URL": _database_url(service),
        "COORD_TOKENS_FILE": _tokens_file(),
        "max_workers": _integer("COORD_MAX_WORKERS", 50, 1),
        "DATABASE_POOL_SIZE": _integer("DATABASE_POOL_SIZE", 10, 1),
        "EVENT_MAX_BYTES": _integer("EVENT_MAX_BYTES", DEFAULT_EVENT_MAX_BYTES, 1024),
        "OUTBOX_RETENTION": _duration("OUTBOX_RETENTION", "7d"),
        "INBOX_RETENTION": _duration("INBOX_RETENTION", "30d"),
        "RETENTION_INTERVAL": _duration("RETENTION_INTERVAL", "1h"),
        # registration's delegation files (services/registration/delegation_csv.Limits)
        "DELEGATION_MAX_ROWS": _integer("DELEGATION_MAX_ROWS", 100_000, 1),
        "DELEGATION_MAX_BYTES": _integer("DELEGATION_MAX_BYTES", 32 * 2 ** 20, 1024),
        "OUTBOX_RELAY": "off" if role_ == "worker" else relay,
        "COORD_ROLE": role_,
    }
    # Webhook delivery settings (services/notifications/webhooks.py) pass through as given.
    config.update({key: value for key, value in os.environ.items() if key.startswith("WEBHOOK_")})
    retry_delays = _retry_delays()
    if retry_delays:
        config["EVENT_RETRY_DELAYS"] = retry_delays
    return config
