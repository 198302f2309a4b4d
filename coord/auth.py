"""Bearer tokens that name an organisation (CONTRACT.md "Auth").

The tokens file maps each organisation code to SHA-256 hex digests of its tokens, so a
leaked file gives nobody a token. Lookups compare digests, never plain tokens.
"""
import hashlib
import os
import secrets

import yaml

from coord.errors import Forbidden, Invalid, Unauthenticated
from coord.vocabulary import ORGANISATIONS, ORGANISER


def digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenRegistry:
    """Who a token belongs to, read once from the YAML tokens file."""

    def __init__(self, digests_by_organisation):
        self._organisation_by_digest = {}
        for organisation, digests in (digests_by_organisation or {}).items():
            if organisation not in ORGANISATIONS:
                raise Invalid(f"tokens file names an unknown organisation {organisation!r}")
            for hex_digest in digests or ():
                self._organisation_by_digest[str(hex_digest).lower()] = organisation

    @classmethod
    def from_file(cls, path):
        with open(path, encoding="utf-8") as handle:
            return cls(yaml.safe_load(handle))

    def organisation_for(self, authorization_header):
        """The organisation behind an `Authorization: Bearer <token>` header, or 401."""
        scheme, _, token = (authorization_header or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Send an 'Authorization: Bearer <token>' header.")
        organisation = self._organisation_by_digest.get(digest(token.strip()))
        if organisation is None:
            raise Unauthenticated("That token is not known.")
        return organisation


def require(caller, *allowed, action="do this"):
    """Refuse (403) unless the caller is one of `allowed`; the organiser may do everything."""
    if caller == ORGANISER or caller in allowed:
        return caller
    names = ", ".join((ORGANISER,) + tuple(allowed))
    raise Forbidden(f"Only {names} may {action}; the token is {caller}'s.")


def write_development_tokens(directory):
    """Create a tokens file with one fresh token per organisation, for `make run`.

    Returns (digests_path, plain_path). The plain tokens are kept beside the digests,
    readable by the owner only, so a developer can call the APIs.
    """
    os.makedirs(directory, exist_ok=True)
    digests_path = os.path.join(directory, "tokens.yaml")
    plain_path = os.path.join(directory, "tokens.plain.yaml")
    if os.path.exists(digests_path) and os.path.exists(plain_path):
        return digests_path, plain_path
    plain = {organisation: secrets.token_urlsafe(24) for organisation in ORGANISATIONS}
    with open(digests_path, "w", encoding="utf-8") as handle:
        yaml.safe_dump({org: [digest(token)] for org, token in plain.items()}, handle)
    descriptor = os.open(plain_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        yaml.safe_dump(plain, handle)
    return digests_path, plain_path
