"""`@api(...)`: nameko's HTTP entrypoint with the contract's auth, validation and errors.

One place maps every failure to the contract's error body, so services only raise
`coord.errors` exceptions. Refusals come in the contract's order, decided here for every
endpoint: the token (401), then whether the organisation may call this endpoint at all
(403, from the `allowed` organisations the endpoint declares), then the body's size (413)
and shape (400), and only then the service method, which finds the subject (404) and
decides on its state (409). The method gets `caller`, `body` and `query` alongside the
path values. Requests so malformed that they never reach the application (a 100 KB
header, a broken request line) get the same error body from the server itself.
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
from sqlalchemy.exc import OperationalError, TimeoutError as PoolTimeout
from nameko.extensions import SharedExtension
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import HttpOnlyProtocol, WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from coord import logs
from coord import auth
from coord.dumping import dumper
from coord.errors import (
    Conflict, CoordError, Forbidden, Invalid, NotFound, PreconditionFailed, TooLarge,
    Unauthenticated,
)
from coord.metrics import HTTP_REQUESTS
from coord.outbox import Database

log = logging.getLogger(__name__)

STATUS = {Invalid: 400, Unauthenticated: 401, Forbidden: 403, NotFound: 404, Conflict: 409,
          PreconditionFailed: 412, TooLarge: 413}

# Bodies: JSON is small; raw uploads (CSV, files) may be larger. An endpoint may say more.
JSON_BODY_LIMIT = 256 * 1024
RAW_BODY_LIMIT = 32 * 1024 * 1024
# Deeper JSON than this is no request of ours; far deeper would exhaust Python's stack.
MAX_JSON_DEPTH = 32
# What a 503 asks a client to wait, in seconds, when the database is out of reach.
RETRY_AFTER_SECONDS = 5


def error_body(code, message, fields_=None):
    return {"error": {"code": code, "message": message, "fields": fields_ or {}}}


def error_response(status, code, message, fields_=None):
    return json_response(error_body(code, message, fields_), status=status)


def response_for(exc):
    """The contract's error response for an exception; anything unexpected is a 500."""
    if isinstance(exc, CoordError):
        status = next(code for cls, code in STATUS.items() if isinstance(exc, cls))
        return error_response(status, exc.code, exc.message, exc.fields)
    if isinstance(exc, ValidationError):
        return error_response(400, "validation_failed", "Some fields are not valid.",
                              exc.messages if isinstance(exc.messages, dict) else
                              {"_schema": exc.messages})
    if isinstance(exc, (PoolTimeout, OperationalError)):
        # The database is away, or every connection stayed busy past the pool's timeout
        # (on SQLite, one process has one: a long import holds it). Nothing was done;
        # the same request a little later will do.
        log.warning("database unavailable: %s", type(exc).__name__)
        response = error_response(503, "unavailable", "The service cannot reach its "
                                  "database just now; nothing was done. Try again shortly.")
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
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


# eventlet answers requests it cannot parse (a header line over 8 KB, a request line
# over 8 KB, a bad Content-Length) itself, with a status line and no body.
_BARE_REFUSAL = re.compile(
    rb"HTTP/1\.[01] (\d{3}) ([^\r]*)\r\nConnection: close\r\n"
    rb"Content-[Ll]ength: 0\r\n\r\n\Z")
_PROTOCOL_CODES = {414: "url_too_long", 431: "header_too_large"}


def protocol_refusal(status, reason):
    """The bytes of a whole HTTP response refusing an unparseable request, with the
    contract's error body (the connection closes after it)."""
    code = ("header_too_large" if "header" in reason.lower()
            else _PROTOCOL_CODES.get(status, "bad_request"))
    body = json.dumps(error_body(code, f"The request cannot be read: {reason}.")).encode()
    return (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode("latin-1") + body


class _ContractRefusals:
    """The connection's output file, with eventlet's bodiless refusals replaced by
    `protocol_refusal`; everything else passes through unchanged."""

    def __init__(self, wfile):
        self._wfile = wfile

    def write(self, data):
        bare = _BARE_REFUSAL.match(bytes(data))
        if bare:
            data = protocol_refusal(int(bare[1]), bare[2].decode("latin-1"))
        return self._wfile.write(data)

    def __getattr__(self, name):
        return getattr(self._wfile, name)


class ContractProtocol(HttpOnlyProtocol):
    """nameko's HTTP protocol, answering protocol errors in the contract's error body."""

    def setup(self):
        super().setup()
        self.wfile = _ContractRefusals(self.wfile)

    def send_error(self, code, message=None, explain=None):
        """The standard library's refusals (bad request line, too many headers...)."""
        reason = message or self.responses.get(code, ("Bad Request",))[0]
        self.close_connection = True
        self.wfile.write(protocol_refusal(code, reason))

    def log_error(self, *args):
        """The standard library would print the raw request line (query and all)."""


class JsonWebServer(WebServer):
    def get_wsgi_app(self):
        return JsonWsgiApp(self)

    def get_wsgi_server(self, sock, wsgi_app, protocol=ContractProtocol, debug=False):
        """eventlet's own access log prints the raw request line, query string and all;
        `JsonWsgiApp` logs each request instead (the URL rule, never the query).

        TCP_NODELAY (inherited by every accepted connection): eventlet writes a response's
        headers and body separately, and with Nagle's algorithm the body then waits for the
        client's delayed ACK of the headers, 40 ms on Linux, on every answer bigger than
        a few hundred bytes on a kept-alive connection."""
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        server = super().get_wsgi_server(sock, wsgi_app, protocol=protocol, debug=debug)
        server.log_output = False
        return server

    def context_data_from_headers(self, request):
        """The worker handling `request` works under the request's correlation id."""
        return {"correlation_id": request.correlation_id}


class Tokens(SharedExtension):
    """Who a token or a stream ticket names: the tokens file (COORD_TOKENS_FILE, read once
    per process) for the standing partners, then the tokens and tickets kept in the
    service's own database (`coord.auth`), read on each request so a revocation holds
    at once."""

    def setup(self):
        path = self.container.config.get("COORD_TOKENS_FILE")
        self.registry = auth.TokenRegistry.from_file(path) if path else auth.TokenRegistry({})
        database = next((dependency for dependency in self.container.dependencies
                         if isinstance(dependency, Database)), None)
        self.store = auth.TokenStore(database) if database is not None else None

    def caller_for(self, authorization_header):
        """(organisation, kind) behind `Authorization: Bearer <token>`, or 401."""
        token = auth.bearer_token(authorization_header)
        known = self.registry.identify(token)
        if known is None and self.store is not None:
            known = self.store.identify(token)
        if known is None:
            raise Unauthenticated("That token is not known, or it was revoked.")
        return known

    def caller_for_ticket(self, ticket):
        """(organisation, kind) a live stream ticket was issued to, or 401."""
        known = (self.store.identify_ticket(ticket)
                 if self.store is not None and isinstance(ticket, str) else None)
        if known is None:
            raise Unauthenticated("That stream ticket is not known or has expired; "
                                  "ask POST /stream-tickets for a new one.")
        return known


class Api(HttpRequestHandler):
    server = JsonWebServer()
    tokens = Tokens()

    def __init__(self, method, url, *, body=None, query=None, returns=None, status=200,
                 public=False, allowed=None, action=None, ticket=False, max_body=None,
                 summary=None,
                 content_types=None, accepts=None, **kwargs):
        """
        body / query: marshmallow schema classes loaded from the JSON body / query string.
        returns: schema class the result is dumped with (and documented by).
        public: no token needed (health, OpenAPI).
        allowed: the organisations that may call this at all, besides `mc` (`()`: mc
            only; None: every organisation); entries are codes or `coord.auth` groups
            (`PARTY_FOCAL_POINTS`, `OBSERVER_ORGANISATIONS`). Others get 403 before
            their body is read. Rules that depend on the subject stay in the use case.
        action: what the 403 says they may not do ("schedule meetings").
        ticket: a GET that a browser's EventSource or a feed reader opens, which cannot
            send headers: it also takes `?ticket=` from `POST /stream-tickets` (never a
            token: a token in any query string is 401). Not part of `query`.
        max_body: the largest body in bytes (413 above it); JSON_BODY_LIMIT for JSON,
            RAW_BODY_LIMIT for raw uploads, unless said.
        content_types: response media types other than JSON, for the OpenAPI document.
        accepts: media types of a raw (non-JSON) request body the method reads itself
            (CSV, PDF...), for the OpenAPI document.
        """
        self.body_schema = body() if isinstance(body, type) else body
        self.query_schema = query() if isinstance(query, type) else query
        self.returns = returns() if isinstance(returns, type) else returns
        self._dump = dumper(self.returns) if self.returns is not None else None
        self.status = status
        self.public = public
        self.allowed = allowed
        self.action = action or url
        self.ticket = ticket
        self.max_body = max_body or (RAW_BODY_LIMIT if accepts else JSON_BODY_LIMIT)
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
        """The method's arguments, refusing in the contract's order: 401, 403, 413, 400."""
        args, kwargs = (request,), dict(request.path_values)
        query = _query_values(request)
        if auth.TOKEN_PARAMETER in query:
            raise Unauthenticated("Never put a token in a URL: send it in the "
                                  "'Authorization: Bearer <token>' header, or use a "
                                  "ticket from POST /stream-tickets where a header "
                                  "cannot be sent.", code="token_in_url")
        ticket = query.pop(auth.TICKET_PARAMETER, None) if self.ticket else None
        if not self.public:
            header = request.headers.get("Authorization")
            if ticket is not None and not header:
                caller, kind = self.tokens.caller_for_ticket(ticket)
            else:
                caller, kind = self.tokens.caller_for(header)
            if self.allowed is not None:
                auth.require_kind(caller, kind, self.allowed, action=self.action)
            kwargs["caller"] = caller
        if request.content_length is not None and request.content_length > self.max_body:
            raise _too_large(self.max_body)
        _refuse_unstorable_text(query)
        if self.query_schema is not None:
            kwargs["query"] = self.query_schema.load(query)
        if self.body_schema is not None:
            kwargs["body"] = self.body_schema.load(_json_body(request, self.max_body))
        return args, kwargs

    def response_from_result(self, result):
        if isinstance(result, Response):
            return result
        if self._dump is not None:
            result = self._dump(result)
        return json_response(result, status=self.status)

    def response_from_exception(self, exc):
        return response_for(exc)


def _too_large(limit):
    return TooLarge(f"The body is over this endpoint's limit of {limit} bytes.")


api = Api.decorator


def _json_body(request, limit):
    if not request.mimetype == "application/json":
        raise Invalid("Send the body as JSON with 'Content-Type: application/json'.",
                      code="unsupported_media_type")
    raw = _body_stream(request).read(limit + 1)
    if len(raw) > limit:
        raise _too_large(limit)
    try:
        body = json.loads(raw.decode("utf-8"))
    except RecursionError as exc:
        raise _too_deep() from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise Invalid(f"The body is not valid JSON: {exc}.", code="malformed_json") from exc
    if _depth(body) > MAX_JSON_DEPTH:
        raise _too_deep()
    _refuse_unstorable_text(body)
    return body


def _body_stream(request):
    """The body as sent: werkzeug reads a chunked body (which states no length) as empty,
    so that one is read from the server's own input, which undoes the chunking."""
    if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        return request.environ["wsgi.input"]
    return request.stream


def _depth(value):
    """How deeply `value` nests arrays and objects, counted without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            pending.extend((child, level + 1)
                           for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _too_deep():
    return Invalid(f"The body nests arrays and objects more than {MAX_JSON_DEPTH} deep.",
                   code="too_deep")


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
