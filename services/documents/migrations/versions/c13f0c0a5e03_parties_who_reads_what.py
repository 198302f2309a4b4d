"""parties: who reads what (coord.scope), with who is already party to existing rows

Revision ID: c13f0c0a5e03
Revises: b0a9e69aef02
Create Date: 2026-11-28 22:00:00
"""
from alembic import op

from coord import scope

revision = 'c13f0c0a5e03'
down_revision = 'b0a9e69aef02'
branch_labels = None
depends_on = None


def upgrade():
    # `mc` reads everything and is never listed.
    scope.create_parties_table(
        op,
        "SELECT 'document', id, owner FROM documents WHERE owner IS NOT NULL AND owner <> 'mc'",
        "SELECT 'document', document_id, contributor FROM contributions WHERE contributor <> 'mc'",
        "SELECT 'document', document_id, done_by FROM language_versions WHERE done_by IS NOT NULL AND done_by <> 'mc'",
        "SELECT 'document', document_id, file_uploaded_by FROM language_versions WHERE file_uploaded_by IS NOT NULL AND file_uploaded_by <> 'mc'")


def downgrade():
    scope.drop_parties_table(op)
