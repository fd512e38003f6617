"""QueueService: SQL sorting, filtering and paging agree with the same done in Python."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from desktop_app.domain.vocabulary import INTENTS, SENTIMENTS
from desktop_app.services.queue import SORTABLE_COLUMNS, QueueService
from desktop_app.store.database import Database
from desktop_app.domain.records import MessageRecord, QueueFilter, QueueSort
from desktop_app.store.schema import Ticket

T0 = datetime(2024, 5, 1, 8, 0, 0)

# queue column -> attribute of the reference rows below
_ATTRIBUTE = {
    "id": "id",
    "external_id": "external_id",
    "customer": "customer",
    "channel": "channel",
    "text": "text",
    "intent": "intent",
    "sentiment": "sentiment",
    "flagged": "flagged",
    "status": "status",
    "assignee": "assignee",
    "waiting": "waiting_since",
    "updated": "updated_at",
    "created": "created_at",
}


@dataclass
class Ref:
    """What the test knows about one ticket, read back straight from the table."""

    id: int
    external_id: str
    customer: str
    channel: str
    order_id: str
    text: str
    intent: str | None
    sentiment: str | None
    flagged: bool
    status: str
    assignee: str | None
    waiting_since: datetime | None
    updated_at: datetime
    created_at: datetime


def _reference_rows(db: Database) -> list[Ref]:
    with db.session() as session:
        return [
            Ref(
                t.id,
                t.external_id,
                t.customer,
                t.channel,
                t.order_id,
                t.text,
                t.intent,
                t.sentiment,
                t.flagged,
                t.status,
                t.assignee,
                t.waiting_since,
                t.updated_at,
                t.created_at,
            )
            for t in session.query(Ticket).all()
        ]


@pytest.fixture
def populated(db, make_ticket, add_tickets) -> list[Ref]:
    """~240 tickets with many ties and empty values in every sortable column."""
    rng = random.Random(20240501)
    statuses = ["new", "open", "waiting_customer", "resolved"]
    customers = ["小鹿", "jd_王先生", "多多果园", "Alice", "bob", "张三", "李四"]
    channels = ["淘宝", "京东", "拼多多", "抖音", "天猫"]
    agents = [None, None, "客服小美", "客服阿杰", "客服小周"]
    phrases = ["快递没到", "申请退货", "换个尺码", "发票抬头", "优惠券", "我要投诉", "谢谢", "Zebra", "apple"]
    tickets = []
    for number in range(1, 241):
        created = T0 + timedelta(minutes=rng.choice(range(0, 600, 7)))  # ties on purpose
        messages: tuple[MessageRecord, ...] = ()
        if rng.random() < 0.3:
            messages = (
                MessageRecord("customer", "第一句", created),
                MessageRecord("agent", "回复", created + timedelta(minutes=rng.randint(1, 50))),
            )
            if rng.random() < 0.5:
                messages += (MessageRecord("customer", "追问", messages[-1].created_at + timedelta(minutes=3)),)
        tickets.append(
            make_ticket(
                number,
                external_id=f"E{rng.randint(0, 99999):05d}-{number}",
                text=f"{rng.choice(phrases)}{rng.choice(phrases)} {rng.randint(0, 9)}",
                created_at=created,
                customer=rng.choice(customers),
                channel=rng.choice(channels),
                status=rng.choice(statuses),
                assignee=rng.choice(agents),
                messages=messages,
            )
        )
    ids = add_tickets(tickets)
    with db.session() as session:
        for ticket_id in ids.values():
            values: dict[str, object] = {"flagged": rng.random() < 0.25}
            if rng.random() < 0.7:
                values["intent"] = rng.choice(list(INTENTS))
            if rng.random() < 0.6:
                values["sentiment"] = rng.choice(list(SENTIMENTS))
            session.execute(update(Ticket).where(Ticket.id == ticket_id).values(**values))
    rows = _reference_rows(db)
    # The data really exercises ties and empty values.
    for column in ("intent", "sentiment", "assignee", "waiting_since"):
        assert any(getattr(r, column) is None for r in rows)
        assert any(getattr(r, column) is not None for r in rows)
    return rows


def _python_order(rows: list[Ref], column: str, descending: bool) -> list[int]:
    attribute = _ATTRIBUTE[column]

    def key(row: Ref) -> tuple:
        value = getattr(row, attribute)
        # Empty (NULL) values go after all others ascending; ties broken by id.
        return (value is None, value if value is not None else 0, row.id)

    ordered = sorted(rows, key=key)
    if descending:
        ordered.reverse()  # exactly the reverse: empty values first, ties by id descending
    return [r.id for r in ordered]


def _all_ids(
    queue: QueueService, queue_filter: QueueFilter = QueueFilter(), sort: QueueSort = QueueSort()
) -> list[int]:
    page = queue.page(queue_filter, sort, page_size=10_000)
    assert page.total == len(page.rows)
    return [r.id for r in page.rows]


def test_sortable_columns_cover_the_queue() -> None:
    assert set(SORTABLE_COLUMNS) == set(_ATTRIBUTE)


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("column", SORTABLE_COLUMNS)
def test_sort_matches_python(db, populated, column, descending) -> None:
    queue = QueueService(db)
    got = _all_ids(queue, sort=QueueSort(column, descending))
    assert got == _python_order(populated, column, descending)


@pytest.mark.parametrize("column", ["intent", "sentiment", "assignee", "waiting"])
def test_empty_values_last_ascending_first_descending(db, populated, column) -> None:
    queue = QueueService(db)
    attribute = _ATTRIBUTE[column]
    empties = sum(1 for r in populated if getattr(r, attribute) is None)
    ascending = queue.page(sort=QueueSort(column), page_size=10_000).rows
    descending = queue.page(sort=QueueSort(column, descending=True), page_size=10_000).rows
    field = "waiting_since" if column == "waiting" else column
    assert all(getattr(r, field) is None for r in ascending[-empties:])
    assert all(getattr(r, field) is not None for r in ascending[:-empties])
    assert all(getattr(r, field) is None for r in descending[:empties])
    assert all(getattr(r, field) is not None for r in descending[empties:])


def test_default_sort_is_longest_waiting_first(db, populated) -> None:
    rows = QueueService(db).page(page_size=10_000).rows
    waiting = [r.waiting_since for r in rows if r.waiting_since is not None]
    assert waiting == sorted(waiting)
    assert rows[0].waiting_since == min(r.waiting_since for r in populated if r.waiting_since)


def test_unknown_sort_column(db) -> None:
    with pytest.raises(ValueError, match="cannot sort by 'nope'"):
        QueueService(db).page(sort=QueueSort("nope"))


def test_paging_concatenates_to_the_full_order(db, populated) -> None:
    queue = QueueService(db)
    sort = QueueSort("customer", descending=True)
    full = _all_ids(queue, sort=sort)
    pages = []
    page_index = 0
    while True:
        page = queue.page(sort=sort, page_index=page_index, page_size=37)
        assert page.offset == page_index * 37
        assert page.limit == 37
        assert page.total == len(populated)
        if not page.rows:
            break
        pages.append([r.id for r in page.rows])
        page_index += 1
    assert [len(p) for p in pages] == [37] * (len(populated) // 37) + [len(populated) % 37]
    assert [i for p in pages for i in p] == full


def test_page_beyond_the_end_is_empty(db, populated) -> None:
    page = QueueService(db).page(page_index=100, page_size=50)
    assert page.rows == []
    assert page.total == len(populated)


def test_negative_page_index_is_first_page(db, populated) -> None:
    queue = QueueService(db)
    assert [r.id for r in queue.page(page_index=-3, page_size=5).rows] == [
        r.id for r in queue.page(page_index=0, page_size=5).rows
    ]


def test_total_passed_through_skips_counting(db, populated, monkeypatch) -> None:
    from desktop_app.store.tickets import TicketRepository

    calls = []
    original = TicketRepository.count_capped

    def counting(self, queue_filter, cap=None):  # type: ignore[no-untyped-def]
        calls.append(queue_filter)
        return original(self, queue_filter, cap)

    monkeypatch.setattr(TicketRepository, "count_capped", counting)
    queue = QueueService(db)
    first = queue.page(page_size=10)
    assert len(calls) == 1
    second = queue.page(page_index=1, page_size=10, total=12345)
    assert len(calls) == 1  # not counted again
    assert second.total == 12345
    assert first.total == len(populated)
    assert len(second.rows) == 10


def test_zero_page_size_refused(db) -> None:
    with pytest.raises(ValueError, match="page_size"):
        QueueService(db).page(page_size=0)


# -- filters --------------------------------------------------------------------------------


def _expected(rows: list[Ref], predicate) -> list[int]:  # type: ignore[no-untyped-def]
    return _python_order([r for r in rows if predicate(r)], "waiting", False)


@pytest.mark.parametrize(
    ("queue_filter", "predicate"),
    [
        (QueueFilter(statuses=("new",)), lambda r: r.status == "new"),
        (QueueFilter(statuses=("new", "open")), lambda r: r.status in ("new", "open")),
        (QueueFilter(intent="logistics"), lambda r: r.intent == "logistics"),
        (QueueFilter(sentiment="negative"), lambda r: r.sentiment == "negative"),
        (QueueFilter(flagged=True), lambda r: r.flagged),
        (QueueFilter(flagged=False), lambda r: not r.flagged),
        (QueueFilter(assignee="客服小美"), lambda r: r.assignee == "客服小美"),
        (
            QueueFilter(statuses=("new", "open"), sentiment="negative", flagged=True),
            lambda r: r.status in ("new", "open") and r.sentiment == "negative" and r.flagged,
        ),
        (QueueFilter(search="快递"), lambda r: "快递" in r.text),
        (QueueFilter(search="  快递  "), lambda r: "快递" in r.text),
        (QueueFilter(search="jd_"), lambda r: "jd_" in r.customer),
        (
            QueueFilter(search="投诉", statuses=("open",)),
            lambda r: "投诉" in r.text and r.status == "open",
        ),
    ],
    ids=lambda value: repr(value) if isinstance(value, QueueFilter) else "",
)
def test_filters_match_python(db, populated, queue_filter, predicate) -> None:
    expected = _expected(populated, predicate)
    assert expected, "the filter should match something in the fixture data"
    assert len(expected) < len(populated), "the filter should exclude something"
    page = QueueService(db).page(queue_filter, page_size=10_000)
    assert [r.id for r in page.rows] == expected
    assert page.total == len(expected)


def test_empty_filter_shows_everything(db, populated) -> None:
    assert QueueService(db).page(QueueFilter(search="   ")).total == len(populated)


@pytest.fixture
def search_data(db, make_ticket, add_tickets) -> dict[str, int]:
    return add_tickets(
        [
            make_ticket(1, text="满50%减10元的券用不了"),
            make_ticket(2, text="满500减10元"),
            make_ticket(3, text="型号 A_B 有货吗"),
            make_ticket(4, text="型号 AXB 有货吗"),
            make_ticket(5, text="路径 C:\\temp 打不开"),
            make_ticket(6, text="普通问题", customer="搜索用户甲", order_id="ORD-778899"),
            make_ticket(7, text="另一个问题", customer="别人", external_id="EXT-55-Z"),
        ]
    )


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("50%", ["T-00001"]),
        ("%", ["T-00001"]),
        ("_", ["T-00003"]),
        ("A_B", ["T-00003"]),
        ("a_b", ["T-00003"]),  # ASCII is matched case-insensitively
        ("\\temp", ["T-00005"]),
        ("用户甲", ["T-00006"]),  # customer
        ("778899", ["T-00006"]),  # order id
        ("EXT-55", ["EXT-55-Z"]),  # external id
        ("减10", ["T-00001", "T-00002"]),
        ("不存在的词", []),
    ],
)
def test_search_literal_characters_and_fields(db, search_data, term, expected) -> None:
    page = QueueService(db).page(QueueFilter(search=term), QueueSort("id"))
    assert [r.external_id for r in page.rows] == expected
    assert page.total == len(expected)


# -- rows / next_unhandled ------------------------------------------------------------------


def test_rows_returns_fresh_copies(db, make_ticket, add_tickets, set_columns) -> None:
    ids = add_tickets([make_ticket(1), make_ticket(2)])
    queue = QueueService(db)
    set_columns(ids["T-00002"], intent="invoice", version=7)
    rows = queue.rows([ids["T-00002"]])
    assert [(r.id, r.intent, r.version) for r in rows] == [(ids["T-00002"], "invoice", 7)]


@pytest.fixture
def unhandled(db, make_ticket, add_tickets) -> dict[str, int]:
    return add_tickets(
        [
            make_ticket(1, external_id="resolved-oldest", created_at=T0, status="resolved"),
            make_ticket(2, external_id="waiting-old", created_at=T0 + timedelta(minutes=1), status="waiting_customer"),
            make_ticket(3, external_id="other-agent-old", created_at=T0 + timedelta(minutes=2), assignee="阿杰"),
            make_ticket(
                4, external_id="mine-open", created_at=T0 + timedelta(minutes=3), status="open", assignee="小美"
            ),
            make_ticket(5, external_id="nobody-new", created_at=T0 + timedelta(minutes=4)),
            make_ticket(6, external_id="nobody-newest", created_at=T0 + timedelta(minutes=5)),
        ]
    )


def test_next_unhandled_prefers_longest_waiting_mine_or_nobodys(db, unhandled) -> None:
    queue = QueueService(db)
    assert queue.next_unhandled("小美") == unhandled["mine-open"]
    assert queue.next_unhandled("小美", current_id=unhandled["mine-open"]) == unhandled["nobody-new"]
    assert queue.next_unhandled("阿杰") == unhandled["other-agent-old"]
    assert queue.next_unhandled("小周") == unhandled["nobody-new"]
    # Without an agent name, anyone's ticket qualifies.
    assert queue.next_unhandled(None) == unhandled["other-agent-old"]


def test_next_unhandled_none_left(db, unhandled, set_columns) -> None:
    queue = QueueService(db)
    for key in ("mine-open", "nobody-new", "nobody-newest"):
        set_columns(unhandled[key], status="resolved", waiting_since=None)
    assert queue.next_unhandled("小美") is None
    assert queue.next_unhandled("阿杰") == unhandled["other-agent-old"]
    assert queue.next_unhandled("阿杰", current_id=unhandled["other-agent-old"]) is None


def test_next_unhandled_uses_waiting_since_not_creation(db, unhandled, set_columns) -> None:
    # The newest ticket's customer has actually been waiting longest (e.g. reopened).
    set_columns(unhandled["nobody-newest"], waiting_since=T0 - timedelta(days=1))
    assert QueueService(db).next_unhandled("小美") == unhandled["nobody-newest"]


def test_next_unhandled_empty_database(db) -> None:
    assert QueueService(db).next_unhandled("小美") is None


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("column", SORTABLE_COLUMNS)
def test_sort_with_text_search_matches_python(db, populated, column, descending) -> None:
    """A text search switches the ORDER BY to non-indexed keys; the order must not change."""
    expected = _python_order([r for r in populated if "快递" in r.text], column, descending)
    assert 0 < len(expected) < len(populated)
    page = QueueService(db).page(QueueFilter(search="快递"), QueueSort(column, descending), page_size=10_000)
    assert [r.id for r in page.rows] == expected
