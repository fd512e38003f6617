"""Damaged UTF-16 tails, ignored columns, case-insensitive search on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.dialects import postgresql

from desktop_app.services.importing import ImportService
from desktop_app.domain.records import QueueFilter
from desktop_app.store.schema import Ticket
from desktop_app.store.tickets import _where


def test_utf16_file_cut_at_an_odd_byte_keeps_the_good_rows(db, tmp_path: Path) -> None:
    text = "内容,创建时间\r\n" + "".join(f"第{n}个问题,2024-05-01 10:00\r\n" for n in range(5))
    data = text.encode("utf-16")
    path = tmp_path / "cut.csv"
    path.write_bytes(data + b"\x41")  # one stray byte: not a whole UTF-16 code unit
    report = ImportService(db).import_file(path)
    assert report.imported == 5
    assert report.skipped == 1
    assert "not valid" in report.errors[0].reason


def test_a_column_can_be_ignored(db, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("订单号,内容,状态\n1001,还没发货,交易成功\n", "utf-8")
    refused = ImportService(db).import_file(path)
    assert refused.imported == 0 and "--map COLUMN=ignore" in refused.errors[0].reason
    accepted = ImportService(db).import_file(path, ["状态=ignore"])
    assert accepted.imported == 1
    with db.session() as session:
        assert session.scalar(select(Ticket.status)) == "new"


def test_search_is_case_insensitive_on_postgresql_too() -> None:
    statement = select(Ticket.id).where(*_where(QueueFilter(search="AbC"), "postgresql"))
    sql = str(statement.compile(dialect=postgresql.dialect()))
    assert sql.count("ILIKE") == 4
