"""`@api(...)`: nameko's HTTP entrypoint with the contract's auth, validation and errors.

One place maps every failure to the contract's error body, so services only raise
`coord.errors` exceptions. The entrypoint authenticates before it validates (401 before
400), loads the body and query with marshmallow, and hands the service method
`caller`, `body` and `query` alongside the path values.
"""
import base64
import binascii
import json
import logging
import socket
import re
import time
from datetime import date, datetime
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate
from nameko.extensions import SharedExtension
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from coord import logs
from coord.auth import TokenRegistry
from coord.errors import (
    Conflict, CoordError, Forbidden, Invalid, NotFound, PreconditionFailed, Unauthenticated,
)
from coord.metrics import HTTP_REQUESTS

log = logging.getLogger(__name__)

STATUS = {Invalid: 400, Unauthenticated: 401, Forbidden: 403, NotFound: 404, Conflict: 409,
          PreconditionFailed: 412}


def error_response(status, code, message, fields_=None):
    body = {"error": {"code": code, "message": message, "fields": fields_ or {}}}
    return json_response(body, status=status)


def response_for(exc):
    """The contract's error response for an exception; anything unexpected is a 500."""
    if isinstance(exc, CoordError):
        status = next(code for cls, code in STATUS.items() if isinstance(exc, cls))
        return error_response(status, exc.code, exc.message, exc.fields)
    if isinstance(exc, ValidationError):
        return error_response(400, "validation_failed", "Some fields are not valid.",
                              exc.messages if isinstance(exc.messages, dict) else
                              {"_schema": exc.messages})
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    return error_response(500, "internal_error", "Something went wrong on our side.")


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def json_response(body, status=200, headers=None):
    return Response(json.dumps(body, default=_default, ensure_ascii=False), status=status,
                    headers=headers, mimetype="application/json")


class JsonWsgiApp(WsgiApp):
    """nameko's WSGI app, with unknown paths and methods answered in the contract's shape,
    every request under a correlation id (the caller's `X-Request-ID` or a new one, sent
    back in the response's `X-Request-ID`) and one access log line per request, written
    when COORD_ACCESS_LOG=on (`coord.logs.log_access`)."""

    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        request.correlation_id = logs.correlation_id_from(request.headers.get("X-Request-ID"))
        with logs.correlation(request.correlation_id):
            started = time.perf_counter()
            rule, response = self._respond(request, environ)
            response.headers["X-Request-ID"] = request.correlation_id
            level = logging.DEBUG if rule in QUIET_RULES else logs.access_level()
            if log.isEnabledFor(level):
                log.log(level, "%s %s %s", request.method, rule, response.status_code,
                        extra={"method": request.method, "path": rule,
                               "status": response.status_code,
                               "duration_ms": round((time.perf_counter() - started) * 1000, 1)})
        return response(environ, start_response)

    def _respond(self, request, environ):
        """(the matched URL rule, the response)."""
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
        except HTTPException as exc:
            code = {404: "not_found", 405: "method_not_allowed"}.get(exc.code, "bad_request")
            response = error_response(exc.code, code, exc.description or exc.name)
            if exc.code == 405:
                response.headers["Allow"] = ", ".join(exc.valid_methods or ())
            return "-", response
        request.path_values = values
        return provider.url, provider.handle_request(request)


# Polled by orchestrators and Prometheus every few seconds: logged at DEBUG only.
QUIET_RULES = ("/health", "/metrics")


class JsonWebServer(WebServer):
    def get_wsgi_app(self):
        return JsonWsgiApp(self)

    def get_wsgi_server(self, sock, *args, **kwargs):
        """eventlet's own access log prints the raw request line, query string and all;
        `JsonWsgiApp` logs each request instead (the URL rule, never the query).

        TCP_NODELAY (inherited by every accepted connection): eventlet writes a response's
        headers and body separately, and with Nagle's algorithm the body then waits for the
        client's delayed ACK of the headers, 40 ms on Linux, on every answer bigger than
        a few hundred bytes on a kept-alive connection."""
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        server = super().get_wsgi_server(sock, *args, **kwargs)
        server.log_output = False
        return server

    def context_data_from_headers(self, request):
        """The worker handling `request` works under the request's correlation id."""
        return {"correlation_id": request.correlation_id}


class Tokens(SharedExtension):
    """The tokens file (COORD_TOKENS_FILE), read once per process."""

    def setup(self):
        path = self.container.config.get("COORD_TOKENS_FILE")
        self.registry = TokenRegistry.from_file(path) if path else TokenRegistry({})


class Api(HttpRequestHandler):
    server = JsonWebServer()
    tokens = Tokens()

    def __init__(self, method, url, *, body=None, query=None, returns=None, status=200,
                 public=False, token_in_query=False, summary=None, content_types=None,
                 accepts=None, **kwargs):
        """
        body / query: marshmallow schema classes loaded from the JSON body / query string.
        returns: schema class the result is dumped with (and documented by).
        public: no token needed (health, OpenAPI).
        token_in_query: also accept the token as `?access_token=`, for clients that cannot
            set headers (a browser's EventSource); the parameter is not part of `query`.
        content_types: response media types other than JSON, for the OpenAPI document.
        accepts: media types of a raw (non-JSON) request body the method reads itself
            (CSV, PDF...), for the OpenAPI document.
        """
        self.body_schema = body() if isinstance(body, type) else body
        self.query_schema = query() if isinstance(query, type) else query
        self.returns = returns() if isinstance(returns, type) else returns
        self.status = status
        self.public = public
        self.token_in_query = token_in_query
        self.summary = summary
        self.content_types = content_types or ()
        self.accepts = accepts or ()
        # Refusals are answers, not faults: nameko logs them as warnings, not errors.
        kwargs.setdefault("expected_exceptions", (CoordError, ValidationError))
        super().__init__(method, url, **kwargs)

    def handle_request(self, request):
        started = time.perf_counter()
        response = super().handle_request(request)
        HTTP_REQUESTS.labels(self.method, self.url, response.status_code).observe(
            time.perf_counter() - started)
        return response

    def get_entrypoint_parameters(self, request):
        args, kwargs = (request,), dict(request.path_values)
        query = _query_values(request)
        if not self.public:
            header = request.headers.get("Authorization")
            if self.token_in_query and not header and "access_token" in query:
                header = f"Bearer {query['access_token']}"
            kwargs["caller"] = self.tokens.registry.organisation_for(header)
        if self.token_in_query:
            query.pop("access_token", None)
        if self.query_schema is not None:
            kwargs["query"] = self.query_schema.load(query)
        if self.body_schema is not None:
            kwargs["body"] = self.body_schema.load(_json_body(request))
        return args, kwargs

    def response_from_result(self, result):
        if isinstance(result, Response):
            return result
        if self.returns is not None:
            result = self.returns.dump(result)
        return json_response(result, status=self.status)

    def response_from_exception(self, exc):
        return response_for(exc)


api = Api.decorator


def _json_body(request):
    if not request.mimetype == "application/json":
        raise Invalid("Send the body as JSON with 'Content-Type: application/json'.",
                      code="unsupported_media_type")
    raw = request.get_data(cache=True)
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Invalid(f"The body is not valid JSON: {exc}.", code="malformed_json") from exc
    _refuse_unstorable_text(body)
    return body


# C0 controls other than tab and line breaks, DEL, and lone surrogates: JSON can carry
# them, but no database stores them all and no XML (Atom, PDF metadata) may contain them.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _refuse_unstorable_text(value, path=()):
    """400 naming every field whose text holds control characters or lone surrogates."""
    bad = {}

    def walk(item, where):
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                bad[".".join(map(str, where)) or "_body"] = [
                    "Contains control characters or invalid Unicode."]
        elif isinstance(item, dict):
            for key, child in item.items():
                walk(child, where + (key,))
        elif isinstance(item, list):
            for index, child in enumerate(item):
                walk(child, where + (index,))

    walk(value, path)
    if bad:
        raise Invalid("Some text holds control characters or invalid Unicode.",
                      code="invalid_characters", fields=bad)


def _query_values(request):
    """Query string as a dict; a parameter given twice keeps all its values as a list."""
    values = {}
    for key in request.args:
        given = request.args.getlist(key)
        values[key] = given if len(given) > 1 else given[0]
    _refuse_unstorable_text(values)
    return values


# Lists: {"items": [...], "next_cursor": ...}, with `limit` and an opaque `cursor`.

class PageQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None)


def page_of(item_schema):
    """A schema for a page of `item_schema` items."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema), required=True),
        "next_cursor": fields.String(allow_none=True, required=True),
    }, name=f"{item_schema.__name__.removesuffix('Schema')}Page")


def encode_cursor(position):
    """An opaque cursor for a JSON-able position (e.g. the last item's sort key)."""
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def decode_cursor(cursor, expected=(list, str, int)):
    """The position in a cursor from `encode_cursor`; 400 when it was tampered with.

    `expected`: the type(s) the position must have, so a cursor from another list is
    refused as malformed rather than failing later.
    """
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        position = None
    if (not isinstance(position, expected) or isinstance(position, bool)
            or (isinstance(position, int) and not 0 <= position < 2 ** 63)):
        raise _malformed_cursor()
    return position


def cursor_position(cursor, *parsers):
    """The sort key in a keyset cursor, parsed part by part (e.g. `utc_timestamp, str`);
    None without a cursor, 400 when it was tampered with."""
    position = decode_cursor(cursor, expected=list)
    if position is None:
        return None
    try:
        if len(position) != len(parsers):
            raise ValueError(f"{len(position)} parts")
        return tuple(parse(part) for parse, part in zip(parsers, position))
    except (TypeError, ValueError, OverflowError) as exc:
        raise _malformed_cursor() from exc


def keyset_slice(statement, query, key_column, id_column, parse_key):
    """`statement` ordered by (key, id), resumed after the query's cursor, cut to one
    row more than `limit` (so `page` can tell whether another page follows). The cursor
    is `[key.isoformat(), id]` of the last row shown."""
    position = cursor_position(query["cursor"], parse_key, str)
    if position:
        key, last_id = position
        statement = statement.where(
            (key_column > key) | ((key_column == key) & (id_column > last_id)))
    return statement.order_by(key_column, id_column).limit(query["limit"] + 1)


def utc_timestamp(text):
    """A cursor's timestamp: ISO 8601 with its zone (a naive one was not ours)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a cursor's time always carries its zone")
    return moment


def _malformed_cursor():
    return Invalid("The cursor is malformed; use next_cursor from a previous page.",
                   code="malformed_cursor", fields={"cursor": ["Not a valid cursor."]})


def page(items, limit, position_of):
    """Cut a list fetched with limit + 1 rows into a page and its next cursor."""
    has_more = len(items) > limit
    items = items[:limit]
    next_cursor = encode_cursor(position_of(items[-1])) if has_more and items else None
    return {"items": items, "next_cursor": next_cursor}
