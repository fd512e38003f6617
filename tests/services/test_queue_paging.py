"""Keyset paging (``services.page_boundaries``, ``store.tickets._seek``): every page the
queue shows is the one ``OFFSET`` would give, but pages after a visited one are read from
where that one ended, without ``OFFSET``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event

from desktop_app.domain.records import QueueFilter, QueueSort
from desktop_app.services.queue import QueueService
from desktop_app.store.database import Database
from desktop_app.store.tickets import TicketRepository

PAGE = 4
BASE_TIME = datetime(2024, 5, 1, 8, 0, 0)
SORTS = [
    QueueSort(),  # waiting: the resolved tickets (nobody waiting) form one block of NULLs
    QueueSort("waiting", descending=True),
    QueueSort("intent"),  # NULLs and long runs of one value
    QueueSort("intent", descending=True),
    QueueSort("flagged"),
    QueueSort("customer", descending=True),
    QueueSort("created"),
    QueueSort("status", ranks=("open", "new", "resolved")),  # on-screen order: OFFSET, not keyset
]


@pytest.fixture
def tickets(db: Database, make_ticket, add_tickets, set_columns) -> int:  # type: ignore[no-untyped-def]
    made = []
    for n in range(1, 24):
        made.append(
            make_ticket(
                n,
                status=("new", "open", "resolved")[n % 3],
                customer=f"买家{n % 5}",
                created_at=BASE_TIME + timedelta(minutes=n // 2),  # ties: the id decides
            )
        )
    ids = add_tickets(made)
    for n, ticket_id in enumerate(sorted(ids.values()), start=1):
        set_columns(ticket_id, intent=(None, "refund", "refund", "logistics")[n % 4], flagged=n % 7 == 0)
    return len(made)


def _offset_page(db: Database, sort: QueueSort, index: int, queue_filter: QueueFilter = QueueFilter()) -> list[int]:
    with db.session() as session:
        page, _ = TicketRepository(session).page_after(queue_filter, sort, index * PAGE, PAGE)
    return [row.id for row in page.rows]


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    """The SQL run meanwhile, those that skip rows with OFFSET marked ``[skips]`` (SQLite
    always says ``LIMIT ? OFFSET ?``, with 0 when there is nothing to skip)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, parameters, *_args) -> None:  # type: ignore[no-untyped-def]
        skips = "OFFSET" in statement.upper()
        if skips and isinstance(parameters, tuple | list) and statement.rstrip().endswith("OFFSET ?"):
            skips = parameters[-1] != 0
        seen.append(statement + (" [skips]" if skips else ""))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _sort_id(sort: QueueSort) -> str:
    return f"{sort.column}{'-desc' if sort.descending else ''}{'-ranked' * bool(sort.ranks)}"


@pytest.mark.parametrize("sort", SORTS, ids=_sort_id)
def test_every_page_is_the_offset_page_forwards_backwards_and_by_jumps(
    db: Database, tickets: int, sort: QueueSort
) -> None:
    last = (tickets - 1) // PAGE
    walks = [list(range(last + 1)), list(range(last, -1, -1)), [0, last, 2, 3, 1, last - 1, 0]]
    for walk in walks:
        queue = QueueService(db)
        total = None
        for index in walk:
            page = queue.page(sort=sort, page_index=index, page_size=PAGE, total=total)
            total = page.total
            assert [row.id for row in page.rows] == _offset_page(db, sort, index), (walk, index)
    with pytest.raises(AssertionError):  # the comparison can fail: pages differ from each other
        assert _offset_page(db, sort, 0) == _offset_page(db, sort, 1)


def test_the_next_page_is_read_without_offset(db: Database, tickets: int) -> None:
    queue = QueueService(db)
    first = queue.page(page_size=PAGE)
    with _statements(db) as seen:
        second = queue.page(page_index=1, page_size=PAGE, total=first.total)
    assert [row.id for row in second.rows] == _offset_page(db, QueueSort(), 1)
    assert seen and not any(statement.endswith("[skips]") for statement in seen)


def test_a_jump_finds_its_start_on_the_sort_key_alone(db: Database, tickets: int) -> None:
    queue = QueueService(db)
    total = queue.page(page_size=PAGE).total
    with _statements(db) as seen:
        queue.page(page_index=4, page_size=PAGE, total=total)
    with_offset = [s for s in seen if s.endswith("[skips]")]
    assert len(with_offset) == 1
    assert "substr" not in with_offset[0].lower()  # the narrow query: sort key and id only
    with _statements(db) as again:  # a refresh of the page jumped to starts where it started
        page = queue.page(page_index=4, page_size=PAGE, total=total)
    assert not any(s.endswith("[skips]") for s in again)
    assert [row.id for row in page.rows] == _offset_page(db, QueueSort(), 4)


def test_pages_stay_right_when_tickets_arrive_between_two_pages(
    db: Database, tickets: int, make_ticket, add_tickets
) -> None:  # type: ignore[no-untyped-def]
    queue = QueueService(db)
    sort = QueueSort("created")
    queue.page(sort=sort, page_index=0, page_size=PAGE)
    queue.page(sort=sort, page_index=1, page_size=PAGE)
    add_tickets([make_ticket(100, created_at=BASE_TIME - timedelta(days=1))])  # sorts first: every row moves
    page = queue.page(sort=sort, page_index=2, page_size=PAGE)  # a fresh count: the boundaries are forgotten
    assert [row.id for row in page.rows] == _offset_page(db, sort, 2)


def test_filtered_and_searched_pages_match_offset(db: Database, tickets: int) -> None:
    filters = (QueueFilter(statuses=("new", "open")), QueueFilter(search="工单"), QueueFilter(intent="refund"))
    for queue_filter in filters:
        queue = QueueService(db)
        total = None
        for index in range(4):
            page = queue.page(queue_filter, page_index=index, page_size=PAGE, total=total)
            total = page.total
            assert [row.id for row in page.rows] == _offset_page(db, QueueSort(), index, queue_filter)
