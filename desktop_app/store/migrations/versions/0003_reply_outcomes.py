"""reply outcomes (the generated draft next to the sent reply); drafts remember their model and KB entries

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 16:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reply_outcomes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('author', sa.String(length=100), nullable=False),
        sa.Column('generated', sa.Text(), nullable=True),
        sa.Column('final', sa.Text(), nullable=False),
        sa.Column('model', sa.String(length=100), nullable=True),
        sa.Column('kb_entries', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_reply_outcomes_message_id_messages'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_reply_outcomes_ticket_id_tickets'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_outcomes')),
    )
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('generated_model', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('generated_kb', sa.Text(), nullable=True))
    op.create_index(op.f('ix_reply_outcomes_created_at'), 'reply_outcomes', ['created_at'], unique=False)
    op.create_index(op.f('ix_reply_outcomes_ticket_id'), 'reply_outcomes', ['ticket_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_reply_outcomes_ticket_id'), table_name='reply_outcomes')
    op.drop_index(op.f('ix_reply_outcomes_created_at'), table_name='reply_outcomes')
    op.drop_table('reply_outcomes')
    for column in ('generated_kb', 'generated_model'):
        # SQLite (>= 3.35) drops a column in place; batch mode would copy the table and
        # reflect the tickets table's expression indexes through the foreign key.
        if op.get_bind().dialect.name == 'sqlite':
            op.execute(f'ALTER TABLE drafts DROP COLUMN {column}')
        else:
            op.drop_column('drafts', column)
