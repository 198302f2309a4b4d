"""inbox pruned by its handled_at (coord.db.create_inbox_age_index says why)

Revision ID: 52280fc4a7f4
Revises: 7e2c4a9b51d3
Create Date: 2026-11-29 01:50:00
"""
from alembic import op

from coord.db import create_inbox_age_index, drop_inbox_age_index

revision = '52280fc4a7f4'
down_revision = '7e2c4a9b51d3'
branch_labels = None
depends_on = None


def upgrade():
    create_inbox_age_index(op)


def downgrade():
    drop_inbox_age_index(op)
