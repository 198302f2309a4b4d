"""Process configuration from the environment (CONTRACT.md defaults).

    AMQP_URI                  broker (default amqp://guest:guest@localhost:5672/)
    <SERVICE>_PORT            HTTP port (registration 8001 ... support 8005)
    <SERVICE>_DATABASE_URL    database (default SQLite at var/<service>.db)
    COORD_TOKENS_FILE         YAML of organisation -> token digests
    COORD_ENV                 "production" refuses to start without a tokens file
    COORD_MAX_WORKERS         concurrent workers per service, also the consumer prefetch
    DATABASE_POOL_SIZE        database connections a process keeps (as many more under load)
    EVENT_RETRY_DELAYS        seconds before each retry of a failing handler, e.g. "1,5,30"
    WEBHOOK_*                 webhook delivery settings (notifications), passed through
"""
import os

SERVICES = ("registration", "travel", "documents", "notifications", "support")
DEFAULT_PORTS = dict(zip(SERVICES, (8001, 8002, 8003, 8004, 8005)))
DEFAULT_AMQP_URI = "amqp://guest:guest@localhost:5672/"


def var_dir():
    return os.path.abspath(os.environ.get("COORD_VAR_DIR", "var"))


def database_url(service):
    default = f"sqlite:///{os.path.join(var_dir(), service + '.db')}"
    return os.environ.get(f"{service.upper()}_DATABASE_URL", default)


def port(service):
    return int(os.environ.get(f"{service.upper()}_PORT", DEFAULT_PORTS[service]))


class ConfigurationError(Exception):
    pass


def nameko_config(service):
    """The nameko config dict for one service process."""
    tokens_file = os.environ.get("COORD_TOKENS_FILE")
    if os.environ.get("COORD_ENV") == "production" and not tokens_file:
        raise ConfigurationError(
            "COORD_ENV=production needs COORD_TOKENS_FILE (organisation -> SHA-256 digests); "
            "refusing to start without it.")
    if tokens_file and not os.path.isfile(tokens_file):
        raise ConfigurationError(f"COORD_TOKENS_FILE={tokens_file} does not exist.")
    config = {
        "AMQP_URI": os.environ.get("AMQP_URI", DEFAULT_AMQP_URI),
        "WEB_SERVER_ADDRESS": f"{os.environ.get('COORD_BIND', '0.0.0.0')}:{port(service)}",
        "DATABASE_URL": database_url(service),
        "COORD_TOKENS_FILE": tokens_file,
        "max_workers": int(os.environ.get("COORD_MAX_WORKERS", 50)),
        "DATABASE_POOL_SIZE": int(os.environ.get("DATABASE_POOL_SIZE", 10)),
        "OUTBOX_RELAY": os.environ.get("OUTBOX_RELAY", "on"),
    }
    # Webhook delivery settings (services/notifications/webhooks.py) pass through as given.
    config.update({key: value for key, value in os.environ.items() if key.startswith("WEBHOOK_")})
    if os.environ.get("EVENT_RETRY_DELAYS"):
        config["EVENT_RETRY_DELAYS"] = os.environ["EVENT_RETRY_DELAYS"]
    return config
