"""meetings, agreements, DSA rates and travel cases

Amounts are decimal text (services.travel.models.DecimalText), hence String columns.

Revision ID: 0ff1c795cab6
Revises: 1326364de044
Create Date: 2026-11-28 12:43:32.695491
"""
from alembic import op
import sqlalchemy as sa
import coord.db  # noqa: F401  (custom column types)


revision = '0ff1c795cab6'
down_revision = '1326364de044'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agreements',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('basis', sa.String(length=20), nullable=False),
    sa.Column('regions', sa.JSON(), nullable=True),
    sa.Column('recorded_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreements_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('dsa_rates',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('city_key', sa.String(length=100), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('daily_amount', sa.String(length=40), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('travel_days', sa.Integer(), nullable=False),
    sa.Column('set_by', sa.String(length=40), nullable=False),
    sa.Column('set_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dsa_rates', schema=None) as batch_op:
        batch_op.create_index('uq_dsa_rate_city_date', ['city_key', 'valid_from'], unique=True)

    op.create_table('meetings',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('city_key', sa.String(length=100), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_city_key'), ['city_key'], unique=False)

    op.create_table('travel_cases',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('registration_id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('meeting_code', sa.String(length=40), nullable=False),
    sa.Column('given_name', sa.String(length=120), nullable=False),
    sa.Column('family_name', sa.String(length=120), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('region', sa.String(length=20), nullable=False),
    sa.Column('travel_owner', sa.String(length=40), nullable=False),
    sa.Column('travel_basis', sa.String(length=20), nullable=False),
    sa.Column('travel_agreement_id', sa.String(length=36), nullable=True),
    sa.Column('dsa_owner', sa.String(length=40), nullable=False),
    sa.Column('dsa_basis', sa.String(length=20), nullable=False),
    sa.Column('dsa_agreement_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('entitlement_amount', sa.String(length=40), nullable=True),
    sa.Column('entitlement_currency', sa.String(length=3), nullable=True),
    sa.Column('daily_rate', sa.String(length=40), nullable=True),
    sa.Column('meeting_days', sa.Integer(), nullable=True),
    sa.Column('travel_days', sa.Integer(), nullable=True),
    sa.Column('rate_city', sa.String(length=100), nullable=True),
    sa.Column('rate_valid_from', sa.Date(), nullable=True),
    sa.Column('dsa_rate_missing', sa.Boolean(), nullable=False),
    sa.Column('refund_due', sa.Boolean(), nullable=False),
    sa.Column('opened_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('registration_id')
    )
    with op.batch_alter_table('travel_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_travel_cases_dsa_owner'), ['dsa_owner'], unique=False)
        batch_op.create_index(batch_op.f('ix_travel_cases_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_travel_cases_opened_at'), ['opened_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_travel_cases_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_travel_cases_travel_owner'), ['travel_owner'], unique=False)

    op.create_table('withdrawals',
    sa.Column('registration_id', sa.String(length=36), nullable=False),
    sa.Column('withdrawn_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('registration_id')
    )
    op.create_table('dsa_payments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('amount', sa.String(length=40), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('paid_by', sa.String(length=40), nullable=False),
    sa.Column('recorded_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['travel_cases.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id')
    )
    op.create_table('tickets',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('carrier', sa.String(length=100), nullable=False),
    sa.Column('ticket_number', sa.String(length=40), nullable=False),
    sa.Column('fare_amount', sa.String(length=40), nullable=False),
    sa.Column('fare_currency', sa.String(length=3), nullable=False),
    sa.Column('outbound_on', sa.Date(), nullable=False),
    sa.Column('return_on', sa.Date(), nullable=False),
    sa.Column('issued_by', sa.String(length=40), nullable=False),
    sa.Column('issued_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['travel_cases.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id')
    )


def downgrade():
    op.drop_table('tickets')
    op.drop_table('dsa_payments')
    op.drop_table('withdrawals')
    with op.batch_alter_table('travel_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_travel_cases_travel_owner'))
        batch_op.drop_index(batch_op.f('ix_travel_cases_status'))
        batch_op.drop_index(batch_op.f('ix_travel_cases_opened_at'))
        batch_op.drop_index(batch_op.f('ix_travel_cases_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_travel_cases_dsa_owner'))

    op.drop_table('travel_cases')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_city_key'))

    op.drop_table('meetings')
    with op.batch_alter_table('dsa_rates', schema=None) as batch_op:
        batch_op.drop_index('uq_dsa_rate_city_date')

    op.drop_table('dsa_rates')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreements_meeting_id'))

    op.drop_table('agreements')
