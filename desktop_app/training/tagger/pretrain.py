"""Masked-language-model pretraining of the small encoder on all unlabelled text.

At this data size compute and epochs dominate, so the loop is built for throughput on two
CPU cores: texts are packed into full windows (no padding), the forward pass runs under
bf16 autocast (AMX), and the vocabulary head runs only on the masked positions. Whole
jieba words are masked together, at a rate that decays from 30 % to 15 %. The run keeps a
checkpoint outside the repository and resumes from it, so a long run survives a restart.
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

import jieba
import torch
from tokenizers import Tokenizer
from transformers import BertForMaskedLM

from desktop_app.training.common.precision import cpu_has_fast_bf16
from desktop_app.training.common.tokenizer import special_id
from desktop_app.training.tagger.model import EncoderSize

log = logging.getLogger(__name__)

jieba.setLogLevel(60)


@dataclass(frozen=True)
class PretrainSettings:
    # 10 epochs over the 1.6M-token sample: about 75 min at 2 threads on a CPU without AMX
    # (fp32, 3,500–5,500 tokens/s measured); resumable, so a shorter session continues later.
    epochs: float = 10.0
    steps: int | None = None  # overrides epochs when set (toy runs, benchmarks)
    batch_tokens: int = 4096
    learning_rate: float = 1e-3
    warmup_fraction: float = 0.04
    mask_start: float = 0.30
    mask_end: float = 0.15
    bf16: bool | None = None  # None: on where the CPU has AMX or AVX512-BF16, where it is faster
    checkpoint_every: int = 200
    seed: int = 13


@dataclass(frozen=True)
class Packed:
    """Token windows of one length and, per token, the id of the jieba word it belongs to."""

    ids: torch.Tensor  # (windows, length) int64
    words: torch.Tensor  # (windows, length) int64, unique across the corpus; -1 for specials

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @property
    def tokens(self) -> int:
        return int(self.ids.numel())


def pack(tokenizer: Tokenizer, texts: Sequence[str], length: int) -> Packed:
    """All texts as one token stream ([SEP] between texts), cut into ``[CLS] …`` windows."""
    cls_id, sep_id = special_id(tokenizer, "[CLS]"), special_id(tokenizer, "[SEP]")
    stream: list[int] = []
    words: list[int] = []
    next_word = 0
    batch = 2048
    for start in range(0, len(texts), batch):
        pieces = [[w for w in jieba.lcut(text) if w.strip()] or [text] for text in texts[start : start + batch]]
        for encoding in tokenizer.encode_batch(pieces, is_pretokenized=True, add_special_tokens=False):
            if not encoding.ids:
                continue
            stream.extend(encoding.ids)
            words.extend(next_word + (w if w is not None else 0) for w in encoding.word_ids)
            next_word += max((w for w in encoding.word_ids if w is not None), default=0) + 1
            stream.append(sep_id)
            words.append(-1)
    body = length - 1
    count = len(stream) // body
    ids = torch.tensor(stream[: count * body], dtype=torch.long).view(count, body)
    word_ids = torch.tensor(words[: count * body], dtype=torch.long).view(count, body)
    ids = torch.cat([torch.full((count, 1), cls_id, dtype=torch.long), ids], dim=1)
    word_ids = torch.cat([torch.full((count, 1), -1, dtype=torch.long), word_ids], dim=1)
    return Packed(ids, word_ids)


def mask_whole_words(
    ids: torch.Tensor, words: torch.Tensor, mask_id: int, vocab_size: int, p: float, gen: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT's 80/10/10 corruption applied to whole words; returns corrupted ids and targets."""
    unique, inverse = torch.unique(words, return_inverse=True)
    chosen_word = torch.rand(unique.shape, generator=gen) < p
    chosen = chosen_word[inverse] & (words >= 0)
    corrupted = ids.clone()
    roll = torch.rand(ids.shape, generator=gen)
    corrupted[chosen & (roll < 0.8)] = mask_id
    randomised = chosen & (roll >= 0.8) & (roll < 0.9)
    corrupted[randomised] = torch.randint(vocab_size, ids.shape, generator=gen)[randomised]
    return corrupted, chosen


def mask_rate(settings: PretrainSettings, step: int, total: int) -> float:
    """Linear decay from ``mask_start`` to ``mask_end`` over the run."""
    return settings.mask_start + (settings.mask_end - settings.mask_start) * min(1.0, step / max(1, total))


def total_steps(settings: PretrainSettings, windows: int, length: int) -> int:
    per_batch = max(1, settings.batch_tokens // length)
    if settings.steps is not None:
        return settings.steps
    return max(1, math.ceil(settings.epochs * windows / per_batch))


def _batch_order(windows: int, per_batch: int, epoch: int, seed: int) -> list[torch.Tensor]:
    order = torch.randperm(windows, generator=torch.Generator().manual_seed(seed * 1000 + epoch))
    return [order[i : i + per_batch] for i in range(0, windows - per_batch + 1, per_batch)] or [order]


def _same_run(saved: dict, current: dict) -> bool:
    """The same data order and masking: everything but the run's length must match."""
    length = ("epochs", "steps", "checkpoint_every")
    return {k: v for k, v in saved.items() if k not in length} == {k: v for k, v in current.items() if k not in length}


def _save_checkpoint(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    torch.save(state, partial)
    os.replace(partial, path)  # a kill during the save leaves the previous checkpoint whole


def pretrain(
    tokenizer: Tokenizer,
    texts: Sequence[str],
    size: EncoderSize,
    settings: PretrainSettings,
    on_progress: Callable[[str], None] = log.info,
    checkpoint: Path | None = None,
    packed: Packed | None = None,
) -> BertForMaskedLM:
    torch.manual_seed(settings.seed)
    random.seed(settings.seed)
    pad_id, mask_id = special_id(tokenizer, "[PAD]"), special_id(tokenizer, "[MASK]")
    vocab_size = tokenizer.get_vocab_size()
    model = BertForMaskedLM(size.config(vocab_size, pad_id))
    data = packed or pack(tokenizer, texts, size.max_length)
    per_batch = max(1, settings.batch_tokens // size.max_length)
    steps = total_steps(settings, len(data), size.max_length)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=settings.learning_rate, betas=(0.9, 0.98), eps=1e-6, weight_decay=0.01
    )
    from transformers import get_cosine_schedule_with_warmup

    scheduler = get_cosine_schedule_with_warmup(optimizer, max(1, int(steps * settings.warmup_fraction)), steps)
    gen = torch.Generator().manual_seed(settings.seed)
    use_bf16 = cpu_has_fast_bf16() if settings.bf16 is None else settings.bf16
    step = 0
    if checkpoint is not None and checkpoint.is_file():
        state = torch.load(checkpoint, weights_only=False)
        if _same_run(state.get("settings", {}), asdict(settings)) and state.get("windows") == len(data):
            model.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
            gen.set_state(state["generator"])
            step = int(state["step"])
            # A run may be continued with another length (more or fewer epochs): the cosine
            # schedule is rebuilt for the new total and picks up at the step reached.
            scheduler = get_cosine_schedule_with_warmup(
                optimizer, max(1, int(steps * settings.warmup_fraction)), steps, last_epoch=step - 1
            )
            on_progress(f"resuming pretraining from {checkpoint} at step {step}/{steps}")
        else:
            on_progress(f"ignoring {checkpoint}: it was made with other settings or data")
    on_progress(
        f"pretraining on {len(data)} windows of {size.max_length} ({data.tokens} tokens), {steps} steps "
        f"({steps * per_batch / max(1, len(data)):.1f} epochs), {torch.get_num_threads()} threads, "
        f"bf16 {'on' if use_bf16 else 'off'}"
    )
    model.train()
    started, seen_tokens, running = time.perf_counter(), 0, 0.0
    batches_per_epoch = max(1, len(data) // per_batch)
    while step < steps:
        epoch, offset = divmod(step, batches_per_epoch)
        for rows in _batch_order(len(data), per_batch, epoch, settings.seed)[offset:]:
            ids, words = data.ids[rows], data.words[rows]
            corrupted, targets = mask_whole_words(ids, words, mask_id, vocab_size, mask_rate(settings, step, steps), gen)
            if not targets.any():
                step += 1
                continue
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bf16):
                hidden = model.bert(input_ids=corrupted).last_hidden_state
                logits = model.cls(hidden[targets])
            loss = torch.nn.functional.cross_entropy(logits.float(), ids[targets])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            seen_tokens += ids.numel()
            running = loss.item() if running == 0.0 else 0.98 * running + 0.02 * loss.item()
            if step % 25 == 0 or step == steps:
                elapsed = time.perf_counter() - started
                on_progress(
                    f"pretrain step {step}/{steps} loss {running:.3f} "
                    f"{seen_tokens / elapsed:.0f} tokens/s {elapsed / 60:.1f} min"
                )
            if checkpoint is not None and (step % settings.checkpoint_every == 0 or step == steps):
                _save_checkpoint(
                    checkpoint,
                    {
                        "model": model.state_dict(),
                        "optimizer": optimizer.state_dict(),
                        "scheduler": scheduler.state_dict(),
                        "generator": gen.get_state(),
                        "step": step,
                        "settings": asdict(settings),
                        "windows": len(data),
                    },
                )
            if step >= steps:
                break
    return model
