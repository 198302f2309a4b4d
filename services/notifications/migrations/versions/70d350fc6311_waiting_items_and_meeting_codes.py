"""waiting items, known meetings and meeting codes

What waits on whom (one row per subject, its current owner) and the meeting codes that
summaries and the staff page show.

Revision ID: 70d350fc6311
Revises: 700cb98a514d
Create Date: 2026-11-28 12:46:06.410675
"""
from alembic import op
import sqlalchemy as sa
import coord.db  # noqa: F401  (custom column types)


revision = '70d350fc6311'
down_revision = '700cb98a514d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('known_meetings',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('waiting_items',
    sa.Column('subject_kind', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.String(length=80), nullable=False),
    sa.Column('owner', sa.String(length=40), nullable=True),
    sa.Column('since', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('latest_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('entry_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['feed_entries.id'], ),
    sa.PrimaryKeyConstraint('subject_kind', 'subject_id')
    )
    with op.batch_alter_table('waiting_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waiting_items_owner'), ['owner'], unique=False)

    with op.batch_alter_table('feed_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_code', sa.String(length=40), nullable=True))



def downgrade():
    with op.batch_alter_table('feed_entries', schema=None) as batch_op:
        batch_op.drop_column('meeting_code')

    with op.batch_alter_table('waiting_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waiting_items_owner'))

    op.drop_table('waiting_items')
    op.drop_table('known_meetings')
