"""credentials, observers, side events, check-in

Revision ID: 964b4e9facff
Revises: b1e7a20b1b3b
Create Date: 2026-11-28 12:42:51.853931
"""
from alembic import op
import sqlalchemy as sa
import coord.db  # noqa: F401  (custom column types)

# A withdrawn funded participant frees the country's place (models.FUNDED_PARTICIPANT).
FUNDED_BEFORE = "funded = true"
FUNDED_NOW = "funded = true AND status IN ('confirmed', 'checked_in')"


revision = '964b4e9facff'
down_revision = 'b1e7a20b1b3b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('observer_requests',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('organisation', sa.String(length=300), nullable=False),
    sa.Column('organisation_key', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('competence', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_at', coord.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('observer_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observer_requests_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index('uq_observer_request', ['meeting_id', 'organisation_key'], unique=True)

    op.create_table('side_events',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('organiser', sa.String(length=300), nullable=False),
    sa.Column('organiser_code', sa.String(length=40), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('expected_participants', sa.Integer(), nullable=True),
    sa.Column('preferred_starts_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('preferred_ends_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('room', sa.String(length=100), nullable=True),
    sa.Column('room_key', sa.String(length=100), nullable=True),
    sa.Column('starts_at', coord.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('ends_at', coord.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_at', coord.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('side_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_side_events_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('admitted_observers',
    sa.Column('organisation_key', sa.String(length=300), nullable=False),
    sa.Column('organisation', sa.String(length=300), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('request_id', sa.String(length=36), nullable=False),
    sa.Column('admitted_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['observer_requests.id'], ),
    sa.PrimaryKeyConstraint('organisation_key')
    )
    op.create_table('credentials',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('registration_id', sa.String(length=36), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('issued_by', sa.String(length=40), nullable=False),
    sa.Column('issuing_authority', sa.String(length=300), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('reviewed_at', coord.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credentials_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credentials_registration_id'), ['registration_id'], unique=False)

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_in_by', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('checked_in_at', coord.db.UtcDateTime(timezone=True), nullable=True))
    _replace_funded_index(FUNDED_BEFORE, FUNDED_NOW)


def downgrade():
    _replace_funded_index(FUNDED_NOW, FUNDED_BEFORE)
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('checked_in_at')
        batch_op.drop_column('checked_in_by')

    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credentials_registration_id'))
        batch_op.drop_index(batch_op.f('ix_credentials_meeting_id'))

    op.drop_table('credentials')
    op.drop_table('admitted_observers')
    with op.batch_alter_table('side_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_side_events_meeting_id'))

    op.drop_table('side_events')
    with op.batch_alter_table('observer_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_observer_request')
        batch_op.drop_index(batch_op.f('ix_observer_requests_meeting_id'))

    op.drop_table('observer_requests')

def _replace_funded_index(old_where, new_where):
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('uq_funded_country', sqlite_where=sa.text(old_where),
                            postgresql_where=sa.text(old_where))
        batch_op.create_index('uq_funded_country', ['meeting_id', 'country'], unique=True,
                              sqlite_where=sa.text(new_where),
                              postgresql_where=sa.text(new_where))
