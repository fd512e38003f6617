"""The learning-rate schedule of the fine-tuning loops: transformers' warm-up then cosine decay
to a floor (``get_cosine_with_min_lr_schedule_with_warmup``), built in one place.

The floor (5 % of the peak) keeps the last steps learning something; ``last_epoch`` rebuilds
the schedule at the step a resumed run reached. With ``time_progress`` (the share of a time
budget spent, 0…1) the cosine also decays by the deadline, so a run cut short by its budget
still ends at a low learning rate instead of in the middle of the schedule.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from transformers import get_cosine_with_min_lr_schedule_with_warmup

FLOOR = 0.05


def warmup_steps(total_steps: int, warmup_fraction: float) -> int:
    return max(1, int(total_steps * warmup_fraction))


def cosine_with_floor(
    optimizer: torch.optim.Optimizer,
    total_steps: int,
    warmup_fraction: float,
    *,
    floor: float = FLOOR,
    last_epoch: int = -1,
    time_progress: Callable[[], float] | None = None,
) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warm-up over ``warmup_fraction`` of ``total_steps``, then cosine to ``floor`` × peak."""
    total_steps = max(1, total_steps)
    warmup = warmup_steps(total_steps, warmup_fraction)
    scheduler = get_cosine_with_min_lr_schedule_with_warmup(
        optimizer, warmup, total_steps, min_lr_rate=floor, last_epoch=last_epoch
    )
    if time_progress is None:
        return scheduler
    by_steps = scheduler.lr_lambdas[0]

    def by_steps_or_time(step: int) -> float:
        if step < warmup:
            return float(by_steps(step))
        spent = min(1.0, max(0.0, time_progress()))
        return float(by_steps(min(total_steps, max(step, warmup + spent * (total_steps - warmup)))))

    # The same transformers shape, read at the later of the step reached and the time spent.
    return torch.optim.lr_scheduler.LambdaLR(optimizer, by_steps_or_time, last_epoch=last_epoch)
