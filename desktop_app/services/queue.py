"""The agent's queue: one page of tickets for a filter and a sort order, masked for display."""

from __future__ import annotations

from desktop_app.domain.vocabulary import UNHANDLED_STATUSES
from desktop_app.services.display import masked_page, masked_row
from desktop_app.store.database import Database
from desktop_app.domain.records import QueueFilter, QueuePage, QueueRow, QueueSort
from desktop_app.store.tickets import SORT_COLUMNS, TicketRepository

DEFAULT_PAGE_SIZE = 200
SORTABLE_COLUMNS = tuple(SORT_COLUMNS)


class QueueService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def page(
        self,
        queue_filter: QueueFilter = QueueFilter(),
        sort: QueueSort = QueueSort(),
        page_index: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        total: int | None = None,
    ) -> QueuePage:
        """Page ``page_index`` (0-based) of the tickets matching ``queue_filter``.

        When only the page changes, pass the ``total`` of the previous page: the count
        is the slow half of a text search.
        """
        if page_size <= 0:
            raise ValueError("page_size must be positive")
        with self.db.session() as session:
            page = TicketRepository(session).page(queue_filter, sort, max(page_index, 0) * page_size, page_size, total)
        return masked_page(page)

    def rows(self, ticket_ids: list[int]) -> list[QueueRow]:
        """Fresh copies of some rows, e.g. after a ticket changed while it was on screen."""
        with self.db.session() as session:
            rows = TicketRepository(session).rows_by_id(ticket_ids)
        return [masked_row(row) for row in rows]

    def next_unhandled(self, agent: str | None, current_id: int | None = None) -> int | None:
        with self.db.session() as session:
            return TicketRepository(session).next_unhandled([s.value for s in UNHANDLED_STATUSES], agent, current_id)
