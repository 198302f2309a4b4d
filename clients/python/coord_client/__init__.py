"""Python client for the meeting-coordination services (see README.md)."""
from coord_client.client import Coord, Listing
from coord_client.errors import (
    ApiError, BadRequest, Conflict, CoordClientError, Forbidden, NotFound, PreconditionFailed,
    ServerError, ServiceUnreachable, Unauthorized, Unavailable,
)
from coord_client.resources import Resource

__all__ = ["Coord", "Listing", "ApiError", "BadRequest", "Conflict", "CoordClientError",
           "Forbidden", "NotFound", "PreconditionFailed", "ServerError", "ServiceUnreachable",
           "Unauthorized", "Unavailable", "Resource"]
