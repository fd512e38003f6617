"""plain (column, id) indexes beside the nullable columns' sort indexes

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 10:00:00

The sort indexes of 0008 lead with ``column IS NULL`` (empty values last). PostgreSQL
seeks in them by row value; SQLite does not: a keyset page (the middle of a million
tickets) and an ``intent = ?`` count walked them from the start (120 ms and 37 ms at 1M).
On ``(column, id)`` SQLite seeks ``(column, id) > (?, ?)`` and ``column = ?`` directly
(0.6 ms and 1.2 ms); ``store.tickets`` reads the non-empty values and the empty ones as
two ranges there. The same indexes on PostgreSQL keep the two schemas alike.
"""

from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

COLUMNS = ('waiting_since', 'intent', 'sentiment', 'assignee')


def upgrade() -> None:
    for column in COLUMNS:
        op.create_index(f'ix_tickets_{column}_id', 'tickets', [column, 'id'])


def downgrade() -> None:
    for column in COLUMNS:
        op.drop_index(f'ix_tickets_{column}_id', table_name='tickets')
