"""PostgreSQL tells every listening client which tickets changed (LISTEN/NOTIFY)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 10:00:00

Statement-level triggers on tickets, messages, ticket_tags and drafts send, on commit,
``pg_notify('aftersales_changes', '{"tickets": [ids], "change": kind, "at": time}')``:
one notification per kind and statement, with up to 400 ticket ids each (a payload must
stay under 8000 bytes), so that a bulk import is a few notifications, not one per row.
An update of ``claimed_by``/``claim_until`` is a ``claim``; of the tag columns, ``tags``;
of anything else, ``ticket``. ``at`` is the writing transaction's start (UTC).
SQLite has no NOTIFY: clients poll ``PRAGMA data_version`` (``store.change_feed``), so
on SQLite this revision does nothing.
"""

from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

CHANNEL = 'aftersales_changes'
CHUNK = 400

# Kept verbatim here (not shared with store.change_feed) so that this revision never changes.
NOTIFY_FUNCTION = f"""
CREATE FUNCTION aftersales_notify_changes(kind text, ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    total int := coalesce(array_length(ids, 1), 0);
    first int := 1;
    stamp text := to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US');
BEGIN
    WHILE first <= total LOOP
        PERFORM pg_notify('{CHANNEL}', json_build_object(
            'tickets', ids[first:first + {CHUNK} - 1], 'change', kind, 'at', stamp)::text);
        first := first + {CHUNK};
    END LOOP;
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
    return f'{_row("n", columns)} IS DISTINCT FROM {_row("o", columns)}'


def _same(columns: tuple[str, ...]) -> str:
    return f'{_row("n", columns)} IS NOT DISTINCT FROM {_row("o", columns)}'


def _ids(condition: str) -> str:
    return f'ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {condition} ORDER BY n.id)'


# The assignee moves with a claim (claim_next, release): then it is part of the claim. A
# version bump with nothing else (an edit that only touched updated_at) is a ``ticket``.
TICKET_CHANGED = (
    f'{_changed(TICKET_COLUMNS)}'
    f' OR (n.assignee IS DISTINCT FROM o.assignee AND {_same(CLAIM_COLUMNS)})'
    f' OR (n.version <> o.version AND {_same(CLAIM_COLUMNS)} AND {_same(TAG_COLUMNS)})'
)
TICKETS_UPDATED_FUNCTION = f"""
CREATE FUNCTION aftersales_tickets_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM aftersales_notify_changes('claim', {_ids(_changed(CLAIM_COLUMNS))});
    PERFORM aftersales_notify_changes('tags', {_ids(_changed(TAG_COLUMNS))});
    PERFORM aftersales_notify_changes('ticket', {_ids(TICKET_CHANGED)});
    RETURN NULL;
END $$
"""

# (table, kind, the column naming the ticket)
TABLES = (
    ('tickets', 'ticket', 'id'),
    ('messages', 'message', 'ticket_id'),
    ('ticket_tags', 'tags', 'ticket_id'),
    ('drafts', 'draft', 'ticket_id'),
)


def _rows_function(table: str, event: str, kind: str, column: str) -> tuple[str, str]:
    name = f'aftersales_{table}_{event.lower()}'
    rows = 'old_rows' if event == 'DELETE' else 'new_rows'
    sql = f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM aftersales_notify_changes('{kind}', ARRAY(SELECT DISTINCT {column} FROM {rows} ORDER BY {column}));
    RETURN NULL;
END $$
"""
    return name, sql


def _trigger(table: str, event: str, function: str) -> str:
    tables = 'OLD TABLE AS old_rows' if event == 'DELETE' else 'NEW TABLE AS new_rows'
    if event == 'UPDATE':
        tables = 'OLD TABLE AS old_rows NEW TABLE AS new_rows'
    return (
        f'CREATE TRIGGER {table}_notify_{event.lower()} AFTER {event} ON {table} '
        f'REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {function}()'
    )


def _plan() -> list[tuple[str, str, str, str | None]]:
    """(table, event, function name, CREATE FUNCTION or None when shared) of every trigger."""
    plan: list[tuple[str, str, str, str | None]] = []
    for table, kind, column in TABLES:
        for event in ('INSERT', 'UPDATE', 'DELETE'):
            if table == 'tickets' and event == 'UPDATE':
                plan.append((table, event, 'aftersales_tickets_update', TICKETS_UPDATED_FUNCTION))
                continue
            name, sql = _rows_function(table, event, kind, column)
            plan.append((table, event, name, sql))
    return plan


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(NOTIFY_FUNCTION)
    for table, event, function, create in _plan():
        if create is not None:
            op.execute(create)
        op.execute(_trigger(table, event, function))


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, event, function, _create in _plan():
        op.execute(f'DROP TRIGGER IF EXISTS {table}_notify_{event.lower()} ON {table}')
        op.execute(f'DROP FUNCTION IF EXISTS {function}()')
    op.execute('DROP FUNCTION IF EXISTS aftersales_notify_changes(text, bigint[])')
