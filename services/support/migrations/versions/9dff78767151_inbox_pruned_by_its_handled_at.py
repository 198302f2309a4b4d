"""inbox pruned by its handled_at

Retention deletes handled event ids older than INBOX_RETENTION on a timer. Every event a
service consumes leaves its id in the inbox (coord.events claims each one), so without an
index on `handled_at` each pass read the whole table to find the old ones.

Revision ID: 9dff78767151
Revises: a13f0c0a5e01
Create Date: 2026-11-29 01:50:00
"""
from alembic import op


revision = '9dff78767151'
down_revision = 'a13f0c0a5e01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_inbox_handled_at', 'inbox', ['handled_at'])


def downgrade():
    op.drop_index('ix_inbox_handled_at', table_name='inbox')
