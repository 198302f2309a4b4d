"""meetings count their reference numbers

A nomination took its reference number as max(number) + 1 under a lock on its meeting's
row held from the request's first read to its commit, so concurrent nominations into one
meeting queued through every check. The meeting now keeps the last number it gave
(`last_number`): a nomination makes its checks first and takes the number last, with one
`UPDATE ... RETURNING` that locks the row only from there to the commit. Backfilled from
the registrations that exist.

Revision ID: 7e2c4a9b51d3
Revises: 3f6a9d2e7b10
Create Date: 2026-11-29 01:50:00
"""
import sqlalchemy as sa
from alembic import op


revision = '7e2c4a9b51d3'
down_revision = '3f6a9d2e7b10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings') as batch:
        batch.add_column(sa.Column('last_number', sa.Integer(), nullable=False,
                                   server_default='0'))
    op.execute("UPDATE meetings SET last_number = COALESCE((SELECT max(number) FROM "
               "registrations WHERE registrations.meeting_id = meetings.id), 0)")


def downgrade():
    with op.batch_alter_table('meetings') as batch:
        batch.drop_column('last_number')
