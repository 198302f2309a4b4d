"""paper: translations, reference numbers, visa data, mail outbox

Revision ID: 9c1c92af8a8c
Revises: 964b4e9facff
Create Date: 2026-11-28 18:42:06.016996
"""
from alembic import op
import sqlalchemy as sa
import coord.db  # noqa: F401  (custom column types)


revision = '9c1c92af8a8c'
down_revision = '964b4e9facff'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_outbox',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('about_id', sa.String(length=36), nullable=True),
    sa.Column('attachments', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('next_attempt_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_at', coord.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', coord.db.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_mail_outbox_due', ['status', 'next_attempt_at'], unique=False)

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False,
                                      server_default='{}'))

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=2), nullable=False,
                                      server_default='en'))
        batch_op.add_column(sa.Column('title', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('function', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('nationality', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('date_of_birth', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('passport_number', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('passport_expires_on', sa.Date(), nullable=True))
    # Registrations made before numbers existed are numbered in the order they came.
    op.execute("""
        UPDATE registrations SET number = (
            SELECT COUNT(*) FROM registrations AS earlier
            WHERE earlier.meeting_id = registrations.meeting_id
              AND (earlier.created_at < registrations.created_at
                   OR (earlier.created_at = registrations.created_at
                       AND earlier.id <= registrations.id)))""")
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('number', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index('uq_registration_number', ['meeting_id', 'number'], unique=True)



def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('uq_registration_number')
        batch_op.drop_column('passport_expires_on')
        batch_op.drop_column('passport_number')
        batch_op.drop_column('date_of_birth')
        batch_op.drop_column('nationality')
        batch_op.drop_column('function')
        batch_op.drop_column('title')
        batch_op.drop_column('language')
        batch_op.drop_column('number')

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_outbox_due')

    op.drop_table('mail_outbox')
