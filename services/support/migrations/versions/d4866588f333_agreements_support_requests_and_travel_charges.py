"""agreements, support requests and travel charges

Revision ID: d4866588f333
Revises: 56590383baa2
Create Date: 2026-11-28 12:42:42.623541
"""
from alembic import op
import sqlalchemy as sa
import coord.db  # noqa: F401  (custom column types)


revision = 'd4866588f333'
down_revision = '56590383baa2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meetings',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('learned_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('refunds_due',
    sa.Column('travel_case_id', sa.String(length=80), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=True),
    sa.Column('cancelled_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('travel_case_id')
    )
    with op.batch_alter_table('refunds_due', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_due_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('travel_charges',
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=True),
    sa.Column('travel_case_id', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('basis', sa.String(length=20), nullable=False),
    sa.Column('agreement_id', sa.String(length=36), nullable=True),
    sa.Column('region', sa.String(length=20), nullable=True),
    sa.Column('amount', sa.String(length=40), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('occurred_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_id')
    )
    with op.batch_alter_table('travel_charges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_travel_charges_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_travel_charges_travel_case_id'), ['travel_case_id'], unique=False)

    op.create_table('agreements',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('basis', sa.String(length=20), nullable=False),
    sa.Column('regions', sa.JSON(), nullable=True),
    sa.Column('recorded_by', sa.String(length=40), nullable=False),
    sa.Column('created_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.create_index('ix_agreements_meeting_category', ['meeting_id', 'category'], unique=False)

    op.create_table('support_requests',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('agreement_id', sa.String(length=36), nullable=False),
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('basis', sa.String(length=20), nullable=False),
    sa.Column('region', sa.String(length=20), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('invoice_amount', sa.String(length=40), nullable=True),
    sa.Column('invoice_currency', sa.String(length=3), nullable=True),
    sa.Column('requested_by', sa.String(length=40), nullable=False),
    sa.Column('created_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('invoiced_at', coord.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('settled_at', coord.db.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], ),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.create_index('ix_support_requests_meeting', ['meeting_id', 'created_at'], unique=False)
        batch_op.create_index('ix_support_requests_queue', ['provider', 'status', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_support_requests_queue')
        batch_op.drop_index('ix_support_requests_meeting')

    op.drop_table('support_requests')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_index('ix_agreements_meeting_category')

    op.drop_table('agreements')
    with op.batch_alter_table('travel_charges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_travel_charges_travel_case_id'))
        batch_op.drop_index(batch_op.f('ix_travel_charges_meeting_id'))

    op.drop_table('travel_charges')
    with op.batch_alter_table('refunds_due', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_due_meeting_id'))

    op.drop_table('refunds_due')
    op.drop_table('meetings')
