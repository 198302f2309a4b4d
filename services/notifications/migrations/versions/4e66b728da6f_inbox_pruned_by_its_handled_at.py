"""inbox pruned by its handled_at (coord.db.create_inbox_age_index says why)

Revision ID: 4e66b728da6f
Revises: 8b4f2c9d0e13
Create Date: 2026-11-29 01:50:00
"""
from alembic import op

from coord.db import create_inbox_age_index, drop_inbox_age_index

revision = '4e66b728da6f'
down_revision = '8b4f2c9d0e13'
branch_labels = None
depends_on = None


def upgrade():
    create_inbox_age_index(op)


def downgrade():
    drop_inbox_age_index(op)
