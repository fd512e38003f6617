"""`aftersales bench queue`: how fast the queue opens, sorts, filters and pages at scale.

Builds a throw-away SQLite database of synthetic tickets (same schema, same indexes as
the app's), then times each queue operation through ``QueueService`` several times and
reports the median and the worst run, in milliseconds. With ``db_url`` (``--db URL``) it
runs on that database instead: an empty one is filled with the synthetic tickets first
(which stay), one that holds tickets is measured as it is, read-only (the claim timing,
which writes, is left out there).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import cast

from sqlalchemy import Table

from desktop_app.domain.vocabulary import INTENTS, SENTIMENTS, UNHANDLED_STATUSES, TicketStatus
from desktop_app.services.queue import QueueService
from desktop_app.domain.clock import utcnow
from desktop_app.store.claims import ClaimRepository
from desktop_app.store.database import Database
from desktop_app.domain.records import QueueFilter, QueueSort
from desktop_app.store.schema import Message, Ticket

_PHRASES = (
    "我的快递怎么还没到",
    "申请退货退款",
    "尺码不合适想换一个",
    "收到的商品少了一件",
    "屏幕坏了能保修吗",
    "帮我取消订单",
    "发票抬头开错了",
    "这个能和旧款通用吗",
    "优惠券用不了",
    "你们客服态度太差了我要投诉",
    "退款什么时候到账",
    "地址填错了帮我改一下",
    "物流三天没更新了",
    "价格降了能保价吗",
    "谢谢，速度很快",
)
_CHANNELS = ("淘宝", "天猫", "京东", "拼多多", "抖音")


@dataclass(frozen=True, slots=True)
class Timing:
    operation: str
    median_ms: float
    max_ms: float
    runs: int


def build_bench_database(target: Path | str, rows: int, seed: int = 7) -> None:
    """Fill ``target`` (a SQLite file, or a database URL) with ``rows`` synthetic tickets,
    one customer message each."""
    rng = random.Random(seed)
    db = Database.open(f"sqlite:///{target}" if isinstance(target, Path) else target)
    now = utcnow()
    intents, sentiments, statuses = list(INTENTS), list(SENTIMENTS), [s.value for s in TicketStatus]
    chunk = 10_000
    with db.engine.begin() as connection:
        for start in range(0, rows, chunk):
            tickets, messages = [], []
            for number in range(start, min(start + chunk, rows)):
                created = now - timedelta(minutes=rng.randint(1, 60 * 24 * 30))
                status = rng.choice(statuses)
                sentiment = rng.choices(sentiments, weights=(15, 80, 5))[0]
                text = "，".join(rng.sample(_PHRASES, 2)) + f"，订单{number:08d}"
                tickets.append(
                    {
                        "id": number + 1,
                        "external_id": f"BENCH-{number:07d}",
                        "customer": f"买家{rng.randint(1, 40000)}",
                        "channel": rng.choice(_CHANNELS),
                        "order_id": f"{rng.randint(10**17, 10**18 - 1)}",
                        "product": "",
                        "text": text,
                        "status": status,
                        "assignee": rng.choice((None, "客服小美", "客服阿杰", "客服小周")),
                        "intent": rng.choice(intents),
                        "intent_score": rng.random(),
                        "sentiment": sentiment,
                        "sentiment_score": rng.random(),
                        "flagged": sentiment == "negative" and rng.random() < 0.7,
                        "created_at": created,
                        "updated_at": created,
                        "waiting_since": created if status in ("new", "open") else None,
                        "version": 1,
                    }
                )
                messages.append(
                    {"ticket_id": number + 1, "role": "customer", "author": "", "text": text, "created_at": created}
                )
            connection.execute(cast(Table, Ticket.__table__).insert(), tickets)
            connection.execute(cast(Table, Message.__table__).insert(), messages)
        if connection.dialect.name == "postgresql":
            # The ids were given explicitly: the next ticket anyone adds must not reuse one.
            connection.exec_driver_sql("SELECT setval(pg_get_serial_sequence('tickets', 'id'), max(id)) FROM tickets")
    db.refresh_statistics()  # as the importer does after a bulk import
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE tickets, messages")  # plan the timed queries on fresh statistics
    db.close()


def _time(operation: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        operation()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def run_queue_bench(
    rows: int = 100_000, repeat: int = 7, workdir: Path | None = None, db_url: str | None = None
) -> list[Timing]:
    """Time the queue on ``rows`` synthetic tickets in a throw-away SQLite file, or on the
    database ``db_url`` (filled with them only if it holds no ticket yet)."""
    if db_url is None:
        with tempfile.TemporaryDirectory(dir=workdir) as tmp:
            path = Path(tmp) / "bench.db"
            build_bench_database(path, rows)
            return _measure(f"sqlite:///{path}", repeat, built=True)
    built = count_tickets(db_url) == 0
    if built:
        build_bench_database(db_url, rows)
    return _measure(db_url, repeat, built=built)


def count_tickets(db_url: str) -> int:
    db = Database.open(db_url)
    try:
        return QueueService(db).count()
    finally:
        db.close()


def _measure(url: str, repeat: int, built: bool) -> list[Timing]:
    """Each operation once to warm the caches, then ``repeat`` timed runs. The claim (a
    write) is timed only on tickets the bench made itself (``built``)."""

    def open_queue() -> None:
        db = Database.open(url)
        QueueService(db).page()
        db.close()

    db = Database.open(url)
    queue = QueueService(db)
    known_total = queue.count()
    last_page = max(known_total - 1, 0) // 200
    operations: dict[str, Callable[[], object]] = {
        "open (connect + migrate check + first page)": open_queue,
        "first page, default sort (longest waiting)": lambda: queue.page(),
        "sort by customer": lambda: queue.page(sort=QueueSort("customer")),
        "sort by updated, newest first": lambda: queue.page(sort=QueueSort("updated", descending=True)),
        "sort by intent": lambda: queue.page(sort=QueueSort("intent")),
        "filter status = new": lambda: queue.page(QueueFilter(statuses=("new",))),
        "filter intent = logistics": lambda: queue.page(QueueFilter(intent="logistics")),
        "filter flagged": lambda: queue.page(QueueFilter(flagged=True)),
        "filter unhandled + negative": lambda: queue.page(
            QueueFilter(statuses=("new", "open"), sentiment="negative")
        ),
        "text search 退款": lambda: queue.page(QueueFilter(search="退款")),
        "text search 退款什么 (4 characters)": lambda: queue.page(QueueFilter(search="退款什么")),
        "text search order number (rare)": lambda: queue.page(QueueFilter(search="00012345")),
        "text search 退款, page 3": lambda: queue.page(QueueFilter(search="退款"), page_index=2),
        "page 2": lambda: queue.page(page_index=1, total=known_total),
        "middle page": lambda: queue.page(page_index=last_page // 2, total=known_total),
        "last page": lambda: queue.page(page_index=last_page, total=known_total),
        "next unhandled ticket": lambda: queue.next_unhandled("客服小美"),
        # Past COUNT_CAP a page says "10,000+"; the window then counts exactly in the background.
        "exact count, all tickets (background)": lambda: queue.count(),
        "exact count, text search 退款 (background)": lambda: queue.count(QueueFilter(search="退款")),
    }
    if built:
        operations["next claim (Ctrl+N: release the last, claim the next)"] = _ClaimLoop(db).next
    timings = []
    for name, operation in operations.items():
        operation()  # warm the page cache once, as an open app would have
        median, worst = _time(operation, repeat)
        timings.append(Timing(name, median, worst, repeat))
    if built:
        _ClaimLoop(db).release_all()
    db.close()
    return timings


class _ClaimLoop:
    """Ctrl+N over and over, as one agent who skips every ticket (each claim releases the last)."""

    AGENT = "bench-agent"

    def __init__(self, db: Database) -> None:
        self.db = db
        self.last: int | None = None
        self.statuses = [s.value for s in UNHANDLED_STATUSES]

    def next(self) -> None:
        now = utcnow()
        with self.db.session() as session:
            claim = ClaimRepository(session).claim_next(
                self.AGENT, self.statuses, now, now + timedelta(minutes=10), self.last
            )
        self.last = claim.ticket_id if claim is not None else None

    def release_all(self) -> None:
        with self.db.session() as session:
            ClaimRepository(session).release(self.AGENT, self.statuses)
