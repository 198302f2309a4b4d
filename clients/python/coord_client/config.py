"""Where the services are and which token to send, from the environment.

    COORD_HOST            host of every service (default localhost)
    <SERVICE>_PORT        each service's port (REGISTRATION_PORT=8001 ... SUPPORT_PORT=8005)
    COORD_URL_<SERVICE>   a full base URL instead, e.g. behind a proxy with https
    COORD_TOKEN           the plain token; else the development tokens file that `make run`
                          writes (COORD_TOKENS_PLAIN, default var/tokens.plain.yaml), as the
                          organisation COORD_ORG (default mc)

The same settings can live in a YAML file, COORD_CONFIG (default ~/.config/coord.yaml),
which the environment overrides:

    host: coord.example.org
    token: <plain token>
    ports: {travel: 8002}
    urls: {notifications: https://coord.example.org/notifications}
"""
import os

import yaml

from coord_client.errors import CoordClientError

SERVICES = ("registration", "travel", "documents", "notifications", "support")
DEFAULT_PORTS = dict(zip(SERVICES, (8001, 8002, 8003, 8004, 8005)))
DEVELOPMENT_TOKENS = os.path.join("var", "tokens.plain.yaml")


def environment(environ=os.environ):
    """The settings: the config file's, overridden by the environment's."""
    path = environ.get("COORD_CONFIG") or os.path.expanduser("~/.config/coord.yaml")
    try:
        with open(path, encoding="utf-8") as handle:
            values = yaml.safe_load(handle) or {}
    except FileNotFoundError:
        if environ.get("COORD_CONFIG"):
            raise CoordClientError(f"COORD_CONFIG={path} does not exist.") from None
        values = {}
    except (OSError, yaml.YAMLError) as exc:
        raise CoordClientError(f"Cannot read the config file {path}: {exc}") from None
    if not isinstance(values, dict):
        raise CoordClientError(f"The config file {path} is not a mapping of settings.")
    settings = {"COORD_HOST": values.get("host"), "COORD_TOKEN": values.get("token"),
                "COORD_ORG": values.get("organisation")}
    for service, port in (values.get("ports") or {}).items():
        settings[f"{service.upper()}_PORT"] = str(port)
    for service, url in (values.get("urls") or {}).items():
        settings[f"COORD_URL_{service.upper()}"] = url
    return {**{key: value for key, value in settings.items() if value}, **environ}


def base_urls(environ=os.environ):
    host = environ.get("COORD_HOST") or "localhost"
    urls = {}
    for service in SERVICES:
        port = environ.get(f"{service.upper()}_PORT") or DEFAULT_PORTS[service]
        urls[service] = (environ.get(f"COORD_URL_{service.upper()}")
                         or f"http://{host}:{port}").rstrip("/")
    return urls


def token(environ=os.environ, organisation=None):
    """The token to send: COORD_TOKEN, else `organisation`'s in the development file."""
    if environ.get("COORD_TOKEN") and not organisation:
        return environ["COORD_TOKEN"]
    path = environ.get("COORD_TOKENS_PLAIN") or os.path.join(
        environ.get("COORD_VAR_DIR") or "var", "tokens.plain.yaml")
    organisation = organisation or environ.get("COORD_ORG") or "mc"
    try:
        with open(path, encoding="utf-8") as handle:
            plain = yaml.safe_load(handle) or {}
    except OSError:
        raise CoordClientError(
            f"No token: set COORD_TOKEN, or run `make run` here so that {path} exists.") from None
    if organisation not in plain:
        raise CoordClientError(f"{path} has no token for {organisation!r}.")
    return plain[organisation]
