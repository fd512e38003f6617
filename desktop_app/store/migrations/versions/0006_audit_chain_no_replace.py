"""the audit log's hash chain for existing rows; SQLite refuses a REPLACE over a row

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:00:00
"""

from alembic import op
import sqlalchemy as sa

from desktop_app.store.audit_chain import GENESIS, chain_hash


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

MESSAGE = 'audit log is append-only'
# Kept verbatim here (not imported from schema.py) so that this revision never changes.
NO_REPLACE = (
    "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
    "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
)
NO_UPDATE = f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"

audit_log = sa.table(
    'audit_log',
    sa.column('id', sa.Integer),
    sa.column('at', sa.DateTime),
    sa.column('actor', sa.String),
    sa.column('action', sa.String),
    sa.column('ticket_id', sa.Integer),
    sa.column('detail', sa.Text),
    sa.column('prev_hash', sa.String),
    sa.column('row_hash', sa.String),
)


def _chain_existing_rows() -> None:
    """Give the rows written before the chain existed their hashes, oldest first."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            audit_log.c.id, audit_log.c.at, audit_log.c.actor, audit_log.c.action,
            audit_log.c.ticket_id, audit_log.c.detail,
        ).order_by(audit_log.c.id)
    ).all()
    prev = GENESIS
    for row in rows:
        digest = chain_hash(prev, row.at, row.actor, row.action, row.ticket_id, row.detail)
        bind.execute(
            sa.update(audit_log).where(audit_log.c.id == row.id).values(prev_hash=prev, row_hash=digest)
        )
        prev = digest


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # The append-only triggers are lifted for the backfill only, inside this migration's
    # single transaction: nothing else can write meanwhile, and a failure restores them.
    if dialect == 'sqlite':
        op.execute('DROP TRIGGER IF EXISTS audit_log_no_update')
        _chain_existing_rows()
        op.execute(NO_UPDATE)
        op.execute(NO_REPLACE)
    elif dialect == 'postgresql':
        op.execute('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only')
        _chain_existing_rows()
        op.execute('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only')
    else:
        _chain_existing_rows()


def downgrade() -> None:
    # The hashes stay (0005's downgrade drops their columns); only the trigger goes.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('DROP TRIGGER IF EXISTS audit_log_no_replace')
