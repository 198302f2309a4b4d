"""inbox pruned by its handled_at (coord.db.create_inbox_age_index says why)

Revision ID: cc723f418b2d
Revises: c13f0c0a5e03
Create Date: 2026-11-29 01:50:00
"""
from alembic import op

from coord.db import create_inbox_age_index, drop_inbox_age_index

revision = 'cc723f418b2d'
down_revision = 'c13f0c0a5e03'
branch_labels = None
depends_on = None


def upgrade():
    create_inbox_age_index(op)


def downgrade():
    drop_inbox_age_index(op)
