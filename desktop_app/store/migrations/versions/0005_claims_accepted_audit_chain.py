"""claims with leases, accepted AI drafts, the audit log's hash chain

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN (SQLite ≥ 3.35 and PostgreSQL both have them): a batch copy of
# ``tickets`` would lose its expression indexes.
def upgrade() -> None:
    op.add_column('tickets', sa.Column('claimed_by', sa.String(length=100), nullable=True))
    op.add_column('tickets', sa.Column('claim_until', sa.DateTime(), nullable=True))
    op.add_column('drafts', sa.Column('accepted_at', sa.DateTime(), nullable=True))
    op.add_column('audit_log', sa.Column('prev_hash', sa.String(length=64), nullable=True))
    op.add_column('audit_log', sa.Column('row_hash', sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column('audit_log', 'row_hash')
    op.drop_column('audit_log', 'prev_hash')
    op.drop_column('drafts', 'accepted_at')
    op.drop_column('tickets', 'claim_until')
    op.drop_column('tickets', 'claimed_by')
