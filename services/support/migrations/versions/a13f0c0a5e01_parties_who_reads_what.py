"""parties: who reads what (coord.scope), with who is already party to existing rows

Revision ID: a13f0c0a5e01
Revises: bfc1ad289a23
Create Date: 2026-11-28 22:00:00
"""
from alembic import op

from coord import scope

revision = 'a13f0c0a5e01'
down_revision = 'bfc1ad289a23'
branch_labels = None
depends_on = None


def upgrade():
    # `mc` reads everything and is never listed.
    scope.create_parties_table(
        op,
        "SELECT 'agreement', id, provider FROM agreements WHERE provider <> 'mc'",
        "SELECT 'support_request', id, provider FROM support_requests WHERE provider <> 'mc'",
        "SELECT 'settlement', id, provider FROM settlements WHERE provider <> 'mc'")


def downgrade():
    scope.drop_parties_table(op)
