"""The fine-tuning schedule: warm-up, cosine to the 5 % floor, rebuilt on resume, and decayed by a time budget."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch", reason="training needs the [train] extras")
pytest.importorskip("transformers", reason="training needs the [train] extras")

from desktop_app.training.common.schedule import FLOOR, cosine_with_floor  # noqa: E402

PEAK = 1e-3


def _optimizer(groups: int = 1) -> torch.optim.Optimizer:
    params = [{"params": [torch.nn.Parameter(torch.zeros(2))]} for _ in range(groups)]
    return torch.optim.AdamW(params, lr=PEAK)


def _rates(scheduler: torch.optim.lr_scheduler.LambdaLR, optimizer: torch.optim.Optimizer, steps: int) -> list[float]:
    rates = []
    for _ in range(steps):
        rates.append(optimizer.param_groups[0]["lr"] / PEAK)
        optimizer.step()
        scheduler.step()
    return rates


def test_warm_up_then_cosine_down_to_the_floor() -> None:
    optimizer = _optimizer()
    rates = _rates(cosine_with_floor(optimizer, 100, 0.1), optimizer, 101)
    assert rates[:11] == pytest.approx([i / 10 for i in range(11)])  # linear warm-up over 10 steps
    assert rates[55] == pytest.approx(FLOOR + (1 - FLOOR) * 0.5)  # half-way down the cosine
    assert rates[100] == pytest.approx(FLOOR)  # ends at 5 % of the peak, not at zero
    assert min(rates[10:]) == pytest.approx(FLOOR)
    assert all(a >= b for a, b in zip(rates[10:], rates[11:], strict=False))  # monotone after warm-up


def test_a_resumed_schedule_continues_where_the_run_stopped() -> None:
    optimizer = _optimizer(groups=2)
    unbroken = _rates(cosine_with_floor(optimizer, 50, 0.1), optimizer, 50)
    first = _optimizer(groups=2)
    scheduler = cosine_with_floor(first, 50, 0.1)
    _rates(scheduler, first, 20)
    resumed = _optimizer(groups=2)
    resumed.load_state_dict(first.state_dict())  # carries initial_lr, as a checkpoint does
    again = _rates(cosine_with_floor(resumed, 50, 0.1, last_epoch=19), resumed, 30)
    assert again == pytest.approx(unbroken[20:])
    assert resumed.param_groups[1]["lr"] == pytest.approx(resumed.param_groups[0]["lr"])  # every group follows


def test_a_time_budget_decays_the_cosine_by_the_deadline() -> None:
    spent = {"share": 0.0}
    optimizer = _optimizer()
    scheduler = cosine_with_floor(optimizer, 1000, 0.01, time_progress=lambda: spent["share"])
    _rates(scheduler, optimizer, 20)  # past the warm-up, far from the end by steps
    by_steps = optimizer.param_groups[0]["lr"] / PEAK
    assert by_steps > 0.9
    spent["share"] = 0.5
    optimizer.step()
    scheduler.step()
    half_way = FLOOR + (1 - FLOOR) * 0.5 * (1 + math.cos(math.pi * 0.5))
    assert optimizer.param_groups[0]["lr"] / PEAK == pytest.approx(half_way, abs=1e-3)
    spent["share"] = 1.5  # over the budget: the floor, never back up the cosine
    optimizer.step()
    scheduler.step()
    assert optimizer.param_groups[0]["lr"] / PEAK == pytest.approx(FLOOR)
