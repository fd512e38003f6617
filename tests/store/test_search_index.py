"""The trigram search index (migration 0008, ``store.search_index``): kept in step with the
tickets, used for terms of three characters or more, and skipped for shorter ones."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import delete, func, select, text, update

from desktop_app.domain.records import MessageRecord, QueueFilter
from desktop_app.store.database import Database, alembic_config, create_db_engine, upgrade_to_head
from desktop_app.store.schema import Ticket
from desktop_app.store.search_query import search_clause
from desktop_app.store.tickets import TicketRepository


def _found(db: Database, term: str) -> int:
    with db.session() as session:
        return TicketRepository(session).count(QueueFilter(search=term))


def _plan(db: Database, term: str) -> str:
    """The query plan of a search, as one string."""
    with db.engine.connect() as connection:
        sql = _compiled(connection, term)
        if connection.dialect.name == "sqlite":
            return " | ".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
        connection.exec_driver_sql("SET enable_seqscan = off")  # a tiny table is scanned otherwise
        return " | ".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {sql}"))


def _compiled(connection, term: str) -> str:  # type: ignore[no-untyped-def]
    statement = select(func.count()).select_from(Ticket).where(search_clause(term, connection.dialect.name))
    return str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))


def test_the_index_follows_inserts_edits_and_deletes(  # type: ignore[no-untyped-def]
    db: Database, make_ticket, add_tickets
) -> None:
    ids = add_tickets([make_ticket(1, text="快递一直没有到"), make_ticket(2, text="想申请退款")])
    assert (_found(db, "快递一直"), _found(db, "申请退款")) == (1, 1)
    with db.session() as session:  # a customer's new message joins the searched text
        TicketRepository(session).append_messages(
            ids["T-00002"], [MessageRecord("customer", "发票抬头开错了", datetime(2024, 5, 2, 9, 0))]
        )
    assert _found(db, "发票抬头") == 1 and _found(db, "申请退款") == 1
    with db.session() as session:
        edit = update(Ticket).where(Ticket.id == ids["T-00001"]).values(text="换个尺码", customer="新买家")
        session.execute(edit)
    assert (_found(db, "快递一直"), _found(db, "换个尺码"), _found(db, "新买家")) == (0, 1, 1)
    with db.session() as session:
        session.execute(delete(Ticket).where(Ticket.id == ids["T-00001"]))
    assert _found(db, "换个尺码") == 0 and _found(db, "发票抬头") == 1


def test_short_terms_still_match(db: Database, make_ticket, add_tickets) -> None:  # type: ignore[no-untyped-def]
    add_tickets([make_ticket(1, text="退款"), make_ticket(2, text="我要退款了"), make_ticket(3, text="退货")])
    assert (_found(db, "退款"), _found(db, "退"), _found(db, "款了")) == (2, 3, 1)


def test_terms_of_three_characters_use_the_trigram_index(  # type: ignore[no-untyped-def]
    db: Database, make_ticket, add_tickets
) -> None:
    add_tickets([make_ticket(n, text=f"退款什么时候到账 {n}") for n in range(1, 30)])
    long_plan, short_plan = _plan(db, "退款什么"), _plan(db, "退款")
    if db.engine.dialect.name == "sqlite":
        assert "VIRTUAL TABLE" in long_plan and "tickets_search" in long_plan
        assert "VIRTUAL TABLE" not in short_plan
    else:
        assert "ix_tickets_trgm_text" in long_plan
        assert "ix_tickets_trgm_text" not in short_plan  # no trigram to look up: a scan


def test_claims_and_status_changes_leave_the_index_alone(  # type: ignore[no-untyped-def]
    db: Database, make_ticket, add_tickets
) -> None:
    """Only edits of the searched columns rewrite index entries (SQLite's trigger says
    ``UPDATE OF text, customer, order_id, external_id``)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the FTS5 triggers are SQLite's")
    ids = add_tickets([make_ticket(1, text="物流三天没更新了")])
    with db.engine.connect() as connection:
        trigger = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'tickets_search_update'"
        ).scalar()
    assert "UPDATE OF text, customer, order_id, external_id ON tickets" in trigger
    with db.session() as session:
        session.execute(update(Ticket).where(Ticket.id == ids["T-00001"]).values(status="resolved"))
    assert _found(db, "三天没更新") == 1


@pytest.mark.sqlite_only
def test_the_upgrade_indexes_the_tickets_already_there(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = create_db_engine(f"sqlite:///{tmp_path}/old.db")
    command.upgrade(alembic_config(engine), "0007")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO tickets (external_id, customer, channel, order_id, product, text, status, flagged,"
                " created_at, updated_at, version) VALUES ('OLD-1', '老买家', '淘宝', '123456789', '',"
                " '屏幕坏了能保修吗', 'new', 0, '2024-05-01 08:00:00', '2024-05-01 08:00:00', 1)"
            )
        )
    upgrade_to_head(engine, backup=False)
    engine.dispose()
    db = Database.open(f"sqlite:///{tmp_path}/old.db")
    try:
        assert (_found(db, "屏幕坏了"), _found(db, "老买家"), _found(db, "3456")) == (1, 1, 1)
    finally:
        db.close()


def test_refresh_statistics_runs(db: Database, make_ticket, add_tickets) -> None:  # type: ignore[no-untyped-def]
    add_tickets([make_ticket(n) for n in range(1, 5)])
    db.refresh_statistics()
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'tickets'").scalar()
        else:
            analyzed = connection.exec_driver_sql(
                "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'tickets'"
            ).scalar()
            assert analyzed is not None
