"""The capped count (``store.tickets.COUNT_CAP``): a first page past the cap says "at least"
and shows the same rows an exact count would; ``QueueService.count`` gives the exact figure."""

from __future__ import annotations

import pytest

from desktop_app.domain.records import QueueFilter, QueueSort
from desktop_app.services.queue import QueueService
from desktop_app.store import tickets as ticket_store
from desktop_app.store.database import Database

CAP = 5
SEARCHES = ["退款", "退款到哪", "ORDER-7"]  # 2 characters (LIKE), 4 (trigram index), ASCII in any case


@pytest.fixture
def queue(db: Database, make_ticket, add_tickets, monkeypatch) -> QueueService:  # type: ignore[no-untyped-def]
    made = []
    for n in range(1, 15):
        text = "请问退款到哪里了" if n % 2 else "发票什么时候开"
        made.append(make_ticket(n, text=f"{text} order-{n}", status=("new", "open")[n % 2], customer=f"买家{n % 4}"))
    add_tickets(made)
    monkeypatch.setattr(ticket_store, "COUNT_CAP", CAP)
    return QueueService(db)


def _exact_rows(db: Database, queue_filter: QueueFilter, sort: QueueSort, page: int, size: int) -> list[int]:
    """The rows an exact count and OFFSET give (the cap set out of the way)."""
    with db.session() as session:
        repository = ticket_store.TicketRepository(session)
        total = repository.count(queue_filter)
        return [r.id for r in repository.page(queue_filter, sort, page * size, size, total=total).rows]


def test_a_page_past_the_cap_says_at_least_and_the_exact_count_follows(db, queue) -> None:
    page = queue.page(page_size=3)
    assert (page.total, page.total_exact) == (CAP + 1, False)
    assert queue.count() == 14
    assert [r.id for r in page.rows] == _exact_rows(db, QueueFilter(), QueueSort(), 0, 3)


def test_under_the_cap_the_count_is_exact(db, queue) -> None:
    queue_filter = QueueFilter(statuses=("new",), search="order-1")  # order-10, -12, -14
    page = queue.page(queue_filter, page_size=2)
    assert (page.total, page.total_exact) == (3, True) == (queue.count(queue_filter), True)


@pytest.mark.parametrize("term", SEARCHES)
@pytest.mark.parametrize("sort", [QueueSort(), QueueSort("customer", descending=True), QueueSort("created")])
def test_searches_past_the_cap_show_the_rows_an_exact_count_would(db, queue, term, sort) -> None:
    queue_filter = QueueFilter(search=term)
    exact = queue.count(queue_filter)
    for page_index in range(3):
        page = queue.page(queue_filter, sort, page_index=page_index, page_size=2)
        assert page.total_exact == (exact <= CAP)
        assert page.total == min(exact, CAP + 1)
        assert [r.id for r in page.rows] == _exact_rows(db, queue_filter, sort, page_index, 2)
