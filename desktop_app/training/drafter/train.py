"""Causal-LM training of the reply generator on prompt + reply sequences.

The loss is on the reply tokens (and the end token that stops a draft) at full weight and
on the prompt's context at a small weight, because the context is the only other real
Chinese customer-service text this small corpus has. The vocabulary head runs only on the
positions that carry loss.
"""

from __future__ import annotations

import logging
import math
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from tokenizers import Tokenizer
from transformers import Qwen2ForCausalLM

from desktop_app.training.common.precision import cpu_has_fast_bf16
from desktop_app.training.common.schedule import cosine_with_floor
from desktop_app.training.common.tokenizer import special_id

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DrafterTrainSettings:
    epochs: float = 3.5
    batch_tokens: int = 4096
    learning_rate: float = 1e-3
    warmup_fraction: float = 0.04
    weight_decay: float = 0.05
    context_weight: float = 0.2
    max_length: int = 256
    seed: int = 13
    time_budget_s: float | None = None  # stop early, still on the schedule's last step
    evaluate_every: int = 0  # steps between dev-loss checks (0: none); the best state is kept
    bf16: bool | None = None  # bf16 autocast; None: where the CPU has AMX or AVX512-BF16
    patience: int = 0  # stop after this many dev checks without a new best (0: run the whole schedule)


@dataclass(frozen=True)
class Sequence_:
    ids: list[int]
    weights: list[float]  # loss weight of predicting ids[i] (0 for the first token)


def encode_example(
    tokenizer: Tokenizer, prompt: str, reply: str, eos: str, max_length: int, context_weight: float
) -> Sequence_:
    """Prompt tokens, reply tokens and the end token; the prompt is cut from its front when too long."""
    prompt_ids = tokenizer.encode(prompt, add_special_tokens=False).ids
    reply_ids = tokenizer.encode(reply, add_special_tokens=False).ids + [special_id(tokenizer, eos)]
    reply_ids = reply_ids[: max_length // 2]
    room = max_length - len(reply_ids)
    if len(prompt_ids) > room:
        # Keep the head (tags, knowledge base) and the newest context.
        head = prompt_ids[:8]
        prompt_ids = head + prompt_ids[len(prompt_ids) - (room - len(head)) :]
    ids = prompt_ids + reply_ids
    weights = [0.0] + [context_weight] * (len(prompt_ids) - 1) + [1.0] * len(reply_ids)
    return Sequence_(ids, weights)


def _batches(sequences: Sequence[Sequence_], batch_tokens: int, rng: random.Random) -> list[list[int]]:
    order = sorted(range(len(sequences)), key=lambda i: (len(sequences[i].ids), rng.random()))
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        longest = len(sequences[index].ids)  # sorted by length: the newest is the longest
        if current and longest * (len(current) + 1) > batch_tokens:
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    rng.shuffle(batches)
    return batches


def _collate(sequences: Sequence[Sequence_], indices: list[int], pad_id: int) -> tuple[torch.Tensor, ...]:
    width = max(len(sequences[i].ids) for i in indices)
    ids = torch.full((len(indices), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(indices), width), dtype=torch.long)
    weights = torch.zeros((len(indices), width), dtype=torch.float)
    for row, index in enumerate(indices):
        seq = sequences[index]
        ids[row, : len(seq.ids)] = torch.tensor(seq.ids)
        mask[row, : len(seq.ids)] = 1
        weights[row, : len(seq.weights)] = torch.tensor(seq.weights)
    return ids, mask, weights


def weighted_loss(
    model: Qwen2ForCausalLM, ids: torch.Tensor, mask: torch.Tensor, weights: torch.Tensor
) -> torch.Tensor:
    """Cross-entropy of next-token prediction, the head computed only where a weight is set."""
    hidden = model.model(input_ids=ids, attention_mask=mask).last_hidden_state
    hidden, targets, target_weights = hidden[:, :-1], ids[:, 1:], weights[:, 1:]
    chosen = target_weights > 0
    logits = model.lm_head(hidden[chosen])
    losses = torch.nn.functional.cross_entropy(logits.float(), targets[chosen], reduction="none")
    chosen_weights = target_weights[chosen]
    return (losses * chosen_weights).sum() / chosen_weights.sum().clamp_min(1e-6)


CHECKPOINT_EVERY = 100


def _resume(
    checkpoint: Path | None,
    settings: DrafterTrainSettings,
    sequences: int,
    model: Qwen2ForCausalLM,
    optimizer: torch.optim.Optimizer,
) -> dict | None:
    """The saved state when ``checkpoint`` is from this very run (settings and data size)."""
    if checkpoint is None or not checkpoint.is_file():
        return None
    state = torch.load(checkpoint, weights_only=False)
    if state.get("settings") != asdict(settings) or state.get("sequences") != sequences:
        log.warning("ignoring %s: it was made with other settings or data", checkpoint)
        return None
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return state


@torch.no_grad()
def dev_loss(model: Qwen2ForCausalLM, sequences: Sequence[Sequence_], pad_id: int, batch_tokens: int) -> float:
    """Mean weighted loss over held-out sequences (the reply tokens), in eval mode."""
    was_training = model.training
    model.eval()
    total, weight = 0.0, 0.0
    for indices in _batches(sequences, batch_tokens, random.Random(0)):
        ids, mask, weights = _collate(sequences, indices, pad_id)
        batch_weight = float(weights[:, 1:].sum())
        total += float(weighted_loss(model, ids, mask, weights)) * batch_weight
        weight += batch_weight
    model.train(was_training)
    return total / max(weight, 1e-9)


def train_decoder(
    model: Qwen2ForCausalLM,
    sequences: Sequence[Sequence_],
    pad_id: int,
    settings: DrafterTrainSettings,
    on_progress: Callable[[int, int, float], None] | None = None,
    dev: Sequence[Sequence_] = (),
    checkpoint: Path | None = None,
) -> dict[str, float]:
    """AdamW with warm-up and cosine decay; returns the final smoothed loss and the speed.

    With ``dev`` sequences and ``settings.evaluate_every``, the dev loss is measured on the way
    and the weights with the lowest one are what the model ends with: on a corpus of a few
    thousand replies a small decoder starts to memorise them before the schedule ends.

    With ``checkpoint``, the state (weights, optimiser, schedule position, time spent, best
    dev weights) is saved every ``CHECKPOINT_EVERY`` steps and a killed run resumes from it;
    the batches after a resume are drawn afresh from the saved random state.
    """
    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    use_bf16 = cpu_has_fast_bf16() if settings.bf16 is None else settings.bf16
    log.info("drafter training on %d threads, %s", torch.get_num_threads(), "bf16 autocast" if use_bf16 else "fp32")
    epoch_batches = _batches(sequences, settings.batch_tokens, rng)
    total = max(1, int(len(epoch_batches) * settings.epochs))
    decay: list[torch.nn.Parameter] = []
    no_decay: list[torch.nn.Parameter] = []
    for name, parameter in model.named_parameters():
        (no_decay if parameter.ndim < 2 or "norm" in name else decay).append(parameter)
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": settings.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=settings.learning_rate,
        betas=(0.9, 0.98),
    )

    started = time.perf_counter()
    resumed = _resume(checkpoint, settings, len(sequences), model, optimizer)
    if resumed is not None:
        started -= resumed["elapsed"]  # the time budget counts the time already spent
        rng.setstate(resumed["rng"])

    def time_spent() -> float:
        # With a time budget the cosine decays by the deadline too (common/schedule.py).
        return (time.perf_counter() - started) / (settings.time_budget_s or 1.0)

    # A resumed run rebuilds the schedule at the step reached (its optimiser state has initial_lr).
    scheduler = cosine_with_floor(
        optimizer,
        resumed["total"] if resumed is not None else total,
        settings.warmup_fraction,
        last_epoch=resumed["step"] - 1 if resumed is not None else -1,
        time_progress=time_spent if settings.time_budget_s else None,
    )
    model.train()
    run_started = time.perf_counter()  # this process's speed, whatever a resumed run spent before
    tokens, smoothed = 0, float("nan")
    step = 0
    best: tuple[float, int, dict[str, torch.Tensor]] | None = None
    history: list[tuple[int, float]] = []
    if resumed is not None:
        step, smoothed, total = resumed["step"], resumed["smoothed"], resumed["total"]
        best, history = resumed["best"], resumed["history"]
        log.info("resuming from %s at step %d of %d", checkpoint, step, total)

    def save_checkpoint() -> None:
        assert checkpoint is not None
        state = {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "step": step,
            "total": total,
            "smoothed": smoothed,
            "elapsed": time.perf_counter() - started,
            "rng": rng.getstate(),
            "best": best,
            "history": history,
            "settings": asdict(settings),
            "sequences": len(sequences),
        }
        partial = checkpoint.with_suffix(".partial")
        torch.save(state, partial)
        os.replace(partial, checkpoint)  # a kill during the save leaves the previous one whole

    def check_dev() -> None:
        nonlocal best
        value = dev_loss(model, dev, pad_id, settings.batch_tokens)
        history.append((step, round(value, 4)))
        log.info("dev loss %.4f at step %d", value, step)
        if best is None or value < best[0]:
            best = (value, step, {k: v.detach().clone() for k, v in model.state_dict().items()})
    while step < total:
        batches = epoch_batches if step == 0 else _batches(sequences, settings.batch_tokens, rng)
        for indices in batches:
            if step >= total:
                break
            ids, mask, weights = _collate(sequences, indices, pad_id)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bf16):
                loss = weighted_loss(model, ids, mask, weights)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            tokens += int(mask.sum())
            value = float(loss.detach())
            smoothed = value if math.isnan(smoothed) else 0.98 * smoothed + 0.02 * value
            if on_progress and (step % 50 == 0 or step == total):
                on_progress(step, total, smoothed)
            if dev and settings.evaluate_every and step % settings.evaluate_every == 0:
                check_dev()
                if settings.patience and best is not None and step - best[1] >= settings.patience * settings.evaluate_every:
                    log.info("dev loss not better than step %d's for %d checks: stopping at step %d", best[1], settings.patience, step)
                    total = step
                    break
            if checkpoint is not None and step % CHECKPOINT_EVERY == 0:
                save_checkpoint()
            elapsed = time.perf_counter() - started
            if settings.time_budget_s and elapsed > settings.time_budget_s:
                log.warning("time budget of %.0f s reached at step %d of %d", settings.time_budget_s, step, total)
                total = step
                break
    elapsed = time.perf_counter() - started
    speed = tokens / max(time.perf_counter() - run_started, 1e-9)
    result: dict = {
        "steps": step, "loss": smoothed, "seconds": elapsed, "tokens_per_s": speed,
        "precision": "bf16 autocast" if use_bf16 else "fp32", "threads": torch.get_num_threads(),
    }
    if dev and settings.evaluate_every:
        if not history or history[-1][0] != step:
            check_dev()
        assert best is not None
        model.load_state_dict(best[2])
        result.update({"dev_loss": best[0], "best_step": best[1], "dev_history": history})
    model.eval()
    return result
