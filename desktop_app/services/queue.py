"""The agent's queue: one page of tickets for a filter and a sort order, masked for display."""

from __future__ import annotations

from desktop_app.domain.vocabulary import UNHANDLED_STATUSES
from desktop_app.services.display import masked_page, masked_row
from desktop_app.store.database import Database
from desktop_app.domain.records import QueueFilter, QueuePage, QueueRow, QueueSort
from desktop_app.services.page_boundaries import PageBoundaries, ViewKey
from desktop_app.store.tickets import SORT_COLUMNS, Boundary, TicketRepository

DEFAULT_PAGE_SIZE = 200
SORTABLE_COLUMNS = tuple(SORT_COLUMNS)


class QueueService:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._boundaries = PageBoundaries()

    def page(
        self,
        queue_filter: QueueFilter = QueueFilter(),
        sort: QueueSort = QueueSort(),
        page_index: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        total: int | None = None,
    ) -> QueuePage:
        """Page ``page_index`` (0-based) of the tickets matching ``queue_filter``.

        When only the page changes, pass the exact ``total`` of the previous page: the
        count is the slow half of a text search. Without one, the matches are counted up to
        ``COUNT_CAP`` (the page then says ``total_exact=False``; ``count`` gives the rest).
        """
        if page_size <= 0:
            raise ValueError("page_size must be positive")
        page_index = max(page_index, 0)
        key = (queue_filter, sort, page_size)
        with self.db.session() as session:
            repository = TicketRepository(session)
            after = None
            exact = True
            if page_index > 0 and repository.keyset_applies(queue_filter, sort):
                if total is None:
                    total, exact = repository.count_capped(queue_filter)
                after = self._start_of(repository, key, page_index, total)
            page, end = repository.page_after(
                queue_filter, sort, page_index * page_size, page_size, total, after, total_exact=exact
            )
        if after is not None:  # where this page starts: reading it again (a refresh) is a seek too
            self._boundaries.remember(key, page_index - 1, page.total, after)
        self._boundaries.remember(key, page_index, page.total, end)
        return masked_page(page)

    def _start_of(self, repository: TicketRepository, key: ViewKey, page_index: int, total: int) -> Boundary | None:
        """The boundary of the row just before page ``page_index``: the end of the page
        before it if that was shown, else found from the nearest page known before it."""
        queue_filter, sort, page_size = key
        known = self._boundaries.nearest_before(key, page_index, total)
        if known is not None and known[0] == page_index - 1:
            return known[1]
        start_index, after = known if known is not None else (-1, None)
        skip = (page_index - start_index - 1) * page_size - 1  # rows between that end and ours
        if after is None:
            skip = page_index * page_size - 1
        return repository.boundary(queue_filter, sort, skip, after)

    def count(self, queue_filter: QueueFilter = QueueFilter()) -> int:
        """The exact number of matches, for a page whose ``total_exact`` is False (the
        window asks in the background after showing the page)."""
        with self.db.session() as session:
            return TicketRepository(session).count(queue_filter)

    def rows(self, ticket_ids: list[int]) -> list[QueueRow]:
        """Fresh copies of some rows, e.g. after a ticket changed while it was on screen."""
        with self.db.session() as session:
            rows = TicketRepository(session).rows_by_id(ticket_ids)
        return [masked_row(row) for row in rows]

    def next_unhandled(self, agent: str | None, current_id: int | None = None) -> int | None:
        with self.db.session() as session:
            return TicketRepository(session).next_unhandled([s.value for s in UNHANDLED_STATUSES], agent, current_id)
