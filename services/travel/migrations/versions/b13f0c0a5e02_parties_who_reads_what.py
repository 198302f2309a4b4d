"""parties: who reads what (coord.scope), with who is already party to existing rows

Revision ID: b13f0c0a5e02
Revises: c2e1d3b6433b
Create Date: 2026-11-28 22:00:00
"""
from alembic import op

from coord import scope

revision = 'b13f0c0a5e02'
down_revision = 'c2e1d3b6433b'
branch_labels = None
depends_on = None


def upgrade():
    # `mc` reads everything and is never listed.
    scope.create_parties_table(
        op,
        "SELECT 'travel_case', id, travel_owner FROM travel_cases WHERE travel_owner <> 'mc'",
        "SELECT 'travel_case', id, dsa_owner FROM travel_cases WHERE dsa_owner NOT IN ('mc', travel_owner)")


def downgrade():
    scope.drop_parties_table(op)
