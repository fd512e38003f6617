"""json columns: jsonb on PostgreSQL for the tag scores, flag reasons and draft KB ids

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 16:30:00

``tickets.tag_scores``, ``tickets.flag_reasons``, ``drafts.generated_kb`` and
``reply_outcomes.kb_entries`` held JSON as text. On PostgreSQL they become ``jsonb`` (the
values are converted in place; one that is not valid JSON would stop the upgrade, and the
whole upgrade is one transaction, so nothing is half-changed). On SQLite nothing changes
on disk: the columns keep their JSON text and ``store.json_column`` decodes it.
``audit_log.detail`` stays text: its exact bytes are hashed into the audit chain.
"""

from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# Kept verbatim here so that this revision never changes.
COLUMNS = (
    ('tickets', 'tag_scores'),
    ('tickets', 'flag_reasons'),
    ('drafts', 'generated_kb'),
    ('reply_outcomes', 'kb_entries'),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    # Every UPDATE before any ALTER: an UPDATE fires the change triggers of 0007, whose
    # plans (kept for the session) must see the columns' old types throughout.
    for table, column in COLUMNS:
        # An empty string was "no value" in the text column; jsonb has no such thing.
        op.execute(f"UPDATE {table} SET {column} = NULL WHERE btrim({column}) = ''")
    for table, column in COLUMNS:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE jsonb USING {column}::jsonb')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, column in COLUMNS:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE text USING {column}::text')
