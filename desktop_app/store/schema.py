"""The tables. Times are stored as naive UTC; the UI converts to local time for display.

``tickets`` denormalises the current intent/sentiment/flag so that the queue can sort
and filter on them in SQL; ``ticket_tags`` keeps every tagging with its model and score,
and ``feedback`` the agents' corrections (training data for the next fine-tune).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    DDL,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from desktop_app.store.json_column import JsonValue

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    customer: Mapped[str] = mapped_column(String(200), default="")
    channel: Mapped[str] = mapped_column(String(50), default="")
    order_id: Mapped[str] = mapped_column(String(100), default="")
    product: Mapped[str] = mapped_column(String(500), default="")
    # The customer's first message, kept verbatim; the queue shows its first line.
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30), default="new")
    assignee: Mapped[str | None] = mapped_column(String(100), nullable=True)
    intent: Mapped[str | None] = mapped_column(String(40), nullable=True)
    intent_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    sentiment: Mapped[str | None] = mapped_column(String(20), nullable=True)
    sentiment_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    # The tagger's full distributions, JSON {"intent": {label: p}, "sentiment": {label: p},
    # "flag": {"negative_threshold": t, "intents": [...]}} (the rule it was flagged under).
    # A label an agent set has a NULL score (intent_score / sentiment_score) and stays put
    # when the ticket is tagged again.
    tag_scores: Mapped[dict[str, Any] | None] = mapped_column(JsonValue, nullable=True)
    flag_reasons: Mapped[list[str] | None] = mapped_column(JsonValue, nullable=True)  # short Chinese reasons
    tagged_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # NULL: not tagged yet
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # Set while the customer waits for us (last message is theirs); NULL otherwise.
    waiting_since: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Optimistic concurrency: every update must name the version it read.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A claim ("next ticket"): who holds the ticket and until when; a heartbeat renews the lease.
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claim_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    # Sort indexes match the ORDER BY of store.tickets._ordered (empty values last), the id
    # included: a keyset page starts inside one value's rows (PostgreSQL's index entries
    # carry no id, so a sort of all 600k unflagged tickets by id would come first; 0008).
    __table_args__ = (
        Index("ix_tickets_status_waiting", "status", "waiting_since"),
        Index("ix_tickets_created_at", "created_at"),
        Index("ix_tickets_updated_at", "updated_at"),
        Index("ix_tickets_flagged", "flagged", "id"),
        Index("ix_tickets_customer", "customer", "id"),
        Index("ix_tickets_channel", "channel", "id"),
        Index("ix_tickets_status", "status", "id"),
        # Counts of the usual filter combinations read this index alone (0008).
        Index("ix_tickets_filters", "status", "sentiment", "intent", "flagged", "assignee"),
    )


for _name in ("waiting_since", "intent", "sentiment", "assignee"):
    _column = getattr(Ticket, _name)
    Index(f"ix_tickets_sort_{_name}", _column.is_(None), _column, Ticket.id)
    # SQLite seeks only in these: the non-empty values by row value, and ``= ?`` (0011).
    Index(f"ix_tickets_{_name}_id", _column, Ticket.id)

# Only untagged rows, in the order the tagger takes them: the background tagger's
# "next batch" is an index range scan however large the tagged part of the table grows.
Index(
    "ix_tickets_untagged",
    Ticket.created_at,
    Ticket.id,
    sqlite_where=Ticket.tagged_at.is_(None),
    postgresql_where=Ticket.tagged_at.is_(None),
)


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class TicketTag(Base):
    __tablename__ = "ticket_tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    task: Mapped[str] = mapped_column(String(20))  # "intent" or "sentiment"
    label: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(Float)
    model: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Draft(Base):
    """The reply an agent is writing; one per ticket and author, overwritten by autosave."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    # What the generator proposed, kept so that (generated, sent) pairs become training data.
    generated: Mapped[str | None] = mapped_column(Text, nullable=True)
    generated_model: Mapped[str | None] = mapped_column(String(100), nullable=True)
    generated_kb: Mapped[list[str] | None] = mapped_column(JsonValue, nullable=True)  # knowledge-base entry ids
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # Set when the agent accepted the AI draft (Tab): it reopens as the agent's text.
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    __table_args__ = (UniqueConstraint("ticket_id", "author", name="uq_drafts_ticket_author"),)


class TicketPresence(Base):
    """An agent has the ticket open (「小美 正在处理」) until ``seen_until``, a lease their
    client's heartbeat renews; a row past it is void (``store.presence``, migration 0009)."""

    __tablename__ = "ticket_presence"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(100), primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime)  # when this presence began; heartbeats keep it
    seen_until: Mapped[datetime] = mapped_column(DateTime)


class ReplyOutcome(Base):
    """A sent reply next to the draft the generator proposed for it.

    The pair is feedback data (``train drafter --feedback``) and feeds the supervisor's
    "how much did agents edit drafts" view; ``generated`` is NULL when the agent wrote
    the reply without a draft.
    """

    __tablename__ = "reply_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), nullable=True)
    author: Mapped[str] = mapped_column(String(100))
    generated: Mapped[str | None] = mapped_column(Text, nullable=True)
    final: Mapped[str] = mapped_column(Text)
    model: Mapped[str | None] = mapped_column(String(100), nullable=True)
    kb_entries: Mapped[list[str] | None] = mapped_column(JsonValue, nullable=True)  # knowledge-base entry ids
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class Feedback(Base):
    """An agent's correction of a model tag."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    task: Mapped[str] = mapped_column(String(20))
    model_label: Mapped[str | None] = mapped_column(String(40), nullable=True)
    corrected_label: Mapped[str] = mapped_column(String(40))
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)


ROLES = ("agent", "supervisor")


class User(Base):
    """A person who signs in; ``password_hash`` is a self-describing scrypt string, never the password."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (CheckConstraint("role IN ('agent', 'supervisor')", name="role"),)


class AuditEntry(Base):
    """Who did what, when, to which ticket: reveals, exports, role changes, tag corrections.

    Append-only: the repository has no update or delete, and triggers (SQLite and
    PostgreSQL) refuse both at the SQL level, and on SQLite a REPLACE of an existing row.
    Each row carries the hash chain of ``store.audit_chain``. ``ticket_id`` is no foreign key on purpose:
    the record must outlive the ticket it names.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON object
    # Tamper evidence: each row holds the hash of its content and of the previous row.
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    row_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


AUDIT_APPEND_ONLY_MESSAGE = "audit log is append-only"

# The same statements as migration 0004, so that a schema made with create_all (tests,
# tools) is just as append-only as a migrated one.
for _event in ("UPDATE", "DELETE"):
    event.listen(
        AuditEntry.__table__,
        "after_create",
        DDL(
            f"CREATE TRIGGER audit_log_no_{_event.lower()} BEFORE {_event} ON audit_log "
            f"BEGIN SELECT RAISE(ABORT, '{AUDIT_APPEND_ONLY_MESSAGE}'); END"
        ).execute_if(dialect="sqlite"),
    )
# SQLite's REPLACE deletes the row it conflicts with without firing DELETE triggers; an
# insert naming an existing id is refused before that can happen (migration 0006).
AUDIT_NO_REPLACE_SQLITE = (
    "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
    "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
    f"BEGIN SELECT RAISE(ABORT, '{AUDIT_APPEND_ONLY_MESSAGE}'); END"
)
event.listen(AuditEntry.__table__, "after_create", DDL(AUDIT_NO_REPLACE_SQLITE).execute_if(dialect="sqlite"))
event.listen(
    AuditEntry.__table__,
    "after_create",
    DDL(
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{AUDIT_APPEND_ONLY_MESSAGE}'; END $$; "
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    ).execute_if(dialect="postgresql"),
)

# The text search's trigram index (migration 0008), for a schema made with create_all too.
from desktop_app.store.search_index import PG_DDL, SQLITE_DDL  # noqa: E402 - needs nothing from here

for _statement in SQLITE_DDL:
    event.listen(Ticket.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in PG_DDL:
    event.listen(Ticket.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
