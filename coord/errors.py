"""Errors a request can end in, named for what went wrong rather than for HTTP.

Domain and service code raise these; `coord.http` maps them to status codes in one place,
so a domain module stays plain Python and every service answers with the same shape.
"""


class CoordError(Exception):
    """Base of every expected failure: carries a snake_case code and a sentence."""

    code = "error"

    def __init__(self, message, *, code=None, fields=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class Invalid(CoordError):
    """The request is malformed or fails validation (400)."""

    code = "validation_failed"


class Unauthenticated(CoordError):
    """No token, or one nobody issued (401)."""

    code = "unauthenticated"


class Forbidden(CoordError):
    """A known organisation acting outside its rights (403)."""

    code = "forbidden"


class NotFound(CoordError):
    """The resource does not exist (404)."""

    code = "not_found"


class Conflict(CoordError):
    """An illegal state change, a duplicate or a quota (409)."""

    code = "conflict"


class TooLarge(CoordError):
    """A body over its endpoint's size limit (413)."""

    code = "body_too_large"


class PreconditionFailed(CoordError):
    """The client's `If-Match` names a version that is no longer current (412)."""

    code = "stale_etag"
