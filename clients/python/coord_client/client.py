"""`Coord`: one client per service, each with one method per operation (operations.py).

    coord = Coord(token="...", urls={"travel": "http://localhost:8002", ...})
    for case in coord.travel.list_cases(owner="brs", status="open"):
        coord.travel.issue_ticket(case.id, carrier="KQ", ticket_number="706-1", ...)

Idempotent calls (GET, PUT, DELETE) are sent again, with growing delays, after a 503 or a
connection that failed; a POST is sent once, so a lost answer never books twice.
"""
import json
import os
import re
import string

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from coord_client import config
from coord_client.errors import CoordClientError, ServiceUnreachable, error_for
from coord_client.operations import COMMON, OPERATIONS, Page, Stream

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class Transport:
    """HTTP for every service client: the token, timeouts, retries and error mapping."""

    def __init__(self, token, retries=4, backoff=0.5, timeout=30.0):
        self.token = token
        self.timeout = timeout
        self._retrying = requests.Session()
        self._retrying.mount("http://", HTTPAdapter(max_retries=Retry(
            total=retries, connect=retries, read=retries, status=retries,
            backoff_factor=backoff, status_forcelist=(503,), allowed_methods=IDEMPOTENT,
            raise_on_status=False, respect_retry_after_header=True)))
        self._retrying.mount("https://", self._retrying.get_adapter("http://"))
        self._once = requests.Session()

    def send(self, method, url, *, stream=False, headers=None, **kwargs):
        session = self._retrying if method in IDEMPOTENT else self._once
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = session.request(
                method, url, headers=headers, stream=stream,
                timeout=(10, None) if stream else self.timeout, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ServiceUnreachable(
                f"Cannot reach {_origin(url)} ({_reason(exc)}); is the service running "
                "there? Check COORD_HOST and the <SERVICE>_PORT variables.") from None
        except requests.RequestException as exc:
            raise CoordClientError(f"Cannot call {url}: {exc}") from None
        if response.status_code >= 400:
            raise error_for(response)
        return response

    def close(self):
        self._retrying.close()
        self._once.close()


def _origin(url):
    return re.match(r"^[a-z]+://[^/]+", url).group(0) if re.match(r"^[a-z]+://", url) else url


REASONS = (("refused", "connection refused"), ("resolve", "unknown host"),
           ("not known", "unknown host"), ("timed out", "timed out"),
           ("No route", "no route to host"))


def _reason(exc):
    text = str(exc)
    return next((reason for marker, reason in REASONS if marker.lower() in text.lower()),
                type(exc).__name__)


class Listing:
    """The items of a list, across pages: iterate, or `.pages()` for page dicts."""

    def __init__(self, fetch, item_type):
        self._fetch = fetch
        self._item_type = item_type

    def pages(self):
        cursor = None
        while True:
            page = self._fetch(cursor)
            yield page
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def __iter__(self):
        for page in self.pages():
            for item in page["items"]:
                yield self._item_type(item)


class ServiceClient:
    """One service's operations; subclasses get one method per entry of its table."""

    service = None

    def __init__(self, base_url, transport):
        self.base_url = base_url.rstrip("/")
        self._transport = transport

    def __repr__(self):
        return f"<{type(self).__name__} {self.base_url}>"

    def _call(self, name, operation, path_values, data=None, content_type=None,
              accept=None, headers=None, **fields):
        path = _fill(operation.path, path_values, fields, name)
        url = self.base_url + path
        headers = dict(headers or {})
        if accept:
            headers["Accept"] = accept
        kwargs = {}
        if operation.upload:
            if data is None:
                raise TypeError(f"{name}() needs data= (the file's bytes)")
            headers["Content-Type"] = content_type or "application/octet-stream"
            kwargs["data"] = data
        elif operation.method in BODY_METHODS:
            kwargs["json"] = fields
        else:
            kwargs["params"] = {key: _query_value(value) for key, value in fields.items()
                                if value is not None}
        returns = operation.returns
        if isinstance(returns, Page):
            def fetch(cursor):
                params = dict(kwargs["params"], **({"cursor": cursor} if cursor else {}))
                return self._transport.send(operation.method, url, headers=headers,
                                            params=params).json()
            return Listing(fetch, returns.item)
        if returns is Stream:
            return _events(self._transport.send(operation.method, url, stream=True,
                                                headers=headers, **kwargs))
        response = self._transport.send(operation.method, url, headers=headers, **kwargs)
        if (accept and not accept.endswith("json")) or returns is str:
            return response.text
        if returns is bytes:
            return response.content
        body = response.json()
        return returns(body) if isinstance(body, dict) else body


def _fill(template, positional, named, name):
    names = [field for _, field, _, _ in string.Formatter().parse(template) if field]
    if len(positional) > len(names):
        raise TypeError(f"{name}() takes {len(names)} path value(s): {', '.join(names)}")
    values = dict(zip(names, positional))
    for missing in names[len(positional):]:
        if missing not in named:
            raise TypeError(f"{name}() is missing the path value {missing!r}")
        values[missing] = named.pop(missing)
    return template.format(**{key: requests.utils.quote(str(value), safe="")
                              for key, value in values.items()})


def _query_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _events(response):
    """Feed entries from a server-sent events response, as they arrive."""
    from coord_client.resources import FeedEntry

    data = []
    try:
        for line in response.iter_lines(decode_unicode=True):
            if line is None:
                continue
            if line.startswith("data:"):
                data.append(line[5:].lstrip())
            elif not line and data:
                yield FeedEntry(json.loads("\n".join(data)))
                data = []
    except requests.RequestException as exc:
        raise ServiceUnreachable(f"The stream from {_origin(response.url)} broke off "
                                 f"({_reason(exc)}).") from None
    finally:
        response.close()


def _method(name, operation):
    def call(self, *path_values, **kwargs):
        return self._call(name, operation, path_values, **kwargs)

    call.__name__ = name
    call.__doc__ = f"{operation.method} {operation.path}"
    return call


def _service_class(service):
    table = {**COMMON, **OPERATIONS[service]}
    methods = {name: _method(name, operation) for name, operation in table.items()}
    cls = type(f"{service.title()}Client", (ServiceClient,),
               {"service": service, "operations": table, **methods})
    cls.__doc__ = f"The {service} service's operations."
    return cls


SERVICE_CLIENTS = {service: _service_class(service) for service in OPERATIONS}


class Coord:
    """All five services, as one organisation (the token's)."""

    def __init__(self, token=None, urls=None, *, retries=4, backoff=0.5, timeout=30.0):
        self._transport = Transport(token, retries=retries, backoff=backoff, timeout=timeout)
        urls = {**config.base_urls({}), **(urls or {})}
        for service, cls in SERVICE_CLIENTS.items():
            setattr(self, service, cls(urls[service], self._transport))

    @classmethod
    def from_environment(cls, organisation=None, environ=None, **kwargs):
        """COORD_HOST, <SERVICE>_PORT and COORD_TOKEN (or the development tokens file),
        over the config file's settings (config.py)."""
        environ = config.environment(os.environ if environ is None else environ)
        return cls(config.token(environ, organisation), config.base_urls(environ), **kwargs)

    def services(self):
        return {service: getattr(self, service) for service in SERVICE_CLIENTS}

    def close(self):
        self._transport.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
