"""PostgreSQL tells every listening client which tickets changed (LISTEN/NOTIFY)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 10:00:00

Row triggers on tickets, messages, ticket_tags and drafts send, on commit,
``pg_notify('aftersales_changes', '{"tickets": [id], "change": kind, "at": time}')``.
An update of ``claimed_by``/``claim_until`` is a ``claim``; of the tag columns, ``tags``;
of anything else, ``ticket`` (one update may be several kinds). ``at`` is the writing
transaction's start (UTC), so the same change twice in one transaction (a tagging's two
``ticket_tags`` rows) is one notification: PostgreSQL folds identical payloads.

Row triggers, not statement triggers with transition tables: the drivers send a
many-row insert as one statement per row (psycopg's executemany), and a statement
trigger's transition tables and queries then cost about as much as the insert itself;
a row trigger is a few comparisons and one ``pg_notify``.
SQLite has no NOTIFY: clients poll ``PRAGMA data_version`` (``store.change_feed``), so
on SQLite this revision does nothing.
"""

from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Kept verbatim here (not shared with store.change_feed) so that this revision never changes.
NOTIFY_FUNCTION = """
CREATE FUNCTION aftersales_notify_change(ticket bigint, kind text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ticket IS NOT NULL THEN
        PERFORM pg_notify('aftersales_changes', '{"tickets": [' || ticket || '], "change": "' || kind
            || '", "at": "' || to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '"}');
    END IF;
END $$
"""

CLAIM_COLUMNS = ('claimed_by', 'claim_until')
TAG_COLUMNS = (
    'intent', 'intent_score', 'sentiment', 'sentiment_score', 'flagged', 'tag_scores', 'flag_reasons', 'tagged_at',
)
TICKET_COLUMNS = (
    'external_id', 'customer', 'channel', 'order_id', 'product', 'text', 'status', 'waiting_since', 'created_at',
)


def _row(alias: str, columns: tuple[str, ...]) -> str:
    return 'ROW(' + ', '.join(f'{alias}.{c}' for c in columns) + ')'


def _changed(columns: tuple[str, ...]) -> str:
    return f'{_row("NEW", columns)} IS DISTINCT FROM {_row("OLD", columns)}'


# The assignee moves with a claim (claim_next, release): then it is part of the claim. A
# version bump with nothing else (an edit that only touched updated_at) is a ``ticket``.
TICKET_ROW_FUNCTION = f"""
CREATE FUNCTION aftersales_ticket_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    claim boolean;
    tags boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM aftersales_notify_change(NEW.id, 'ticket');
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM aftersales_notify_change(OLD.id, 'ticket');
        RETURN NULL;
    END IF;
    claim := {_changed(CLAIM_COLUMNS)};
    tags := {_changed(TAG_COLUMNS)};
    IF claim THEN
        PERFORM aftersales_notify_change(NEW.id, 'claim');
    END IF;
    IF tags THEN
        PERFORM aftersales_notify_change(NEW.id, 'tags');
    END IF;
    IF {_changed(TICKET_COLUMNS)}
        OR (NEW.assignee IS DISTINCT FROM OLD.assignee AND NOT claim)
        OR (NEW.version <> OLD.version AND NOT claim AND NOT tags) THEN
        PERFORM aftersales_notify_change(NEW.id, 'ticket');
    END IF;
    RETURN NULL;
END $$
"""

# A message, tag or draft row: its ticket changed in that way (TG_ARGV[0]).
CHILD_ROW_FUNCTION = """
CREATE FUNCTION aftersales_child_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM aftersales_notify_change(OLD.ticket_id, TG_ARGV[0]);
    ELSE
        PERFORM aftersales_notify_change(NEW.ticket_id, TG_ARGV[0]);
        IF TG_OP = 'UPDATE' AND NEW.ticket_id IS DISTINCT FROM OLD.ticket_id THEN
            PERFORM aftersales_notify_change(OLD.ticket_id, TG_ARGV[0]);
        END IF;
    END IF;
    RETURN NULL;
END $$
"""

# (table, kind) of the tables whose rows belong to a ticket through ``ticket_id``
CHILD_TABLES = (('messages', 'message'), ('ticket_tags', 'tags'), ('drafts', 'draft'))
EVENTS = ('insert', 'update', 'delete')
FUNCTIONS = ('aftersales_ticket_row_changed', 'aftersales_child_row_changed')


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(NOTIFY_FUNCTION)
    op.execute(TICKET_ROW_FUNCTION)
    op.execute(CHILD_ROW_FUNCTION)
    for event in EVENTS:
        op.execute(
            f'CREATE TRIGGER tickets_notify_{event} AFTER {event.upper()} ON tickets '
            'FOR EACH ROW EXECUTE FUNCTION aftersales_ticket_row_changed()'
        )
        for table, kind in CHILD_TABLES:
            op.execute(
                f'CREATE TRIGGER {table}_notify_{event} AFTER {event.upper()} ON {table} '
                f"FOR EACH ROW EXECUTE FUNCTION aftersales_child_row_changed('{kind}')"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for event in EVENTS:
        for table in ('tickets', *(t for t, _kind in CHILD_TABLES)):
            op.execute(f'DROP TRIGGER IF EXISTS {table}_notify_{event} ON {table}')
    for function in FUNCTIONS:
        op.execute(f'DROP FUNCTION IF EXISTS {function}()')
    op.execute('DROP FUNCTION IF EXISTS aftersales_notify_change(bigint, text)')
