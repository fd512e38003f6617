"""`aftersales bench tagger`: the shipped int8 ONNX model against the same model in torch
eager (fp32), in the same run, on the same texts: p50/p95 latency and tickets per second
at batch 1 and batch 32.

Then the app as it runs: a ``TaggingService`` tags ``APP_TICKETS`` tickets of a throw-away
SQLite database batch by batch in a background ``TaskRunner``, exactly as the main window
chains its batches, while a 10 ms ``QTimer`` ticks in a ``QApplication`` (offscreen). How
late each tick comes is the event loop's stall: its p99 is what an agent feels as a
hitch while tickets are tagged in the background. That line reports tickets/s end to end
(database reads and writes included) and its ratio to torch eager at batch 32.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer

from desktop_app.nlp.tagging.tagger import TicketTagger
from desktop_app.nlp.text import clean_text
from desktop_app.services.tagging import TaggedBatch
from desktop_app.training.common.batching import pad_batch
from desktop_app.training.tagger.model import EncoderSize, TicketTaggerModel
from desktop_app.training.tagger.train import INTENT_LABELS

APP_TICKETS = 10_000
TIMER_MS = 10
IDLE_SECONDS = 1.0  # the timer alone first: the stall of an idle event loop, for comparison


@dataclass(frozen=True)
class BenchLine:
    engine: str
    batch: int
    p50_ms: float
    p95_ms: float
    tickets_per_s: float
    # The app line only: how late the 10 ms timer fired while tagging ran (ms), the same for
    # an idle loop, tickets tagged, and tickets/s over torch eager's at batch 32.
    stall_p50_ms: float | None = None
    stall_p99_ms: float | None = None
    stall_max_ms: float | None = None
    idle_stall_p99_ms: float | None = None
    tickets: int | None = None
    vs_torch_eager: float | None = None


@dataclass(frozen=True)
class AppStall:
    tickets: int
    seconds: float
    threads: int
    batch_ms: list[float]  # submit to result on the GUI thread, per batch
    delays_ms: list[float]  # lateness of each 10 ms tick while tagging ran
    idle_delays_ms: list[float]

    @property
    def tickets_per_s(self) -> float:
        return self.tickets / self.seconds if self.seconds else 0.0


def _percentile(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q))


def _measure(run: Callable[[list[list[int]]], object], batches: list[list[list[int]]], batch: int) -> BenchLine:
    run(batches[0])  # warm-up
    samples = []
    for ids in batches:
        started = time.perf_counter()
        run(ids)
        samples.append((time.perf_counter() - started) * 1000)
    total_s = sum(samples) / 1000
    return BenchLine("", batch, statistics.median(samples), _percentile(samples, 95), len(batches) * batch / total_s)


def run_app_stall(
    folder: Path, texts: Sequence[str], tickets: int = APP_TICKETS, threads: int | None = None, batch_size: int = 32
) -> AppStall:
    """Tag ``tickets`` tickets (``texts`` over and over) the way the app does, in a worker,
    and time a 10 ms QTimer meanwhile (``ui.common.loop_probe``). ``threads``: the tagger's
    (default: the app's own, all cores but one)."""
    from desktop_app.domain.records import NewTicket
    from desktop_app.services.tagging import TaggingService, load_tagger
    from desktop_app.store.database import Database
    from desktop_app.store.tickets import TicketRepository
    from desktop_app.ui.common.loop_probe import application, idle_lateness, timer_lateness
    from desktop_app.ui.common.workers import TaskRunner

    if not texts:
        raise ValueError("no ticket texts to tag")
    application()
    start = datetime(2024, 1, 1)
    with tempfile.TemporaryDirectory(prefix="aftersales-bench-") as scratch:
        db = Database.open(f"sqlite:///{Path(scratch) / 'bench.db'}")
        try:
            for first in range(0, tickets, 1000):
                chunk = [
                    NewTicket(
                        external_id=f"BENCH-{n:06d}",
                        text=texts[n % len(texts)],
                        created_at=start + timedelta(seconds=n),
                        customer=f"买家{n}",
                        channel="京东",
                        order_id="",
                        product="",
                        status="new",
                        assignee=None,
                        messages=(),
                    )
                    for n in range(first, min(first + 1000, tickets))
                ]
                with db.session() as session:
                    TicketRepository(session).insert_many(chunk)
            tagger = load_tagger(folder, threads=threads)
            tagger.tag(list(texts[:batch_size]))  # warm-up: the first run pays for allocations
            service = TaggingService(db, tagger)
            runner = TaskRunner(max_threads=1)
            idle = idle_lateness(IDLE_SECONDS, TIMER_MS)
            batch_ms: list[float] = []
            done = [0]
            failure: list[BaseException] = []

            def tag(stop: Callable[[], None]) -> None:
                """One batch per task, the next submitted from the GUI thread: MainWindow's chain."""

                def submit() -> None:
                    started = time.perf_counter()
                    runner.submit(
                        lambda: service.tag_next_batch(batch_size),
                        lambda batch: finished(batch, started),
                        failed,
                    )

                def failed(error: BaseException) -> None:
                    failure.append(error)
                    stop()

                def finished(batch: TaggedBatch, started: float) -> None:
                    batch_ms.append((time.perf_counter() - started) * 1000)
                    done[0] += len(batch.ticket_ids)
                    if batch.more:
                        submit()
                    else:
                        stop()

                submit()

            began = time.perf_counter()
            delays = timer_lateness(tag, TIMER_MS)
            seconds = time.perf_counter() - began
            runner.wait()
            if failure:
                raise failure[0]
            return AppStall(done[0], seconds, tagger.threads, batch_ms, delays, idle)
        finally:
            db.close()


def app_line(stall: AppStall, torch_batch_tickets_per_s: float | None) -> BenchLine:
    p99 = _percentile(stall.delays_ms, 99) if stall.delays_ms else 0.0
    ratio = stall.tickets_per_s / torch_batch_tickets_per_s if torch_batch_tickets_per_s else None
    label = f"app worker ({stall.threads} thr), loop stall p99 {p99:.1f} ms"
    if ratio is not None:
        label += f", {ratio:.1f}x torch eager"
    return BenchLine(
        label,
        32,
        statistics.median(stall.batch_ms) if stall.batch_ms else 0.0,
        _percentile(stall.batch_ms, 95) if stall.batch_ms else 0.0,
        stall.tickets_per_s,
        stall_p50_ms=statistics.median(stall.delays_ms) if stall.delays_ms else 0.0,
        stall_p99_ms=p99,
        stall_max_ms=max(stall.delays_ms, default=0.0),
        idle_stall_p99_ms=_percentile(stall.idle_delays_ms, 99) if stall.idle_delays_ms else 0.0,
        tickets=stall.tickets,
        vs_torch_eager=ratio,
    )


def torch_model_from(folder: Path, weights: Path) -> TicketTaggerModel:
    tagger = TicketTagger.load(folder)
    arch = tagger.folder.manifest.section("architecture")
    size = EncoderSize(arch["layers"], arch["hidden"], arch["heads"], arch["intermediate"], arch["max_length"])
    model = TicketTaggerModel(size.config(arch["vocab_size"], tagger.pad_id), len(INTENT_LABELS))
    model.load_state_dict(torch.load(weights, map_location="cpu"))
    return model.eval()


def run_tagger_bench(
    folder: Path,
    texts: Sequence[str],
    torch_weights: Path | None,
    threads: int = 2,
    rounds: int = 200,
    app_tickets: int = APP_TICKETS,
) -> list[BenchLine]:
    """The engine lines, then (``app_tickets`` > 0) the app line of ``run_app_stall``."""
    tagger = TicketTagger.load(folder, threads=threads)
    tokenizer: Tokenizer = tagger.tokenizer
    encoded = [e.ids for e in tokenizer.encode_batch([clean_text(t) for t in texts])]
    singles = [[encoded[i % len(encoded)]] for i in range(rounds)]
    thirty_twos = [[encoded[(i * 32 + j) % len(encoded)] for j in range(32)] for i in range(max(8, rounds // 16))]
    lines = []
    onnx_run = tagger._run
    for batch, batches in ((1, singles), (32, thirty_twos)):
        line = _measure(onnx_run, batches, batch)
        lines.append(
            BenchLine(f"onnxruntime int8, {threads} threads", batch, line.p50_ms, line.p95_ms, line.tickets_per_s)
        )
    if torch_weights is not None and torch_weights.is_file():
        torch.set_num_threads(threads)
        model = torch_model_from(folder, torch_weights)

        @torch.inference_mode()
        def torch_run(ids: list[list[int]]) -> object:
            input_ids, mask = pad_batch(ids, tagger.pad_id)
            return model(input_ids, mask)

        for batch, batches in ((1, singles), (32, thirty_twos)):
            line = _measure(torch_run, batches, batch)
            lines.append(
                BenchLine(f"torch eager fp32, {threads} threads", batch, line.p50_ms, line.p95_ms, line.tickets_per_s)
            )
    if app_tickets > 0:
        print(f"tagging {app_tickets} tickets in the app's background worker …", file=sys.stderr)
        stall = run_app_stall(folder, texts, tickets=app_tickets)
        eager = next((x for x in lines if x.engine.startswith("torch") and x.batch == 32), None)
        line = app_line(stall, eager.tickets_per_s if eager else None)
        print(
            f"app: {line.tickets} tickets in {stall.seconds:.1f} s "
            f"({line.tickets_per_s:.0f}/s, {stall.threads} threads); "
            f"event-loop stall of a {TIMER_MS} ms QTimer p50 {line.stall_p50_ms:.2f} / p99 {line.stall_p99_ms:.2f} / "
            f"max {line.stall_max_ms:.1f} ms (idle p99 {line.idle_stall_p99_ms:.2f} ms)",
            file=sys.stderr,
        )
        lines.append(line)
    return lines
