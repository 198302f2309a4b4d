"""inbox pruned by its handled_at

Retention deletes handled event ids older than INBOX_RETENTION on a timer. Every event a
service consumes leaves its id in the inbox (coord.events claims each one), so without an
index on `handled_at` each pass read the whole table to find the old ones.

Revision ID: 52280fc4a7f4
Revises: 7e2c4a9b51d3
Create Date: 2026-11-29 01:50:00
"""
from alembic import op


revision = '52280fc4a7f4'
down_revision = '7e2c4a9b51d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_inbox_handled_at', 'inbox', ['handled_at'])


def downgrade():
    op.drop_index('ix_inbox_handled_at', table_name='inbox')
