"""Corrections: `PATCH` with an etag, the fields before and after, and their history.

Every correctable aggregate (a meeting, a registration, an agreement, a document) keeps a
`version` that each correction bumps; its `etag` is that version, quoted. A client that
sends `If-Match` with an etag it read earlier gets 412 if someone corrected the record
in between, rather than silently overwriting their change. Each correction is kept in
the service's `corrections` table (who, when, each field before and after) and announced
as `<thing>_updated` with the same `changes`.
"""
import uuid
from datetime import date, datetime
from decimal import Decimal

from marshmallow import Schema, fields
from sqlalchemy import JSON, Column, Index, Integer, String, Table, select
from sqlalchemy.orm import Mapped, mapped_column

from coord.db import UtcDateTime, utcnow
from coord.errors import Conflict, Invalid, PreconditionFailed
from coord.http import decode_cursor, page, page_of


def etag(version):
    return f'"{version}"'


class Correctable:
    """Mixin of a model `PATCH` can correct: its version, shown as its etag."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @property
    def etag(self):
        return etag(self.version)


def check_if_match(if_match, version, thing):
    """412 when `If-Match` (the raw header, or None) names none of the current etag."""
    if if_match is None or if_match.strip() == "*":
        return
    given = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if etag(version) not in given:
        raise PreconditionFailed(
            f"The {thing} was corrected since you read it (its etag is now {etag(version)}); "
            "read it again and apply your correction to what it says now.")


def check_correctable(changes, correctable, thing):
    """409 naming each field given that may not be corrected (it identifies the record,
    or other records were built on it)."""
    fixed = sorted(set(changes) - set(correctable))
    if fixed:
        raise Conflict(
            f"{', '.join(fixed)} of a {thing} cannot be corrected (it identifies the "
            f"{thing}, or other work was decided on it); only "
            f"{', '.join(sorted(correctable))} can.",
            code="not_correctable", fields={name: ["Not correctable."] for name in fixed})
    if not changes:
        raise Invalid(f"Name at least one field of the {thing} to correct.",
                      code="nothing_to_correct")


def apply(target, changes):
    """Set the fields that differ and bump the version. Returns {field: {"before",
    "after"}} for those (empty when the correction changes nothing: no new version)."""
    changed = {name: {"before": jsonable(getattr(target, name)), "after": jsonable(value)}
               for name, value in changes.items() if getattr(target, name) != value}
    for name in changed:
        setattr(target, name, changes[name])
    if changed:
        target.version += 1
    return changed


def history_table(metadata):
    """The `corrections` table of a service: one row per correction of any of its
    aggregates (`subject_kind`, `subject_id`), numbered by the version it made."""
    return Table(
        "corrections", metadata,
        Column("id", String(36), primary_key=True),
        Column("subject_kind", String(40), nullable=False),
        Column("subject_id", String(36), nullable=False),
        Column("version", Integer, nullable=False),
        Column("changed_by", String(40), nullable=False),
        Column("changed_at", UtcDateTime, nullable=False),
        Column("changes", JSON, nullable=False),
        Index("ix_corrections_subject", "subject_kind", "subject_id", "version", unique=True),
    )


def record(session, table, kind, target, caller, changes):
    """Keep one correction in the history, under the version it made."""
    session.execute(table.insert().values(
        id=str(uuid.uuid4()), subject_kind=kind, subject_id=target.id, version=target.version,
        changed_by=caller, changed_at=utcnow(), changes=changes))


def history(session, table, kind, subject_id, query):
    """A page of a record's corrections, oldest first (the cursor is the last version)."""
    statement = select(table).where(table.c.subject_kind == kind,
                                    table.c.subject_id == subject_id)
    after = decode_cursor(query.get("cursor"), expected=int)
    if after is not None:
        statement = statement.where(table.c.version > after)
    rows = session.execute(statement.order_by(table.c.version).limit(query["limit"] + 1)).all()
    return page([row._asdict() for row in rows], query["limit"], lambda row: row["version"])


class CorrectionSchema(Schema):
    version = fields.Integer(required=True, metadata={"description": "The version it made."})
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)
    changes = fields.Dict(required=True, metadata={
        "description": "Each corrected field: {\"before\": ..., \"after\": ...}."})


CorrectionPage = page_of(CorrectionSchema)


def patch_schema(create_schema):
    """The body of a `PATCH`: any of the create schema's fields, none required."""

    class Patch(create_schema):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, partial=True, **kwargs)

    Patch.__name__ = create_schema.__name__.replace("Create", "Patch")
    return Patch


def jsonable(value):
    """A field's value as the JSON the API shows it."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
