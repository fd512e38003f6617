"""JSON columns (migration 0010): Python values in and out, jsonb on PostgreSQL, lenient on SQLite."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text

from desktop_app.store.database import Database, alembic_config
from desktop_app.store.schema import Ticket
from desktop_app.store.tickets import TicketRepository

SCORES = {"intent": {"logistics": 0.7, "complaint": 0.3}, "flag": {"negative_threshold": 0.6, "intents": ["complaint"]}}
REASONS = ["负面情绪 0.93", "触发词：「差评」"]


def _one_ticket(db: Database, add_tickets, make_ticket) -> int:  # type: ignore[no-untyped-def]
    (ticket_id,) = add_tickets([make_ticket(1)]).values()
    return int(ticket_id)


def test_values_round_trip_and_none_is_sql_null(db: Database, add_tickets, make_ticket) -> None:  # type: ignore[no-untyped-def]
    ticket_id = _one_ticket(db, add_tickets, make_ticket)
    with db.session() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None and ticket.tag_scores is None and ticket.flag_reasons is None
        ticket.tag_scores, ticket.flag_reasons = SCORES, REASONS
    with db.session() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None and (ticket.tag_scores, ticket.flag_reasons) == (SCORES, REASONS)
        ticket.flag_reasons = None
    with db.engine.connect() as connection:
        assert connection.execute(text(f"SELECT flag_reasons IS NULL FROM tickets WHERE id = {ticket_id}")).scalar()
    with db.session() as session:
        detail = TicketRepository(session).detail(ticket_id)
        assert detail.flag_reasons == [] and detail.intent_scores == SCORES["intent"]


def test_the_columns_are_jsonb_on_postgresql(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("jsonb is PostgreSQL's; SQLite keeps JSON text (the next test)")
    columns = {c["name"]: str(c["type"]) for c in inspect(db.engine).get_columns("tickets")}
    assert columns["tag_scores"] == columns["flag_reasons"] == "JSONB"
    drafts = {c["name"]: str(c["type"]) for c in inspect(db.engine).get_columns("drafts")}
    assert drafts["generated_kb"] == "JSONB"


@pytest.mark.sqlite_only
def test_a_hand_edited_value_that_is_not_json_reads_as_nothing(db: Database, add_tickets, make_ticket) -> None:  # type: ignore[no-untyped-def]
    ticket_id = _one_ticket(db, add_tickets, make_ticket)
    with db.engine.begin() as connection:
        connection.execute(text(f"UPDATE tickets SET flag_reasons = '[not json', tag_scores = '' WHERE id = {ticket_id}"))
    with db.session() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None and ticket.flag_reasons is None and ticket.tag_scores is None
        assert TicketRepository(session).detail(ticket_id).flag_reasons == []


def test_the_upgrade_converts_the_stored_text(db: Database, add_tickets, make_ticket) -> None:  # type: ignore[no-untyped-def]
    ids = list(add_tickets([make_ticket(1), make_ticket(2)]).values())
    config = alembic_config(db.engine)
    command.downgrade(config, "0009")  # the columns are text again
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE tickets SET flag_reasons = :reasons, tag_scores = '' WHERE id = :id"),
            {"reasons": '["负面情绪 0.93", "触发词：「差评」"]', "id": ids[0]},
        )
        # Empty text in both columns: the upgrade's clean-up fires the change triggers twice.
        connection.execute(text("UPDATE tickets SET flag_reasons = ' ', tag_scores = '' WHERE id = :id"), {"id": ids[1]})
    command.upgrade(config, "0010")
    with db.session() as session:
        first, second = session.get(Ticket, ids[0]), session.get(Ticket, ids[1])
        assert first is not None and first.flag_reasons == REASONS and first.tag_scores is None
        assert second is not None and second.flag_reasons is None and second.tag_scores is None
