"""feed filters in seq order

Pages, Atom and the stream read the feed filtered on one of owner, meeting or type, in
`seq` order (newest first, or after a stream's position). With an index on (filter, seq)
a page reads its 51 rows in order; with the filter's column alone, PostgreSQL walks the
primary key backwards and filters (50,000 rows for a rare owner in a million). The
composites also serve plain lookups on the filter, so they replace those indexes.

Revision ID: 8b4f2c9d0e13
Revises: d13f0c0a5e04
Create Date: 2026-11-28 21:55:00
"""
from alembic import op


revision = '8b4f2c9d0e13'
down_revision = 'd13f0c0a5e04'
branch_labels = None
depends_on = None

FILTERS = ('owner', 'meeting_id', 'type')


def upgrade():
    for column in FILTERS:
        op.create_index(f'ix_feed_entries_{column}_seq', 'feed_entries', [column, 'seq'])
        op.drop_index(f'ix_feed_entries_{column}', table_name='feed_entries')


def downgrade():
    for column in FILTERS:
        op.create_index(f'ix_feed_entries_{column}', 'feed_entries', [column])
        op.drop_index(f'ix_feed_entries_{column}_seq', table_name='feed_entries')
