"""Bearer tokens that name an organisation (CONTRACT.md "Auth"), and stream tickets.

Two sources of tokens, both kept as SHA-256 digests only, so a leaked file or database
gives nobody a token; lookups compare digests, never plain tokens:
- the tokens file (`COORD_TOKENS_FILE`): the standing partners, read once per process;
- the `organisation_tokens` table every service keeps: the tokens `mc` issues to
  organisations that are data (Party focal points, observers, new partners). Registration
  issues them, writes the row in the same transaction and publishes
  `organisation_token_issued` / `organisation_token_revoked` (organisation, kind, token
  id, digest: never the token); every other service's `on_registration_event` hands
  those to `hear()`, which keeps its own table. The table is read on each request
  (a primary-key lookup), so a revocation holds at once wherever it has been heard.
  A token's `last_used_at` is written at most once a minute (`USE_RECORDED_EVERY`).

Stream tickets (`stream_tickets` table, notifications): a one-minute stand-in for a token
where a header cannot be sent (EventSource, feed readers): bound to the organisation,
good for GET only, stored as a digest.
"""
import hashlib
import os
import secrets
import uuid
from datetime import timedelta

import yaml
from sqlalchemy import Column, Index, MetaData, String, Table, insert, select, update

from coord.db import UtcDateTime, utcnow
from coord.errors import Forbidden, Invalid, Unauthenticated
from coord.vocabulary import OBSERVER, ORGANISATIONS, ORGANISER, PARTNER, PARTY

TOKENS = "organisation_tokens"
TICKETS = "stream_tickets"
TOKEN_ISSUED = "organisation_token_issued"
TOKEN_REVOKED = "organisation_token_revoked"
TOKEN_EVENTS = (TOKEN_ISSUED, TOKEN_REVOKED)

# Query parameters: a token is never accepted in one (401); a ticket is, where declared.
TOKEN_PARAMETER = "access_token"
TICKET_PARAMETER = "ticket"

# Groups an endpoint's `allowed` may name besides organisation codes.
PARTY_FOCAL_POINTS = f"kind:{PARTY}"
OBSERVER_ORGANISATIONS = f"kind:{OBSERVER}"

USE_RECORDED_EVERY = timedelta(minutes=1)
TICKET_LIFETIME = timedelta(minutes=1)


def digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_secret():
    """A fresh token or ticket: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def bearer_token(authorization_header):
    """The token in an `Authorization: Bearer <token>` header, or 401."""
    scheme, _, token = (authorization_header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Send an 'Authorization: Bearer <token>' header.")
    return token.strip()


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

    def identify(self, token):
        """(organisation, kind) of a plain token in the file, else None."""
        organisation = self._organisation_by_digest.get(digest(token))
        return (organisation, PARTNER) if organisation else None

    def organisation_for(self, authorization_header):
        """The organisation behind an `Authorization: Bearer <token>` header, or 401."""
        known = self.identify(bearer_token(authorization_header))
        if known is None:
            raise Unauthenticated("That token is not known.")
        return known[0]


def require(caller, *allowed, action="do this"):
    """Refuse (403) unless the caller is one of `allowed`; the organiser may do everything."""
    if caller == ORGANISER or caller in allowed:
        return caller
    names = ", ".join((ORGANISER,) + tuple(allowed))
    raise Forbidden(f"Only {names} may {action}; the token is {caller}'s.")


_GROUP_NAMES = {PARTY_FOCAL_POINTS: "Parties' focal points",
                OBSERVER_ORGANISATIONS: "observer organisations"}


def require_kind(caller, kind, allowed, action="do this"):
    """`require`, where `allowed` may also name groups (`PARTY_FOCAL_POINTS`...)."""
    if f"kind:{kind}" in allowed:
        return caller
    return require(caller, *(_GROUP_NAMES.get(name, name) for name in allowed),
                   action=action)


# The tables: every service keeps `organisation_tokens`; notifications `stream_tickets`.

def add_token_table(metadata: MetaData):
    """The tokens issued to organisations, as digests (and so each service's migration)."""
    return Table(
        TOKENS, metadata,
        Column("id", String(36), primary_key=True),
        Column("organisation", String(60), nullable=False, index=True),
        Column("kind", String(20), nullable=False),
        Column("digest", String(64), nullable=False, unique=True),
        Column("created_at", UtcDateTime, nullable=False),
        Column("last_used_at", UtcDateTime, nullable=True),
        Column("revoked_at", UtcDateTime, nullable=True),
    )


def add_ticket_table(metadata: MetaData):
    """Stream tickets, as digests, with the organisation and when each stops working."""
    return Table(
        TICKETS, metadata,
        Column("digest", String(64), primary_key=True),
        Column("organisation", String(60), nullable=False),
        Column("expires_at", UtcDateTime, nullable=False),
        Index("ix_stream_tickets_expires_at", "expires_at"),
    )


# The same tables, for the statements below (a service's own copies have these columns).
_STATEMENTS = MetaData()
TOKEN_TABLE = add_token_table(_STATEMENTS)
TICKET_TABLE = add_ticket_table(_STATEMENTS)


def issue_token(session, organisation, kind):
    """A new token for `organisation`: (its row, the plain token, shown only this once)."""
    token = new_secret()
    row = {"id": str(uuid.uuid4()), "organisation": organisation, "kind": kind,
           "digest": digest(token), "created_at": utcnow(), "last_used_at": None,
           "revoked_at": None}
    session.execute(insert(TOKEN_TABLE).values(**row))
    return row, token


def revoke_token(session, token_id, organisation):
    """Revoke one of `organisation`'s tokens: (its row as it now is, whether this call
    revoked it), or None when it has no such token. Revoking twice changes nothing."""
    row = session.execute(select(TOKEN_TABLE).where(
        TOKEN_TABLE.c.id == token_id, TOKEN_TABLE.c.organisation == organisation)
        .with_for_update()).mappings().first()
    if row is None:
        return None
    if row["revoked_at"] is not None:
        return dict(row), False
    revoked_at = utcnow()
    session.execute(update(TOKEN_TABLE).where(TOKEN_TABLE.c.id == token_id)
                    .values(revoked_at=revoked_at))
    return {**row, "revoked_at": revoked_at}, True


def token_event_data(row):
    """What a token event says: who, which token, its digest; never the token."""
    return {"organisation": row["organisation"], "kind": row["kind"],
            "token_id": row["id"], "digest": row["digest"]}


def hear(session, envelope):
    """Keep a token event from registration in this service's own table (idempotent,
    whatever order retries bring: a revocation is never undone). True when it was one."""
    if envelope["type"] not in TOKEN_EVENTS:
        return False
    table = TOKEN_TABLE
    data = envelope["data"]
    revoked_at = utcnow() if envelope["type"] == TOKEN_REVOKED else None
    known = session.execute(select(table.c.revoked_at).where(
        table.c.id == data["token_id"])).first()
    if known is None:
        session.execute(insert(table).values(
            id=data["token_id"], organisation=data["organisation"], kind=data["kind"],
            digest=data["digest"], created_at=utcnow(), revoked_at=revoked_at))
    elif revoked_at is not None and known.revoked_at is None:
        session.execute(update(table).where(table.c.id == data["token_id"])
                        .values(revoked_at=revoked_at))
    return True


def issue_ticket(session, organisation):
    """A stream ticket for `organisation`: (the plain ticket, when it expires). Expired
    tickets are cleared on the way."""
    ticket, now = new_secret(), utcnow()
    session.execute(TICKET_TABLE.delete().where(TICKET_TABLE.c.expires_at < now))
    session.execute(insert(TICKET_TABLE).values(
        digest=digest(ticket), organisation=organisation, expires_at=now + TICKET_LIFETIME))
    return ticket, now + TICKET_LIFETIME


class TokenStore:
    """Lookups in a service's `organisation_tokens` and `stream_tickets` tables, through
    its `Database` dependency (read on each request: a revocation holds at once)."""

    def __init__(self, database):
        self._database = database

    def _keeps(self, name):
        return name in self._database.metadata.tables

    def identify(self, token):
        """(organisation, kind) of a live issued token, else None; records its use at
        most once a minute."""
        if not self._keeps(TOKENS):
            return None
        table = TOKEN_TABLE
        with self._database.engine.begin() as connection:
            row = connection.execute(select(
                table.c.id, table.c.organisation, table.c.kind, table.c.last_used_at)
                .where(table.c.digest == digest(token), table.c.revoked_at.is_(None))).first()
            if row is None:
                return None
            now = utcnow()
            if row.last_used_at is None or now - row.last_used_at >= USE_RECORDED_EVERY:
                connection.execute(update(table).where(table.c.id == row.id)
                                   .values(last_used_at=now))
        return row.organisation, row.kind

    def identify_ticket(self, ticket):
        """(organisation, None) of a stream ticket that has not expired, else None: a
        ticket serves reads open to every organisation, so its kind never matters."""
        if not self._keeps(TICKETS):
            return None
        table = TICKET_TABLE
        with self._database.engine.connect() as connection:
            organisation = connection.execute(select(table.c.organisation).where(
                table.c.digest == digest(ticket), table.c.expires_at > utcnow())).scalar()
        return (organisation, None) if organisation else None


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
