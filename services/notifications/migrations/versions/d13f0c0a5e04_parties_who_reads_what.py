"""parties: who reads what (coord.scope), with who is already named in the feed

Revision ID: d13f0c0a5e04
Revises: 09429b0042e3
Create Date: 2026-11-28 22:00:00
"""
from alembic import op

from coord import scope

revision = 'd13f0c0a5e04'
down_revision = '09429b0042e3'
branch_labels = None
depends_on = None


def upgrade():
    """Every organisation an entry names (scope.named_in) is party to its subject."""
    if op.get_bind().dialect.name == "postgresql":
        def field(name):
            return f"(data::json->>'{name}')"
    else:
        def field(name):
            return f"(json_extract(data, '$.{name}'))"

    def named(column, *conditions):
        return " AND ".join((f"SELECT subject_kind, subject_id, {column} FROM feed_entries "
                             f"WHERE {column} IS NOT NULL AND {column} <> 'mc'",
                             *conditions))

    kinds = ", ".join(f"'{kind}'" for kind in scope.DELEGATION_SUBJECTS)
    selects = [named("actor"), named("owner"),
               *(named(field(name)) for name in scope.PARTY_FIELDS),
               named(f"('{scope.FOCAL_POINT_PREFIX}' || {field('country')})",
                     f"subject_kind IN ({kinds})")]
    scope.create_parties_table(op, *selects)


def downgrade():
    scope.drop_parties_table(op)
