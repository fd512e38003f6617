"""ticket tag scores, flag reasons, tagged_at and the untagged index

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

SORT_INDEXED = ("waiting_since", "intent", "sentiment", "assignee")
UNTAGGED = sa.text("tagged_at IS NULL")


def upgrade() -> None:
    # ADD COLUMN needs no table copy, even in batch mode on SQLite.
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tag_scores', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('flag_reasons', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('tagged_at', sa.DateTime(), nullable=True))
    op.create_index(
        'ix_tickets_untagged',
        'tickets',
        ['created_at', 'id'],
        unique=False,
        sqlite_where=UNTAGGED,
        postgresql_where=UNTAGGED,
    )


def downgrade() -> None:
    op.drop_index('ix_tickets_untagged', table_name='tickets')
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        # Dropping columns copies the table on SQLite, and a reflected copy cannot carry
        # the expression indexes of 0001: drop them first, build them again after.
        for name in SORT_INDEXED:
            op.drop_index(f"ix_tickets_sort_{name}", table_name="tickets")
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('tagged_at')
        batch_op.drop_column('flag_reasons')
        batch_op.drop_column('tag_scores')
    if sqlite:
        for name in SORT_INDEXED:
            op.create_index(f"ix_tickets_sort_{name}", "tickets", [sa.text(f"({name} IS NULL)"), sa.text(name)])
