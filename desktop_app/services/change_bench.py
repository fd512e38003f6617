"""How long a change takes to reach another client: ``aftersales bench changes --db URL``.

A writer process adds one customer message at a time to the bench tickets (as another
agent's client or a chat bridge would); this process listens with the change feed the
workstation uses and, for every change it hears of, re-reads that queue row (what the
queue does before the agent can see it). Two latencies per change, from the moment the
writer's commit returned (both processes read the same wall clock):

* ``feed``: until the Change came out of the source;
* ``visible``: until the row had been read again (the UI adds at most ``COALESCE_MS``,
  30 ms, of gathering on top, and a repaint).
"""

from __future__ import annotations

import multiprocessing
import statistics
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from desktop_app.domain.changes import ChangeKind
from desktop_app.domain.clock import utcnow
from desktop_app.domain.records import MessageRecord, NewTicket
from desktop_app.services.changes import ChangeSource, open_change_source
from desktop_app.services.queue import QueueService
from desktop_app.services.tickets import TicketService
from desktop_app.store.database import Database
from desktop_app.store.tickets import TicketRepository

if TYPE_CHECKING:
    import multiprocessing.queues
    import multiprocessing.synchronize

BENCH_PREFIX = "BENCH-CHANGE-"
WRITE_INTERVAL_S = 0.02
DEADLINE_S = 30.0


@dataclass(frozen=True, slots=True)
class LatencyReport:
    backend: str
    changes: int
    received: int
    feed_ms: list[float]
    visible_ms: list[float]

    @staticmethod
    def _percentile(values: list[float], share: float) -> float:
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]

    def summary(self) -> dict[str, object]:
        def stats(values: list[float]) -> dict[str, float]:
            return {
                "p50_ms": round(self._percentile(values, 0.50), 2),
                "p95_ms": round(self._percentile(values, 0.95), 2),
                "max_ms": round(max(values), 2) if values else float("nan"),
                "mean_ms": round(statistics.fmean(values), 2) if values else float("nan"),
            }

        return {
            "backend": self.backend,
            "changes": self.changes,
            "received": self.received,
            "feed": stats(self.feed_ms),
            "visible": stats(self.visible_ms),
        }


def _bench_tickets(db: Database, count: int) -> list[int]:
    """The ids of ``count`` bench tickets, made if missing."""
    wanted = [f"{BENCH_PREFIX}{n:05d}" for n in range(count)]
    with db.session() as session:
        repo = TicketRepository(session)
        missing = sorted(set(wanted) - repo.existing_external_ids(wanted))
        now = utcnow() - timedelta(hours=1)
        repo.insert_many(
            [
                NewTicket(
                    external_id=external_id,
                    text="测试推送延迟的工单",
                    created_at=now,
                    channel="淘宝",
                    messages=(MessageRecord("customer", "测试推送延迟的工单", now, "买家"),),
                )
                for external_id in missing
            ]
        )
        ids = repo.ids_by_external_id(wanted)
    return [ids[external_id] for external_id in wanted]


def _write(
    url: str,
    ticket_ids: list[int],
    interval: float,
    started: multiprocessing.synchronize.Event,
    committed: multiprocessing.queues.Queue[tuple[int, float]],
) -> None:
    """The writer process: one customer message per ticket; reports when each commit returned."""
    db = Database.open(url, migrate=False)
    tickets = TicketService(db)
    started.wait()
    try:
        for ticket_id in ticket_ids:
            tickets.add_customer_message(ticket_id, "推送测试：请问到哪了？")
            committed.put((ticket_id, time.time()))
            time.sleep(interval)
    finally:
        db.close()


def run_change_bench(url: str, changes: int = 100, interval: float = WRITE_INTERVAL_S) -> LatencyReport:
    """Write ``changes`` messages in another process and time their arrival here."""
    db = Database.open(url)
    try:
        ticket_ids = _bench_tickets(db, changes)
        queue = QueueService(db)
        wanted = set(ticket_ids)
        seen: dict[int, tuple[float, float]] = {}
        stop, ready = threading.Event(), threading.Event()

        def listen() -> None:  # the source is opened and read in this thread, as in the UI
            source = open_change_source(db.engine)
            ready.set()
            try:
                _listen(source)
            finally:
                source.close()

        def _listen(source: ChangeSource) -> None:
            while not stop.is_set() and len(seen) < len(wanted):
                for change in source.poll(0.1):
                    if change.change != ChangeKind.MESSAGE or change.ticket_id not in wanted:
                        continue
                    if change.ticket_id in seen:
                        continue
                    heard = time.time()
                    queue.rows([change.ticket_id])
                    seen[change.ticket_id] = (heard, time.time())

        listener = threading.Thread(target=listen, name="bench-listener", daemon=True)
        listener.start()
        ready.wait(DEADLINE_S)
        context = multiprocessing.get_context("spawn")
        started, committed = context.Event(), context.Queue()
        writer = context.Process(target=_write, args=(url, ticket_ids, interval, started, committed))
        writer.start()
        started.set()
        commits: dict[int, float] = {}
        deadline = time.monotonic() + DEADLINE_S + changes * interval
        while len(commits) < changes and time.monotonic() < deadline and (writer.is_alive() or not committed.empty()):
            try:
                ticket_id, at = committed.get(timeout=0.5)
            except Exception:  # noqa: BLE001 - queue.Empty: look at the clock again
                continue
            commits[ticket_id] = at
        writer.join(timeout=10)
        while len(seen) < len(commits) and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        listener.join(timeout=5)
        feed = [max(0.0, seen[t][0] - at) * 1000 for t, at in commits.items() if t in seen]
        visible = [max(0.0, seen[t][1] - at) * 1000 for t, at in commits.items() if t in seen]
        return LatencyReport(db.engine.dialect.name, len(commits), len(feed), feed, visible)
    finally:
        db.close()
