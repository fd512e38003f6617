"""trigram text search (FTS5 on SQLite, pg_trgm on PostgreSQL); statistics the app role may refresh

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 10:00:00

SQLite: ``tickets_search``, an external-content FTS5 table with the trigram tokenizer over
text, customer, order_id and external_id, filled from the existing tickets and kept in sync
by triggers. PostgreSQL: the pg_trgm extension (a trusted one: the database's owner may
create it) and one GIN trigram index per searched column; and
``aftersales_refresh_statistics()``, which runs ANALYZE and merges the GIN indexes' pending
lists with the owner's rights, so that the app's role (which owns no table and may do
neither) can bring the planner's statistics and the indexes up to date after a bulk import.
See ``store.search_index``. Both: the sort indexes end with the id (keyset paging,
``store.tickets._seek``) and ``ix_tickets_filters`` covers the counts of the usual filters
(status, sentiment, intent, flagged, assignee).
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Kept verbatim here (not imported from store.search_index) so that this revision never changes.
COLUMNS = 'text, customer, order_id, external_id'
FORGET_OLD = (
    "INSERT INTO tickets_search(tickets_search, rowid, text, customer, order_id, external_id) "
    "VALUES ('delete', old.id, old.text, old.customer, old.order_id, old.external_id);"
)
INDEX_NEW = (
    "INSERT INTO tickets_search(rowid, text, customer, order_id, external_id) "
    "VALUES (new.id, new.text, new.customer, new.order_id, new.external_id);"
)
SQLITE_UP = (
    f"CREATE VIRTUAL TABLE tickets_search USING fts5({COLUMNS}, "
    "content='tickets', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER tickets_search_insert AFTER INSERT ON tickets BEGIN {INDEX_NEW} END",
    f"CREATE TRIGGER tickets_search_delete AFTER DELETE ON tickets BEGIN {FORGET_OLD} END",
    f"CREATE TRIGGER tickets_search_update AFTER UPDATE OF {COLUMNS} ON tickets BEGIN {FORGET_OLD} {INDEX_NEW} END",
    "INSERT INTO tickets_search(tickets_search) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS tickets_search_update",
    "DROP TRIGGER IF EXISTS tickets_search_delete",
    "DROP TRIGGER IF EXISTS tickets_search_insert",
    "DROP TABLE IF EXISTS tickets_search",
)
PG_INDEXES = ('text', 'customer', 'order_id', 'external_id')
# A bulk insert leaves the GIN indexes' new entries in their "pending list", which every
# search then reads from end to end (20x slower at 100k tickets) until a VACUUM merges it.
STATISTICS_FUNCTION = """
CREATE FUNCTION aftersales_refresh_statistics() RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT AS $$
BEGIN
    ANALYZE tickets;
    ANALYZE messages;
    PERFORM gin_clean_pending_list('ix_tickets_trgm_text'::regclass);
    PERFORM gin_clean_pending_list('ix_tickets_trgm_customer'::regclass);
    PERFORM gin_clean_pending_list('ix_tickets_trgm_order_id'::regclass);
    PERFORM gin_clean_pending_list('ix_tickets_trgm_external_id'::regclass);
END $$
"""


# Sort indexes gain the id (the keyset's tie-break); one index covers the filter counts.
PLAIN_SORT_INDEXES = ('flagged', 'customer', 'channel', 'status')
EXPRESSION_SORT_INDEXES = ('waiting_since', 'intent', 'sentiment', 'assignee')
FILTERS_INDEX = ('status', 'sentiment', 'intent', 'flagged', 'assignee')


def _sort_indexes(with_id: bool) -> None:
    tail = ['id'] if with_id else []
    for name in PLAIN_SORT_INDEXES:
        op.drop_index(f'ix_tickets_{name}', table_name='tickets')
        op.create_index(f'ix_tickets_{name}', 'tickets', [name, *tail])
    for name in EXPRESSION_SORT_INDEXES:
        op.drop_index(f'ix_tickets_sort_{name}', table_name='tickets')
        columns = [sa.text(f'({name} IS NULL)'), sa.text(name), *(sa.text(c) for c in tail)]
        op.create_index(f'ix_tickets_sort_{name}', 'tickets', columns)


def upgrade() -> None:
    _sort_indexes(with_id=True)
    op.create_index('ix_tickets_filters', 'tickets', list(FILTERS_INDEX))
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for statement in SQLITE_UP:
            op.execute(statement)
    elif dialect == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        for column in PG_INDEXES:
            op.execute(f'CREATE INDEX ix_tickets_trgm_{column} ON tickets USING gin ({column} gin_trgm_ops)')
        op.execute(STATISTICS_FUNCTION)


def downgrade() -> None:
    op.drop_index('ix_tickets_filters', table_name='tickets')
    _sort_indexes(with_id=False)
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif dialect == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS aftersales_refresh_statistics()')
        for column in PG_INDEXES:
            op.execute(f'DROP INDEX IF EXISTS ix_tickets_trgm_{column}')
        # pg_trgm stays: other objects of the database may use it.
