"""presence: who has a ticket open right now (「小美 正在处理」), with a short lease

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 10:00:00

``ticket_presence`` holds one row per (ticket, agent) with the ticket open: ``opened_at``
(when this presence began; kept by heartbeats) and ``seen_until`` (the lease a heartbeat
renews). A row past ``seen_until`` is void; ``store.presence`` ignores and purges such rows.

PostgreSQL: row triggers notify ``aftersales_changes`` with the change kind ``presence``
through migration 0007's ``aftersales_notify_change``, on insert, delete, and an update of
the row's identity (ticket, agent, ``opened_at``). A heartbeat moves only ``seen_until``
and notifies nobody: what others see did not change. SQLite's poller (``store.change_feed``)
reports exactly the same moments by comparing the set of (ticket, agent, opened_at).
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# Kept verbatim here (not shared with store.presence) so that this revision never changes.
# aftersales_child_row_changed (0007) notifies NEW.ticket_id / OLD.ticket_id with TG_ARGV[0].
TRIGGERS = (
    "CREATE TRIGGER ticket_presence_notify_insert AFTER INSERT ON ticket_presence "
    "FOR EACH ROW EXECUTE FUNCTION aftersales_child_row_changed('presence')",
    "CREATE TRIGGER ticket_presence_notify_delete AFTER DELETE ON ticket_presence "
    "FOR EACH ROW EXECUTE FUNCTION aftersales_child_row_changed('presence')",
    "CREATE TRIGGER ticket_presence_notify_update AFTER UPDATE ON ticket_presence FOR EACH ROW "
    "WHEN (ROW(NEW.ticket_id, NEW.user_name, NEW.opened_at) IS DISTINCT FROM "
    "ROW(OLD.ticket_id, OLD.user_name, OLD.opened_at)) "
    "EXECUTE FUNCTION aftersales_child_row_changed('presence')",
)
EVENTS = ('insert', 'delete', 'update')


def upgrade() -> None:
    op.create_table(
        'ticket_presence',
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('user_name', sa.String(length=100), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('seen_until', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['ticket_id'], ['tickets.id'], name='fk_ticket_presence_ticket_id_tickets', ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('ticket_id', 'user_name', name='pk_ticket_presence'),
    )
    if op.get_bind().dialect.name == 'postgresql':
        for statement in TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for event in EVENTS:
            op.execute(f'DROP TRIGGER IF EXISTS ticket_presence_notify_{event} ON ticket_presence')
    op.drop_table('ticket_presence')
