"""public face: publication date of documents, meetings found by code

Revision ID: 7711f28d65bc
Revises: 748954515381
Create Date: 2026-11-28 19:10:00.000000
"""
from alembic import op
import sqlalchemy as sa
import coord.db  # noqa: F401  (custom column types)


revision = '7711f28d65bc'
down_revision = '748954515381'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', coord.db.UtcDateTime(timezone=True),
                                      nullable=True))
    # Documents published before this revision: their last change was the publication
    # (published files are final), the best date there is.
    op.execute("UPDATE documents SET published_at = updated_at WHERE status = 'published'")
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_code'), ['code'], unique=False)


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_code'))
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('published_at')
