"""The queue's text search: a trigram index on each backend, and the WHERE clause that uses it.

``LIKE '%退款%'`` can use no B-tree index, so every search scanned the whole table. Both
backends have trigram indexes that answer substring matches:

* SQLite: ``tickets_search``, an FTS5 table with the ``trigram`` tokenizer over the four
  searched columns, external content (``tickets`` holds the text; the index only its
  trigrams), kept in sync by triggers on ``tickets``;
* PostgreSQL: a ``pg_trgm`` GIN index on each searched column, which ``ILIKE`` uses as is.

A trigram index cannot answer a term shorter than three characters (两个字 such as 退款
are common in Chinese): those fall back to the plain ``LIKE`` scan. Migration 0008 creates
the objects; the DDL below does the same for a schema made with ``create_all`` (so the
schema imports this module; the WHERE clause that uses the index is ``store.search_query``).
Rebuilding ``tickets`` with a batch (copy-and-rename) migration on SQLite drops the
triggers: such a migration must recreate them.
"""

from __future__ import annotations

TRIGRAM_MIN_CHARS = 3
SEARCH_COLUMNS = ("text", "customer", "order_id", "external_id")
SQLITE_SEARCH_TABLE = "tickets_search"
PG_TRIGRAM_INDEXES = tuple(f"ix_tickets_trgm_{name}" for name in SEARCH_COLUMNS)

_columns = ", ".join(SEARCH_COLUMNS)
_new = ", ".join(f"new.{name}" for name in SEARCH_COLUMNS)
_old = ", ".join(f"old.{name}" for name in SEARCH_COLUMNS)
_forget_old = (
    f"INSERT INTO {SQLITE_SEARCH_TABLE}({SQLITE_SEARCH_TABLE}, rowid, {_columns}) VALUES ('delete', old.id, {_old});"
)
_index_new = f"INSERT INTO {SQLITE_SEARCH_TABLE}(rowid, {_columns}) VALUES (new.id, {_new});"

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {SQLITE_SEARCH_TABLE} USING fts5({_columns}, "
    "content='tickets', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER tickets_search_insert AFTER INSERT ON tickets BEGIN {_index_new} END",
    f"CREATE TRIGGER tickets_search_delete AFTER DELETE ON tickets BEGIN {_forget_old} END",
    # Only edits of the searched columns touch the index: claims and status changes do not.
    f"CREATE TRIGGER tickets_search_update AFTER UPDATE OF {_columns} ON tickets BEGIN {_forget_old} {_index_new} END",
    f"INSERT INTO {SQLITE_SEARCH_TABLE}({SQLITE_SEARCH_TABLE}) VALUES ('rebuild')",
)
SQLITE_TRIGGERS = ("tickets_search_insert", "tickets_search_delete", "tickets_search_update")

PG_DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    *(
        f"CREATE INDEX {index} ON tickets USING gin ({name} gin_trgm_ops)"
        for index, name in zip(PG_TRIGRAM_INDEXES, SEARCH_COLUMNS, strict=True)
    ),
)


def is_search_index_object(name: str | None) -> bool:
    """A table or index of the search index (FTS5 and its shadow tables, the GIN indexes),
    which the SQLAlchemy metadata does not describe."""
    if not name:
        return False
    return (
        name == SQLITE_SEARCH_TABLE or name.startswith(f"{SQLITE_SEARCH_TABLE}_") or name in PG_TRIGRAM_INDEXES
    )
