"""What every service exposes besides its own API: `/health` and `/openapi.json`.

Services subclass `ServiceBase` and define `name` and `db = Database(metadata)`.
The OpenAPI document is built from the `@api` entrypoints themselves, from the same
schema objects that validate requests, so it cannot drift from what the service does.
"""
import logging
import re
from importlib import resources

import yaml
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields
from nameko.extensions import DependencyProvider
from sqlalchemy.exc import SQLAlchemyError

from werkzeug.wrappers import Response

from coord import docs
from coord.http import Api, api, json_response
from coord import logs
from coord.metrics import exposition

API_VERSION = "1.0.0"

log = logging.getLogger(__name__)


class ErrorDetailSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.Raw())


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


ERRORS = {"400": "Malformed or invalid request (`malformed_json`, `unsupported_media_type`, "
                 "`validation_failed` with `fields`, `invalid_characters`, `malformed_cursor`, "
                 "`too_deep`)",
          "401": "No, unknown or revoked token (`unauthenticated`), or a token in the URL "
                 "(`token_in_url`)",
          "403": "Outside the organisation's rights (`forbidden`)",
          "404": "No such resource (`not_found`)",
          "409": "Illegal state change, duplicate or quota",
          "413": "The body is over this endpoint's size limit (`body_too_large`)"}

COMMON_DESCRIPTION = """
## For everyone

- **Auth:** `Authorization: Bearer <token>`; the token names an organisation. `mc` (the
  secretariat) may do everything; other organisations act on what they own.
- **Errors:** `{"error": {"code", "message", "fields"}}`; each operation lists its codes.
  Refusals come in this order: 401, 403 (decided before the body is read), 413 / 400,
  then 404 / 409. A refused request changes nothing and emits no event. Bodies: JSON up
  to 256 KB and 32 levels of nesting, raw uploads (CSV, files) up to 32 MB. A request the
  server cannot even parse (a header line over 8 KB) gets the same error body.
- **Tokens never in a URL:** a token in any query string is refused (401); where a
  header cannot be sent, notifications issues one-minute stream tickets.
- **Lists:** `{"items": [...], "next_cursor": ...}`; pass `cursor=<next_cursor>` for the
  next page, `limit` up to 500.
- **Values:** ids are UUIDs, times ISO 8601 UTC, dates `YYYY-MM-DD`, money
  `{"amount": "1234.50", "currency": "USD"}`, countries ISO 3166-1 alpha-3.
- **Clients:** the Python client and `coord` command in `clients/python` of the repository.
"""


class OpenApiDocument(DependencyProvider):
    """The service's OpenAPI 3 document, built once from its `@api` entrypoints."""

    def __init__(self):
        self._document = None

    def get_dependency(self, worker_ctx):
        if self._document is None:
            self._document = build_document(self.container)
        return self._document


def build_document(container):
    service_cls = container.service_cls
    notes = _api_notes(service_cls)
    spec = APISpec(
        title=f"{container.service_name} service", version=API_VERSION, openapi_version="3.0.3",
        info={"description": (notes.get("description") or service_cls.__doc__ or "").strip()
              + "\n" + COMMON_DESCRIPTION},
        plugins=[MarshmallowPlugin()],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorSchema)
    operations = {}
    for entrypoint in sorted(
            (e for e in container.entrypoints if isinstance(e, Api)), key=lambda e: e.url):
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", entrypoint.url)
        for method in entrypoint.method.split(","):
            operation = _operation(entrypoint, path)
            _annotate(operation, notes.get("operations", {}).get(entrypoint.method_name, {}))
            operations.setdefault(path, {})[method.lower()] = operation
    for path, path_operations in operations.items():
        spec.path(path=path, operations=path_operations)
    return spec.to_dict()


def _operation(entrypoint, path):
    operation = {
        "operationId": entrypoint.method_name,
        "summary": entrypoint.summary or _first_line(entrypoint),
        "parameters": [{"in": "path", "name": name, "required": True,
                        "schema": {"type": "string"}}
                       for name in re.findall(r"{([^}]+)}", path)],
        "responses": {},
    }
    if entrypoint.query_schema is not None:
        operation["parameters"].append({"in": "query", "schema": entrypoint.query_schema})
    if entrypoint.ticket:
        operation["parameters"].append({
            "in": "query", "name": "ticket", "required": False, "schema": {"type": "string"},
            "description": "Instead of the Authorization header, where none can be sent: a "
                           "ticket from POST /stream-tickets (one minute, this organisation)."})
    if entrypoint.body_schema is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": entrypoint.body_schema}}}
    elif entrypoint.accepts:
        operation["requestBody"] = {"required": True, "content": {
            media_type: {"schema": {"type": "string", "format": "binary"}}
            for media_type in entrypoint.accepts}}
    content = {}
    if entrypoint.returns is not None:
        content["application/json"] = {"schema": entrypoint.returns}
    for media_type in entrypoint.content_types:
        content[media_type] = {}
    success = {"description": "Success"}
    if content:
        success["content"] = content
    operation["responses"][str(entrypoint.status)] = success
    errors = dict(ERRORS)
    if entrypoint.body_schema is None and not entrypoint.accepts:
        errors.pop("413")
    if entrypoint.public:
        errors.pop("401")
        errors.pop("403")
    else:
        operation["security"] = [{"bearer": []}]
    for status, description in errors.items():
        operation["responses"][status] = {
            "description": description,
            "content": {"application/json": {"schema": "Error"}}}
    return operation


def _api_notes(service_cls):
    """The service's `api.yaml` beside its service.py: what the service is for and who may
    call what (`description`), and per operationId a `description`, `request` and
    `response` examples and the `errors` codes it can answer, by status."""
    package = service_cls.__module__.rpartition(".")[0]
    try:
        text = resources.files(package).joinpath("api.yaml").read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError, TypeError):
        return {}
    return yaml.safe_load(text) or {}


def _annotate(operation, notes):
    if notes.get("description"):
        operation["description"] = notes["description"].strip()
    if "request" in notes and "requestBody" in operation:
        for media_type, content in operation["requestBody"]["content"].items():
            content["example"] = notes["request"] if media_type.endswith("json") \
                else notes.get("request_" + media_type.split("/")[-1], notes["request"])
    success = next(status for status in operation["responses"] if status < "400")
    content = operation["responses"][success].get("content", {})
    if "response" in notes and "application/json" in content:
        content["application/json"]["example"] = notes["response"]
    for media_type, example in notes.get("examples", {}).items():
        content.setdefault(media_type, {})["example"] = example
    for status, codes in notes.get("errors", {}).items():
        response = operation["responses"].setdefault(str(status), {
            "description": "Refused", "content": {"application/json": {"schema": "Error"}}})
        response["description"] += ": " + ", ".join(f"`{code}`" for code in codes)


def _first_line(entrypoint):
    method = getattr(entrypoint.container.service_cls, entrypoint.method_name)
    return ((method.__doc__ or entrypoint.method_name).strip().splitlines() or [""])[0]


class WorkContext(DependencyProvider):
    """Every worker (HTTP request, batch of events, timer) runs under its correlation id
    (`coord.logs`); each event of a batch is handled under its own (`coord.events`)."""

    def worker_setup(self, worker_ctx):
        worker_ctx.log_tokens = logs.enter_worker_correlation(worker_ctx)

    def worker_teardown(self, worker_ctx):
        logs.leave(worker_ctx.log_tokens)


class ServiceBase:
    """Health, OpenAPI and the correlation id of every worker, for a service that defines
    `name` and `db`."""

    openapi = OpenApiDocument()
    work_context = WorkContext()

    @api("GET", "/health", public=True)
    def health(self, request):
        """Whether the service can reach its database and its broker."""
        database, broker = self.db.healthy()
        healthy = database and broker
        return json_response(
            {"status": "ok" if healthy else "unavailable", "service": self.name,
             "database": "ok" if database else "unreachable",
             "broker": "ok" if broker else "unreachable"},
            status=200 if healthy else 503)

    @api("GET", "/openapi.json", public=True)
    def openapi_json(self, request):
        """This document."""
        return json_response(self.openapi)

    @api("GET", "/docs", public=True, content_types=("text/html",))
    def docs(self, request):
        """This API's documentation in the browser (Swagger UI, served from here)."""
        return docs.page(self.name)

    @api("GET", "/docs/<name>", public=True,
         content_types=("text/css", "text/javascript", "image/png"))
    def docs_file(self, request, name):
        """The documentation page's style sheet, scripts and icons."""
        return docs.file(name)

    @api("GET", "/metrics", public=True, content_types=("text/plain",))
    def metrics(self, request):
        """Prometheus metrics: HTTP requests, events published, handled, retried, parked;
        outbox and inbox sizes and the age of the oldest unpublished event."""
        try:
            self.db.measure()
        except SQLAlchemyError:  # the database is away: /health says so; serve the rest
            log.warning("metrics: the outbox and inbox could not be measured")
        body, content_type = exposition()
        return Response(body, content_type=content_type)
