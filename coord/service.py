"""What every service exposes besides its own API: `/health` and `/openapi.json`.

Services subclass `ServiceBase` and define `name` and `db = Database(metadata)`.
The OpenAPI document is built from the `@api` entrypoints themselves, from the same
schema objects that validate requests, so it cannot drift from what the service does.
"""
import logging
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields
from nameko.extensions import DependencyProvider

from werkzeug.wrappers import Response

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


ERRORS = {"400": "Malformed or invalid request", "401": "No or unknown token",
          "403": "Outside the organisation's rights", "404": "No such resource",
          "409": "Illegal state change, duplicate or quota"}


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
    spec = APISpec(
        title=f"{container.service_name} service", version=API_VERSION, openapi_version="3.0.3",
        info={"description": (service_cls.__doc__ or "").strip()},
        plugins=[MarshmallowPlugin()],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorSchema)
    operations = {}
    for entrypoint in sorted(
            (e for e in container.entrypoints if isinstance(e, Api)), key=lambda e: e.url):
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", entrypoint.url)
        for method in entrypoint.method.split(","):
            operations.setdefault(path, {})[method.lower()] = _operation(entrypoint, path)
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


def _first_line(entrypoint):
    method = getattr(entrypoint.container.service_cls, entrypoint.method_name)
    return ((method.__doc__ or entrypoint.method_name).strip().splitlines() or [""])[0]


class WorkContext(DependencyProvider):
    """Every worker (HTTP request, event handler, timer) runs under its correlation id
    (`coord.logs`), and a handled event leaves one log line."""

    def worker_setup(self, worker_ctx):
        worker_ctx.log_context = logs.worker_correlation(worker_ctx)
        worker_ctx.log_context.__enter__()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        if exc_info is None and worker_ctx.data.get("event_id"):
            log.info("handled %s", worker_ctx.data.get("event_type"))

    def worker_teardown(self, worker_ctx):
        worker_ctx.log_context.__exit__(None, None, None)


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

    @api("GET", "/metrics", public=True, content_types=("text/plain",))
    def metrics(self, request):
        """Prometheus metrics: HTTP requests, events published, handled, retried, parked."""
        body, content_type = exposition()
        return Response(body, content_type=content_type)
