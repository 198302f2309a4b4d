"""The contract's error body, raised: `{"error": {"code", "message", "fields"}}`."""


class CoordClientError(Exception):
    """Anything the client could not do; `str()` is one sentence for a person."""


class ServiceUnreachable(CoordClientError):
    """No answer at the service's address (wrong host or port, service down)."""


class ApiError(CoordClientError):
    """A service refused the request: `status`, `code`, `message`, `fields`."""

    def __init__(self, status, code, message, fields=None, url=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.url = url

    def __str__(self):
        details = "; ".join(f"{name}: {' '.join(map(str, _flat(problems)))}"
                            for name, problems in self.fields.items())
        return f"{self.status} {self.code}: {self.message}" + (f" ({details})" if details else "")


def _flat(problems):
    if isinstance(problems, dict):
        return [f"{key}: {' '.join(map(str, _flat(value)))}" for key, value in problems.items()]
    return problems if isinstance(problems, list) else [problems]


class BadRequest(ApiError):
    """400: malformed or invalid; `fields` names each bad field."""


class Unauthorized(ApiError):
    """401: no token, or one the services do not know."""


class Forbidden(ApiError):
    """403: the token's organisation may not do this."""


class NotFound(ApiError):
    """404: no such resource (or not one the organisation may see)."""


class Conflict(ApiError):
    """409: an illegal state change, a duplicate or a quota."""


class PreconditionFailed(ApiError):
    """412: the resource changed since the etag sent in If-Match."""


class ServerError(ApiError):
    """500: a fault in the service."""


class Unavailable(ApiError):
    """503: the service is up but cannot reach its database or broker."""


BY_STATUS = {400: BadRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound,
             409: Conflict, 412: PreconditionFailed, 413: BadRequest, 503: Unavailable}


def error_for(response):
    """The exception for a refused response, from its contract error body when it has one."""
    try:
        detail = response.json()["error"]
        code, message, fields = detail["code"], detail["message"], detail.get("fields")
    except (ValueError, KeyError, TypeError):
        code, message, fields = "http_error", f"{response.reason or 'HTTP error'} from " \
            f"{response.url}", None
    cls = BY_STATUS.get(response.status_code,
                        ServerError if response.status_code >= 500 else ApiError)
    return cls(response.status_code, code, message, fields, url=response.url)
