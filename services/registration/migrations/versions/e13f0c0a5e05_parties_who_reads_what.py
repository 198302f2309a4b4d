"""parties: who reads what (coord.scope), with who is already party to existing rows

Revision ID: e13f0c0a5e05
Revises: a535cceb19c3
Create Date: 2026-11-28 22:00:00
"""
from alembic import op

from coord import scope

revision = 'e13f0c0a5e05'
down_revision = 'a535cceb19c3'
branch_labels = None
depends_on = None


def upgrade():
    # `mc` reads everything and is never listed.
    scope.create_parties_table(
        op,
        "SELECT 'registration', id, checked_in_by FROM registrations WHERE checked_in_by IS NOT NULL AND checked_in_by <> 'mc'")


def downgrade():
    scope.drop_parties_table(op)
