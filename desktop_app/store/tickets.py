"""Ticket queries and writes. Sorting, filtering and paging happen here, in SQL."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Select,
    SQLColumnExpression,
    Table,
    and_,
    case,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression

from desktop_app.domain.clock import utcnow
from desktop_app.domain.records import (
    MessageRecord,
    NewTicket,
    QueueFilter,
    QueuePage,
    QueueRow,
    QueueSort,
    TicketDetail,
)
from desktop_app.store.schema import Message, Ticket
from desktop_app.store.search_query import like_clause, search_clause, sqlite_trigram_matches, uses_trigram_index


class TicketNotFound(LookupError):
    pass


class StaleTicketError(RuntimeError):
    """Someone else changed the ticket after it was read; reload and try again."""


SORT_COLUMNS: dict[str, SQLColumnExpression[Any]] = {
    "id": Ticket.id,
    "external_id": Ticket.external_id,
    "customer": Ticket.customer,
    "channel": Ticket.channel,
    "text": Ticket.text,
    "intent": Ticket.intent,
    "sentiment": Ticket.sentiment,
    "flagged": Ticket.flagged,
    "status": Ticket.status,
    "assignee": Ticket.assignee,
    "waiting": Ticket.waiting_since,
    "updated": Ticket.updated_at,
    "created": Ticket.created_at,
}

_QUEUE_COLUMNS = (
    Ticket.id,
    Ticket.external_id,
    Ticket.customer,
    Ticket.channel,
    func.substr(Ticket.text, 1, 200).label("text"),
    Ticket.intent,
    Ticket.sentiment,
    Ticket.flagged,
    Ticket.status,
    Ticket.assignee,
    Ticket.waiting_since,
    Ticket.updated_at,
    Ticket.version,
)


def _where(
    queue_filter: QueueFilter, dialect: str = "sqlite", unindexed: bool = False
) -> list[ColumnElement[bool]]:
    """The filter's clauses; ``unindexed`` (SQLite) keeps the planner off the filter columns'
    indexes (see ``_walk_sort_index``)."""

    def col(column: SQLColumnExpression[Any]) -> SQLColumnExpression[Any]:
        return _unindexed(column) if unindexed else column

    clauses: list[ColumnElement[bool]] = []
    if queue_filter.statuses:
        clauses.append(col(Ticket.status).in_(queue_filter.statuses))
    if queue_filter.intent:
        clauses.append(col(Ticket.intent) == queue_filter.intent)
    if queue_filter.sentiment:
        clauses.append(col(Ticket.sentiment) == queue_filter.sentiment)
    if queue_filter.flagged is not None:
        clauses.append(col(Ticket.flagged).is_(queue_filter.flagged))
    if queue_filter.assignee:
        clauses.append(col(Ticket.assignee) == queue_filter.assignee)
    term = queue_filter.search.strip()
    if term:
        clauses.append(search_clause(term, dialect))  # trigram-indexed from 3 characters on
    return clauses


NULLABLE_SORT_COLUMNS = frozenset({"intent", "sentiment", "assignee", "waiting"})
RANKABLE_SORT_COLUMNS = frozenset({"intent", "sentiment", "status"})  # codes the screen shows as names


def _unindexed(key: SQLColumnExpression[Any]) -> ColumnElement[Any]:
    """SQLite's unary ``+``: same order, but the planner may not walk an index for it."""
    # UnaryExpression is typed for Core columns; it wraps ORM attributes (Ticket.status) alike.
    return UnaryExpression(key, operator=operators.custom_op("+"))  # type: ignore[arg-type]


def _ordered(statement: Select, sort: QueueSort, avoid_index: bool = False) -> Select:
    """ORDER BY that an index can serve: every key runs in the same direction.

    Empty values (untagged, unassigned, nobody waiting) sort after the others ascending
    and before them descending, i.e. a plain reverse scan of the same index.
    ``avoid_index`` is for filters SQLite cannot estimate (text search): walking the sort
    index and probing every row costs 4x a plain scan when few rows match.
    """
    try:
        column = SORT_COLUMNS[sort.column]
    except KeyError:
        raise ValueError(f"cannot sort by {sort.column!r}; choose one of {', '.join(SORT_COLUMNS)}") from None
    keys: list[SQLColumnExpression[Any]] = [column, Ticket.id]
    if sort.ranks and sort.column in RANKABLE_SORT_COLUMNS:  # the order of the names shown
        keys[0] = case({code: rank for rank, code in enumerate(sort.ranks)}, value=column, else_=len(sort.ranks))
    if sort.column in NULLABLE_SORT_COLUMNS:
        keys.insert(0, column.is_(None))
    if avoid_index:
        keys = [_unindexed(key) for key in keys]
    return statement.order_by(*(key.desc() if sort.descending else key.asc() for key in keys))


# The position of a row in a sort order: its sort value and its id (see ``_seek``).
Boundary = tuple[Any, int]


def seekable(sort: QueueSort) -> bool:
    """Whether pages in ``sort`` can be reached by keyset: the key is a plain column (not
    the on-screen rank of codes, which no index serves anyway)."""
    return sort.column in SORT_COLUMNS and not (sort.ranks and sort.column in RANKABLE_SORT_COLUMNS)


def _seek(sort: QueueSort, boundary: Boundary) -> ColumnElement[bool]:
    """The rows after ``boundary`` in ``sort`` (as ``_ordered`` sorts them): an index range.

    Row values carry the comparison; for a nullable column the ``IS NULL`` key leads, so
    that the range is one stretch of the sort index (a NULL in a row value compares to
    nothing, hence the separate case of a boundary in the empty values).
    """
    column = SORT_COLUMNS[sort.column]
    value, last_id = boundary
    after = operators.lt if sort.descending else operators.gt
    if sort.column not in NULLABLE_SORT_COLUMNS:
        return after(tuple_(column, Ticket.id), tuple_(value, last_id))
    if value is not None:
        return after(tuple_(column.is_(None), column, Ticket.id), tuple_(False, value, last_id))
    in_empty = and_(column.is_(None), after(Ticket.id, last_id))
    return or_(column.is_not(None), in_empty) if sort.descending else in_empty


def _walk_sort_index(queue_filter: QueueFilter, matches: int, table_rows: int, limit: int) -> bool:
    """Whether SQLite should walk the sort index and test each row against the filters
    rather than collect the matching rows through a filter index and sort them all.

    Walking reads about ``limit * table_rows / matches`` rows, collecting ``matches``: SQLite
    picks the collecting plan however many rows match (a 33k-row sort for the first 200
    unhandled tickets, 150 ms at 100k), so the choice is made here from the count.
    """
    filtered = bool(queue_filter.statuses or queue_filter.intent or queue_filter.sentiment)
    filtered = filtered or queue_filter.flagged is not None or bool(queue_filter.assignee)
    return filtered and matches > 0 and matches * matches > limit * table_rows


# A first page counts its matches only this far: "10,000+" needs no full count of a
# million rows (80–200 ms), and the exact figure follows from ``count`` in the background.
COUNT_CAP = 10_000


class TicketRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._dialect = session.get_bind().dialect.name

    # -- reading -------------------------------------------------------------------
    def count(self, queue_filter: QueueFilter) -> int:
        statement = select(func.count()).select_from(Ticket).where(*_where(queue_filter, self._dialect))
        return int(self.session.scalar(statement) or 0)

    def count_capped(self, queue_filter: QueueFilter, cap: int | None = None) -> tuple[int, bool]:
        """The number of matches if at most ``cap`` (default ``COUNT_CAP``; exact: True), else
        ``cap + 1`` (False): the scan stops at the ``cap + 1``-th match."""
        cap = COUNT_CAP if cap is None else cap
        matches = select(Ticket.id).where(*_where(queue_filter, self._dialect)).limit(cap + 1).subquery()
        found = int(self.session.scalar(select(func.count()).select_from(matches)) or 0)
        return found, found <= cap

    def page(
        self, queue_filter: QueueFilter, sort: QueueSort, offset: int, limit: int, total: int | None = None
    ) -> QueuePage:
        """One page; pass the ``total`` counted for this filter before to skip counting again."""
        return self.page_after(queue_filter, sort, offset, limit, total)[0]

    def page_after(
        self,
        queue_filter: QueueFilter,
        sort: QueueSort,
        offset: int,
        limit: int,
        total: int | None = None,
        after: Boundary | None = None,
        total_exact: bool = True,
    ) -> tuple[QueuePage, Boundary | None]:
        """The page at ``offset``, and the boundary of its last row (None: no next page by keyset).

        With ``after`` (the boundary of the row just before ``offset``, see ``boundary``) the
        page is read by keyset: an index range from that row on, however deep the page, where
        ``OFFSET`` would read and throw away every row before it. A given ``total`` is the
        count (``total_exact``: or only its capped lower bound, see ``count_capped``).
        """
        if queue_filter.search.strip() and self._dialect == "sqlite":
            return self._searched_page(queue_filter, sort, offset, limit), None
        exact = total_exact
        if total is None:
            total, exact = self.count_capped(queue_filter)
        keyed = seekable(sort)
        columns = (*_QUEUE_COLUMNS, SORT_COLUMNS[sort.column].label("sort_key")) if keyed else _QUEUE_COLUMNS
        clauses = self._clauses(queue_filter, total if exact else None, limit)
        if keyed and after is not None and self._dialect == "sqlite" and sort.column in NULLABLE_SORT_COLUMNS:
            found = self._seek_in_two_ranges(select(*columns).where(*clauses), sort, after, limit)
        else:
            statement = _ordered(select(*columns).where(*clauses), sort)
            if keyed and after is not None:
                statement = statement.where(_seek(sort, after))
            else:
                statement = statement.offset(offset)
            found = list(self.session.execute(statement.limit(limit)))
        rows, last = [], None
        for row in found:
            values = row._asdict()
            if keyed:
                last = (values.pop("sort_key"), values["id"])
            rows.append(QueueRow(**values))
        return QueuePage(rows=rows, total=total, offset=offset, limit=limit, total_exact=exact), last

    def _seek_in_two_ranges(self, base: Select, sort: QueueSort, after: Boundary, limit: int) -> list[Any]:
        """SQLite: the ``limit`` rows after ``after`` in a nullable column's order (see
        ``_ordered``), read from the plain ``(column, id)`` index (migration 0011) as two
        ranges: the values past the boundary, and the empty ones (last ascending, first
        descending). SQLite seeks by row value only on plain columns; on the ``IS NULL``-led
        sort index ``_seek`` walks from the first row (120 ms for a middle page at 1M)."""
        column = SORT_COLUMNS[sort.column]
        value, last_id = after
        key = tuple_(column, Ticket.id)
        ranges: list[tuple[Select, list[Any]]]
        if sort.descending:
            by_value = [column.desc(), Ticket.id.desc()]
            if value is None:  # still inside the empty values, which come first
                ranges = [(base.where(column.is_(None), Ticket.id < last_id), [Ticket.id.desc()])]
                ranges.append((base.where(column.is_not(None)), by_value))
            else:  # a NULL in the row value compares to nothing: no empty value is read here
                ranges = [(base.where(key < tuple_(value, last_id)), by_value)]
        elif value is None:
            ranges = [(base.where(column.is_(None), Ticket.id > last_id), [Ticket.id])]
        else:
            ranges = [(base.where(key > tuple_(value, last_id)), [column, Ticket.id])]
            ranges.append((base.where(column.is_(None)), [Ticket.id]))
        rows: list[Any] = []
        for statement, order in ranges:
            rows.extend(self.session.execute(statement.order_by(*order).limit(limit - len(rows))))
            if len(rows) >= limit:
                break
        return rows

    def keyset_applies(self, queue_filter: QueueFilter, sort: QueueSort) -> bool:
        """Whether ``page_after`` honours ``after`` (a text search on SQLite reads every match anyway)."""
        return seekable(sort) and not (queue_filter.search.strip() and self._dialect == "sqlite")

    def boundary(
        self, queue_filter: QueueFilter, sort: QueueSort, skip: int, after: Boundary | None = None
    ) -> Boundary | None:
        """The boundary of the row ``skip`` rows after ``after`` (0: the first one), for a jump
        to a page never visited: ``OFFSET`` on a query of the sort key and id only, which the
        sort index covers (no table row is read for the rows skipped)."""
        if not seekable(sort):
            return None
        column = SORT_COLUMNS[sort.column]
        statement = _ordered(select(column, Ticket.id).where(*_where(queue_filter, self._dialect)), sort)
        if after is not None:
            statement = statement.where(_seek(sort, after))
        row = self.session.execute(statement.offset(max(skip, 0)).limit(1)).one_or_none()
        return None if row is None else (row[0], row[1])

    def _clauses(self, queue_filter: QueueFilter, matches: int | None, limit: int) -> list[ColumnElement[bool]]:
        """``matches``: the filter's count, None when only known to pass ``COUNT_CAP``."""
        unindexed = False
        if self._dialect == "sqlite" and matches != 0:
            table_rows = int(self.session.scalar(select(func.max(Ticket.id))) or 0)  # the rowid: one index probe
            # Past the cap the matches are many: walking the sort index reaches ``limit`` of them
            # within ``limit * table_rows / COUNT_CAP`` rows at worst.
            unindexed = _walk_sort_index(queue_filter, matches if matches is not None else table_rows, table_rows, limit)
        return _where(queue_filter, self._dialect, unindexed=unindexed)

    def _searched_page(self, queue_filter: QueueFilter, sort: QueueSort, offset: int, limit: int) -> QueuePage:
        """Text search on SQLite, which cannot estimate how many rows match.

        First the matches in table order, up to ``COUNT_CAP + 1`` (the scan stops there).
        Few matches: all their ids are known, and only they are sorted (an id lookup each).
        Many: the sort index is walked and each row tested with ``LIKE``, which reaches
        the page after ``offset + limit`` matches instead of sorting them all; the total
        is then "more than COUNT_CAP" and the exact count follows from ``count``.
        """
        term = queue_filter.search.strip()
        if uses_trigram_index(term):
            others = _where(replace(queue_filter, search=""), self._dialect)
            matches = sqlite_trigram_matches(term, *others)
        else:
            matches = select(Ticket.id).where(*_where(queue_filter, self._dialect))
        found = list(self.session.scalars(matches.limit(COUNT_CAP + 1)))
        if len(found) <= COUNT_CAP:
            if not found:
                return QueuePage(rows=[], total=0, offset=offset, limit=limit)
            ordered = _ordered(select(Ticket.id).where(Ticket.id.in_(found)), sort, avoid_index=True)
            wanted = list(self.session.scalars(ordered.offset(offset).limit(limit)))
            total, exact = len(found), True
        else:
            walk = _where(replace(queue_filter, search=""), self._dialect, unindexed=True)
            walk.append(like_clause(term))
            wanted = list(self.session.scalars(_ordered(select(Ticket.id).where(*walk), sort).offset(offset).limit(limit)))
            total, exact = len(found), False
        by_id = {row.id: row for row in self.rows_by_id(wanted)} if wanted else {}
        rows = [by_id[i] for i in wanted if i in by_id]
        return QueuePage(rows=rows, total=total, offset=offset, limit=limit, total_exact=exact)

    def rows_by_id(self, ticket_ids: Sequence[int]) -> list[QueueRow]:
        statement = select(*_QUEUE_COLUMNS).where(Ticket.id.in_(ticket_ids))
        return [QueueRow(**row._asdict()) for row in self.session.execute(statement)]

    def next_unhandled(self, statuses: Sequence[str], agent: str | None, exclude_id: int | None) -> int | None:
        """The unhandled ticket whose customer has waited longest, mine or nobody's.

        On SQLite the status test must not use an index (see ``store.claims._claimable``):
        walking the waiting-time index stops at the first match.
        """
        sqlite = self._dialect == "sqlite"
        status = _unindexed(Ticket.status) if sqlite else Ticket.status
        # Nor the assignee test: SQLite would collect every unassigned ticket through the
        # assignee index (0011) and sort them (580 ms at 1M) instead of stopping at the first.
        assignee = _unindexed(Ticket.assignee) if sqlite else Ticket.assignee
        clauses: list[ColumnElement[bool]] = [status.in_(statuses)]
        if agent:
            clauses.append(or_(assignee.is_(None), assignee == agent))
        if exclude_id is not None:
            clauses.append(Ticket.id != exclude_id)
        statement = _ordered(select(Ticket.id).where(and_(*clauses)), QueueSort("waiting")).limit(1)
        return self.session.scalar(statement)

    def detail(self, ticket_id: int) -> TicketDetail:
        ticket = self.session.get(Ticket, ticket_id)
        if ticket is None:
            raise TicketNotFound(f"ticket {ticket_id} does not exist")
        messages = self.session.scalars(
            select(Message).where(Message.ticket_id == ticket_id).order_by(Message.created_at, Message.id)
        )
        return TicketDetail(
            id=ticket.id,
            external_id=ticket.external_id,
            customer=ticket.customer,
            channel=ticket.channel,
            order_id=ticket.order_id,
            product=ticket.product,
            text=ticket.text,
            status=ticket.status,
            assignee=ticket.assignee,
            intent=ticket.intent,
            intent_score=ticket.intent_score,
            sentiment=ticket.sentiment,
            sentiment_score=ticket.sentiment_score,
            flagged=ticket.flagged,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
            waiting_since=ticket.waiting_since,
            version=ticket.version,
            messages=[MessageRecord(m.role, m.text, m.created_at, m.author) for m in messages],
            intent_scores=stored_scores(ticket.tag_scores, "intent"),
            sentiment_scores=stored_scores(ticket.tag_scores, "sentiment"),
            flag_reasons=stored_reasons(ticket.flag_reasons),
            tagged_at=ticket.tagged_at,
            claimed_by=ticket.claimed_by,
            claim_until=ticket.claim_until,
        )

    def existing_external_ids(self, external_ids: Sequence[str]) -> set[str]:
        if not external_ids:
            return set()
        statement = select(Ticket.external_id).where(Ticket.external_id.in_(external_ids))
        return set(self.session.scalars(statement))

    # -- writing -------------------------------------------------------------------
    def insert_many(self, tickets: Sequence[NewTicket]) -> None:
        """Insert tickets and their messages in the caller's transaction (all or none)."""
        if not tickets:
            return
        ticket_rows = []
        for ticket in tickets:
            ticket_rows.append(
                {
                    "external_id": ticket.external_id,
                    "customer": ticket.customer,
                    "channel": ticket.channel,
                    "order_id": ticket.order_id,
                    "product": ticket.product,
                    "text": ticket.text,
                    "status": ticket.status,
                    "assignee": ticket.assignee,
                    "flagged": False,
                    "created_at": ticket.created_at,
                    "updated_at": max([ticket.created_at, *(m.created_at for m in ticket.messages)]),
                    "waiting_since": _waiting_since(ticket),
                    "version": 1,
                }
            )
        self.session.execute(cast(Table, Ticket.__table__).insert(), ticket_rows)
        ids = dict(
            self.session.execute(
                select(Ticket.external_id, Ticket.id).where(Ticket.external_id.in_([t.external_id for t in tickets]))
            ).all()
        )
        message_rows = [
            {
                "ticket_id": ids[ticket.external_id],
                "role": message.role,
                "author": message.author or (ticket.customer if message.role == "customer" else ""),
                "text": message.text,
                "created_at": message.created_at,
            }
            for ticket in tickets
            for message in (ticket.messages or (MessageRecord("customer", ticket.text, ticket.created_at),))
        ]
        self.session.execute(cast(Table, Message.__table__).insert(), message_rows)

    def update_versioned(self, ticket_id: int, expected_version: int, **values: object) -> int:
        """Apply ``values`` only if the row is still at ``expected_version``; return the new version."""
        values.setdefault("updated_at", utcnow())
        if "assignee" in values and "claimed_by" not in values:
            # A claim belongs to the assignee: handing the ticket to anyone else ends it.
            assignee = values["assignee"]
            if assignee is None:
                values.update(claimed_by=None, claim_until=None)
            else:
                kept = Ticket.claimed_by == assignee
                values.update(
                    claimed_by=case((kept, Ticket.claimed_by), else_=None),
                    claim_until=case((kept, Ticket.claim_until), else_=None),
                )
        statement = (
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.version == expected_version)
            .values(**values, version=Ticket.version + 1)
        )
        result = cast(CursorResult, self.session.execute(statement))  # an UPDATE's result
        if result.rowcount == 0:
            if self.session.get(Ticket, ticket_id) is None:
                raise TicketNotFound(f"ticket {ticket_id} does not exist")
            raise StaleTicketError(
                f"ticket {ticket_id} was changed by someone else (version {expected_version} is stale)"
            )
        return expected_version + 1

    def ids_by_external_id(self, external_ids: Sequence[str]) -> dict[str, int]:
        if not external_ids:
            return {}
        statement = select(Ticket.external_id, Ticket.id).where(Ticket.external_id.in_(external_ids))
        return dict(self.session.execute(statement).all())

    def append_messages(self, ticket_id: int, messages: Sequence[MessageRecord]) -> list[MessageRecord]:
        """Add those of ``messages`` the ticket does not hold yet (same role, text and time), in
        time order; return the ones added.

        The conversation moved on, so this is an edit (version + 1: an agent replying from an
        older read is told to reload first). A customer's messages join the ticket's text (what
        the tagger reads) and put the ball back with us (waiting since the first of them; a
        ticket waiting on the customer or resolved reopens); an agent's last word hands it to
        the customer, as an import would have set it. Tags are the caller's business
        (``services.tickets.add_messages`` re-tags).
        """
        ticket = self.session.get(Ticket, ticket_id)
        if ticket is None:
            raise TicketNotFound(f"ticket {ticket_id} does not exist")
        held = {
            (role, text, created_at)
            for role, text, created_at in self.session.execute(
                select(Message.role, Message.text, Message.created_at).where(Message.ticket_id == ticket_id)
            )
        }
        added: list[MessageRecord] = []
        for message in sorted(messages, key=lambda m: m.created_at):
            key = (message.role, message.text, message.created_at)
            if key not in held:
                held.add(key)
                added.append(message)
        if not added:
            return []
        for message in added:
            self.session.add(
                Message(
                    ticket_id=ticket_id,
                    role=message.role,
                    author=message.author or (ticket.customer if message.role == "customer" else ""),
                    text=message.text,
                    created_at=message.created_at,
                )
            )
        waiting, status = ticket.waiting_since, ticket.status
        for message in added:
            waiting = (waiting or message.created_at) if message.role == "customer" else None
        if added[-1].role == "customer":
            status = status if status in ("new", "open") else "open"
        elif status in ("new", "open"):
            status = "waiting_customer"
        values: dict[str, Any] = {
            "waiting_since": waiting,
            "status": status,
            "updated_at": max(ticket.updated_at, added[-1].created_at),
            "version": Ticket.version + 1,
        }
        customer_text = "\n".join(m.text for m in added if m.role == "customer")
        if customer_text:
            values["text"] = Ticket.text + ("\n" + customer_text)
        self.session.execute(
            update(Ticket).where(Ticket.id == ticket_id).values(**values).execution_options(synchronize_session=False)
        )
        self.session.flush()
        self.session.expire(ticket)  # the next read in this session sees the new text and version
        return added

    def add_message(self, ticket_id: int, message: MessageRecord) -> int:
        row = Message(
            ticket_id=ticket_id,
            role=message.role,
            author=message.author,
            text=message.text,
            created_at=message.created_at,
        )
        self.session.add(row)
        self.session.flush()
        return row.id


def load_json(value: Any) -> Any:
    """A JSON column's value as ``JsonValue`` decoded it; text (a value read past the column
    type, e.g. by hand-written SQL) is decoded here, None when it is empty or unreadable."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return None


def stored_scores(tag_scores: Any, task: str) -> dict[str, float]:
    """``{label: probability}`` of one task from the ``tag_scores`` column (empty if untagged)."""
    data = load_json(tag_scores)
    scores = data.get(task) if isinstance(data, dict) else None
    if not isinstance(scores, dict):
        return {}
    return {str(k): float(v) for k, v in scores.items() if isinstance(v, int | float)}


def stored_reasons(flag_reasons: Any) -> list[str]:
    data = load_json(flag_reasons)
    return [str(reason) for reason in data] if isinstance(data, list) else []


def _waiting_since(ticket: NewTicket) -> datetime | None:
    """Since when the customer has waited for an answer, or None if the ball is not with us."""
    if ticket.status not in ("new", "open"):
        return None
    messages = ticket.messages or (MessageRecord("customer", ticket.text, ticket.created_at),)
    waiting: datetime | None = None
    for message in messages:
        if message.role == "customer":
            waiting = waiting or message.created_at
        else:
            waiting = None
    return waiting or ticket.created_at
