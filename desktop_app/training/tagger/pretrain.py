"""Masked-language-model pretraining of the small encoder on all unlabelled text.

The vocabulary head runs only on the masked positions (15 % of tokens), which is most of
what makes this affordable on two CPU cores.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
from tokenizers import Tokenizer
from transformers import BertForMaskedLM

from desktop_app.training.common.batching import length_bucketed_batches, pad_batch
from desktop_app.training.tagger.model import EncoderSize

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PretrainSettings:
    steps: int = 1500
    batch_tokens: int = 4096
    learning_rate: float = 5e-4
    warmup_fraction: float = 0.06
    mask_probability: float = 0.15
    seed: int = 13


def segment(tokenizer: Tokenizer, texts: list[str], max_length: int) -> list[list[int]]:
    """Token ids per text, long texts cut into windows that fit the model."""
    body = max_length - 2
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    segments = []
    for encoding in tokenizer.encode_batch(texts, add_special_tokens=False):
        ids = encoding.ids
        for start in range(0, max(len(ids), 1), body):
            piece = ids[start : start + body]
            if len(piece) >= 4:
                segments.append([cls_id, *piece, sep_id])
    return segments


def mask_tokens(
    input_ids: torch.Tensor, special: torch.Tensor, mask_id: int, vocab_size: int, p: float, gen: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT's 80/10/10 masking; returns the corrupted ids and the boolean mask of targets."""
    candidates = ~special
    chosen = (torch.rand(input_ids.shape, generator=gen) < p) & candidates
    corrupted = input_ids.clone()
    roll = torch.rand(input_ids.shape, generator=gen)
    corrupted[chosen & (roll < 0.8)] = mask_id
    randomised = chosen & (roll >= 0.8) & (roll < 0.9)
    corrupted[randomised] = torch.randint(vocab_size, input_ids.shape, generator=gen)[randomised]
    return corrupted, chosen


def pretrain(
    tokenizer: Tokenizer,
    texts: list[str],
    size: EncoderSize,
    settings: PretrainSettings,
    on_progress: Callable[[str], None] = log.info,
) -> BertForMaskedLM:
    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    gen = torch.Generator().manual_seed(settings.seed)
    pad_id = tokenizer.token_to_id("[PAD]")
    mask_id = tokenizer.token_to_id("[MASK]")
    vocab_size = tokenizer.get_vocab_size()
    special_ids = torch.tensor([tokenizer.token_to_id(t) for t in ("[PAD]", "[CLS]", "[SEP]", "[UNK]")])
    model = BertForMaskedLM(size.config(vocab_size, pad_id))
    segments = segment(tokenizer, texts, size.max_length)
    on_progress(f"pretraining on {len(segments)} segments, {sum(map(len, segments))} tokens, {settings.steps} steps")
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=0.01)
    warmup = max(1, int(settings.steps * settings.warmup_fraction))

    def schedule(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, settings.steps - warmup))))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    model.train()
    step, started, seen_tokens, running = 0, time.perf_counter(), 0, 0.0
    while step < settings.steps:
        for batch in length_bucketed_batches(segments, settings.batch_tokens, rng):
            input_ids, attention = pad_batch(batch, pad_id)
            special = torch.isin(input_ids, special_ids)
            corrupted, targets = mask_tokens(input_ids, special, mask_id, vocab_size, settings.mask_probability, gen)
            if not targets.any():
                continue
            hidden = model.bert(input_ids=corrupted, attention_mask=attention).last_hidden_state
            logits = model.cls(hidden[targets])
            loss = torch.nn.functional.cross_entropy(logits, input_ids[targets])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            seen_tokens += int(attention.sum())
            running = loss.item() if step == 1 else 0.98 * running + 0.02 * loss.item()
            if step % 25 == 0 or step == settings.steps:
                elapsed = time.perf_counter() - started
                on_progress(
                    f"pretrain step {step}/{settings.steps} loss {running:.3f} "
                    f"{seen_tokens / elapsed:.0f} tokens/s {elapsed / 60:.1f} min"
                )
            if step >= settings.steps:
                break
    return model
