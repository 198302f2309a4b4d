"""meetings, documents, languages, contributions, symbol counters and late notices

Revision ID: 748954515381
Revises: 7a25aa4cbc2e
Create Date: 2026-11-28 12:43:08.630730
"""
from alembic import op
import sqlalchemy as sa
import coord.db  # noqa: F401  (custom column types)


revision = '748954515381'
down_revision = '7a25aa4cbc2e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meetings',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('symbol_prefix', sa.String(length=60), nullable=False),
    sa.Column('recorded_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('symbol_counters',
    sa.Column('stem', sa.String(length=200), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('stem')
    )
    op.create_table('documents',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('symbol', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('agenda_item', sa.String(length=40), nullable=False),
    sa.Column('parent_id', sa.String(length=36), nullable=True),
    sa.Column('relation', sa.String(length=10), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('owner', sa.String(length=40), nullable=True),
    sa.Column('original_language', sa.String(length=2), nullable=False),
    sa.Column('language_set', sa.String(length=10), nullable=False),
    sa.Column('submission_due_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('created_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
    sa.ForeignKeyConstraint(['parent_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('symbol')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_due_on'), ['due_on'], unique=False)
        batch_op.create_index('ix_documents_meeting_status', ['meeting_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_owner'), ['owner'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_parent_id'), ['parent_id'], unique=False)

    op.create_table('contributions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('contributor', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contributions_document_id'), ['document_id'], unique=False)

    op.create_table('language_versions',
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('done_at', coord.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('done_by', sa.String(length=40), nullable=True),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('file_size', sa.Integer(), nullable=True),
    sa.Column('file_content_type', sa.String(length=100), nullable=True),
    sa.Column('file_uploaded_at', coord.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('file_uploaded_by', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('document_id', 'language')
    )
    op.create_table('late_notices',
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('deadline', sa.String(length=20), nullable=False),
    sa.Column('holder', sa.String(length=40), nullable=True),
    sa.Column('days_late', sa.Integer(), nullable=False),
    sa.Column('noticed_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('document_id', 'deadline')
    )


def downgrade():
    op.drop_table('late_notices')
    op.drop_table('language_versions')
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contributions_document_id'))

    op.drop_table('contributions')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_parent_id'))
        batch_op.drop_index(batch_op.f('ix_documents_owner'))
        batch_op.drop_index('ix_documents_meeting_status')
        batch_op.drop_index(batch_op.f('ix_documents_due_on'))

    op.drop_table('documents')
    op.drop_table('symbol_counters')
    op.drop_table('meetings')
