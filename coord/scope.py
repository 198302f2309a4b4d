"""Who reads what: one policy for every service (ARCHITECTURE.md "Read scope").

`mc` reads everything. Any other organisation reads what it is party to, now or
before: each service keeps a `parties` table (subject type, subject id, organisation),
written by its use cases when an organisation becomes party to something (a provider
named, a case routed or re-routed to it, a contribution made...) and never cleared, so
a case handed from brs to chb stays readable by both. Reads are one indexed semi-join:
lists filter in SQL (keyset paging unchanged), and one resource outside the scope is 404,
exactly like one that does not exist, so nobody learns what others work on.
"""
from sqlalchemy import Column, Index, PrimaryKeyConstraint, String, Table, exists, select

from coord.db import insert_ignoring_duplicates
from coord.errors import NotFound
from coord.vocabulary import ORGANISER

PARTIES = "parties"
FOCAL_POINT_PREFIX = "party-"  # a Party's focal point: party-<ISO3> (CONTRACT.md v1.1)


def _parties_columns():
    return (Column("subject_type", String(40), nullable=False),
            Column("subject_id", String(80), nullable=False),
            Column("organisation", String(60), nullable=False),
            PrimaryKeyConstraint("subject_type", "subject_id", "organisation"))


_BY_ORGANISATION = ("ix_parties_by_organisation", "organisation", "subject_type", "subject_id")


def add_parties_table(metadata):
    """The `parties` table in a service's metadata (and so its migrations)."""
    return Table(PARTIES, metadata, *_parties_columns(), Index(*_BY_ORGANISATION))


def create_parties_table(op, *backfills):
    """For a service's migration: the `parties` table, then `backfills`, each a SELECT of
    (subject_type, subject_id, organisation) rows of who is already party to what."""
    op.create_table(PARTIES, *_parties_columns())
    op.create_index(_BY_ORGANISATION[0], PARTIES, list(_BY_ORGANISATION[1:]))
    if backfills:  # one INSERT of their UNION: a row two of them find is kept once
        op.execute(f"INSERT INTO {PARTIES} (subject_type, subject_id, organisation) "
                   + " UNION ".join(backfills))


def drop_parties_table(op):
    op.drop_index(_BY_ORGANISATION[0], table_name=PARTIES)
    op.drop_table(PARTIES)


def reads_everything(caller):
    return caller == ORGANISER


def focal_point_country(caller):
    """The ISO3 country whose Party's focal point `caller` is (`party-ZMB` → ZMB), or None."""
    if caller and caller.startswith(FOCAL_POINT_PREFIX):
        return caller[len(FOCAL_POINT_PREFIX):].upper() or None
    return None


def focal_point_of(country):
    return f"{FOCAL_POINT_PREFIX}{country}" if country else None


def become_parties(session, parties, subject_type, subject_id, *organisations):
    """Record that `organisations` are party to the subject; once each, whatever repeats.

    `mc` is never recorded: it reads everything anyway. Idempotent (ON CONFLICT DO
    NOTHING), so an event handled again or two writers at once add nothing twice.
    """
    become_parties_to_each(session, parties, subject_type, [subject_id], *organisations)


def become_parties_to_each(session, parties, subject_type, subject_ids, *organisations):
    """`become_parties` for many subjects at once, in one statement (a bulk import)."""
    named = sorted({org for org in organisations if org and org != ORGANISER})
    rows = [{"subject_type": subject_type, "subject_id": str(subject_id), "organisation": org}
            for subject_id in subject_ids for org in named]
    if not rows:
        return
    insert_ignoring_duplicates(session, parties, rows)


# Fields of an event's data that name an organisation taking part in its subject.
PARTY_FIELDS = ("provider", "travel_owner", "dsa_owner", "previous_travel_owner",
                "previous_dsa_owner", "contributor", "payer", "holder", "organiser_code",
                "nominated_by")
# Subjects about one participant of a country: that Party's focal point is party to them.
DELEGATION_SUBJECTS = ("registration", "credentials")


def named_in(envelope):
    """The organisations an event names as party to its subject: who acted, who must act,
    providers, owners (now and before), contributors, payers, nominators, and the focal
    point of a delegate's country. Notifications stores them per subject when it records
    the event, so the feed and webhooks show it to them and to nobody else but `mc`."""
    data = envelope.get("data") or {}
    named = {envelope.get("actor"), envelope.get("owner")}
    named.update(data.get(field) for field in PARTY_FIELDS)
    if (envelope.get("subject") or {}).get("kind") in DELEGATION_SUBJECTS:
        named.add(focal_point_of(data.get("country")))
    return {org for org in named if isinstance(org, str) and org}


def party_subjects(parties, caller, subject_type):
    """The ids of the `subject_type` subjects `caller` is party to (a subquery)."""
    return select(parties.c.subject_id).where(
        parties.c.organisation == caller, parties.c.subject_type == subject_type)


def scoped(statement, caller, parties, subject_type, id_column, *also):
    """`statement` cut to what `caller` may read: everything for `mc`; else the subjects
    it is party to, or that meet any of `also` (extra SQL conditions, e.g. a focal
    point's own country)."""
    if reads_everything(caller):
        return statement
    condition = id_column.in_(party_subjects(parties, caller, subject_type))
    for extra in also:
        condition = condition | extra
    return statement.where(condition)


def party_to(parties, caller, type_column, id_column):
    """A condition for rows whose subject (`type_column`, `id_column`) `caller` is party
    to, for tables that hold subjects of several types (a feed)."""
    return exists().where(parties.c.organisation == caller,
                          parties.c.subject_type == type_column,
                          parties.c.subject_id == id_column)


def is_party(session, parties, caller, subject_type, subject_id):
    return reads_everything(caller) or session.scalar(
        party_subjects(parties, caller, subject_type).where(
            parties.c.subject_id == str(subject_id))) is not None


def readable(session, parties, caller, subject_type, found, message):
    """`found` (a subject with an `id`) when `caller` may read it; else 404 with `message`,
    the very answer for one that does not exist."""
    if found is None or not is_party(session, parties, caller, subject_type, found.id):
        raise NotFound(message)
    return found
