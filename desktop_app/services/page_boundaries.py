"""Where each visited page of the queue ends, so that the next one is read by keyset.

A page reached by ``OFFSET n`` makes the database read and drop ``n`` rows first (475 ms
for a deep page at 100k tickets on PostgreSQL). Remembering the sort key and id of the
last row of every page shown turns "next page", "previous page" and any page seen before
into an index range that starts at that row. A jump to a page never visited finds its
starting row with ``OFFSET`` on the sort key and id alone (an index-only walk) from the
nearest page known before it.

The boundaries of a view (filter, sort, page size) are forgotten when its count changes:
rows came or went, so the page numbers moved. An edit that leaves the count alone (a
status change) only shifts which rows a remembered page starts with.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from desktop_app.domain.records import QueueFilter, QueueSort
from desktop_app.store.tickets import Boundary

ViewKey = tuple[QueueFilter, QueueSort, int]


@dataclass
class _View:
    total: int
    ends: dict[int, Boundary] = field(default_factory=dict)  # page index -> its last row


class PageBoundaries:
    """Per view, the boundary of the last row of each page seen; safe across worker threads."""

    def __init__(self, max_views: int = 16) -> None:
        self._views: OrderedDict[ViewKey, _View] = OrderedDict()
        self._max_views = max_views
        self._lock = threading.Lock()

    def nearest_before(self, key: ViewKey, page_index: int, total: int | None) -> tuple[int, Boundary] | None:
        """The last page before ``page_index`` whose end is known, and that end."""
        with self._lock:
            view = self._views.get(key)
            if view is None or (total is not None and total != view.total):
                return None
            self._views.move_to_end(key)
            known = [index for index in view.ends if index < page_index]
            if not known:
                return None
            best = max(known)
            return best, view.ends[best]

    def remember(self, key: ViewKey, page_index: int, total: int, end: Boundary | None) -> None:
        with self._lock:
            view = self._views.get(key)
            if view is None or view.total != total:
                view = self._views[key] = _View(total)
            self._views.move_to_end(key)
            if end is not None:
                view.ends[page_index] = end
            while len(self._views) > self._max_views:
                self._views.popitem(last=False)
