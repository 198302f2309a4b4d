"""registrations paged by meeting and id

A meeting's list is `WHERE meeting_id = ? ORDER BY id LIMIT 51`: with an index on
(meeting_id, id) a page reads 51 rows in order instead of sorting all of the meeting's
rows (SQLite: USE TEMP B-TREE FOR ORDER BY). It also serves every lookup by meeting, so
it replaces the index on meeting_id alone.

Revision ID: 5d0e8b7c21aa
Revises: e13f0c0a5e05
Create Date: 2026-11-28 21:55:00
"""
from alembic import op


revision = '5d0e8b7c21aa'
down_revision = 'e13f0c0a5e05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_registrations_meeting_id_id', 'registrations', ['meeting_id', 'id'])
    op.drop_index('ix_registrations_meeting_id', table_name='registrations')


def downgrade():
    op.create_index('ix_registrations_meeting_id', 'registrations', ['meeting_id'])
    op.drop_index('ix_registrations_meeting_id_id', table_name='registrations')
