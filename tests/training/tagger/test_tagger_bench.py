"""``bench tagger``'s app line: a TaggingService tags tickets in a background worker while a
10 ms QTimer measures how late the event loop gets (toy tagger, a few hundred tickets)."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_app.training.tagger.bench import AppStall, app_line, run_app_stall, run_tagger_bench  # noqa: E402

TEXTS = ["你们态度太差了我要投诉", "我的快递什么时候到", "谢谢，太棒了", "发票开错了"]


def test_app_stall_tags_every_ticket_in_the_worker_and_times_the_loop(qtbot, toy_tagger_dir: Path) -> None:
    stall = run_app_stall(toy_tagger_dir, TEXTS, tickets=250, threads=1)
    assert stall.tickets == 250
    assert len(stall.batch_ms) == 8  # 7 full batches of 32 and one of 26
    assert stall.delays_ms and all(d >= 0 for d in stall.delays_ms)
    assert stall.idle_delays_ms and stall.threads == 1
    assert stall.tickets_per_s > 0


def test_app_line_reports_the_stall_and_the_ratio_to_torch() -> None:
    stall = AppStall(
        tickets=1000,
        seconds=2.0,
        threads=1,
        batch_ms=[10.0, 12.0],
        delays_ms=[0.5] * 98 + [9.0, 20.0],
        idle_delays_ms=[0.1] * 100,
    )
    line = app_line(stall, torch_batch_tickets_per_s=125.0)
    assert line.tickets_per_s == 500.0 and line.vs_torch_eager == 4.0
    assert line.stall_max_ms == 20.0 and 9.0 <= line.stall_p99_ms <= 20.0
    assert "loop stall p99" in line.engine and "4.0x torch eager" in line.engine
    assert app_line(stall, None).vs_torch_eager is None


def test_run_tagger_bench_ends_with_the_app_line(qtbot, toy_tagger_dir: Path, capsys) -> None:
    lines = run_tagger_bench(toy_tagger_dir, TEXTS, None, threads=1, rounds=4, app_tickets=64)
    assert [line.batch for line in lines] == [1, 32, 32]
    assert lines[-1].tickets == 64 and lines[-1].stall_p99_ms is not None
    assert "event-loop stall" in capsys.readouterr().err
