"""Fine-tuning the pretrained encoder with two heads.

Tickets (and our hand-written examples) train intent and 3-way sentiment; reviews train
only the sentiment head, and only its negative-vs-positive part, so that the many
binary reviews never teach the model that "neutral" does not exist.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from tokenizers import Tokenizer
from transformers import BertForMaskedLM

from desktop_app.domain.vocabulary import INTENTS
from desktop_app.training.common.batching import length_bucketed_batches, pad_batch
from desktop_app.training.common.corpora import SENTIMENTS, Example
from desktop_app.training.common.schedule import cosine_with_floor
from desktop_app.training.common.tokenizer import special_id
from desktop_app.training.tagger.model import EncoderSize, TicketTaggerModel

log = logging.getLogger(__name__)

INTENT_LABELS = tuple(INTENTS)
SENTIMENT_LABELS = SENTIMENTS
IGNORE = -100


@dataclass(frozen=True)
class FinetuneSettings:
    # Small-model learning rate (1e-4–3e-4); each epoch sees every labelled ticket once and a
    # fresh sample of reviews. Two epochs left seed 13 at corpus-dev intent macro-F1 0.54
    # (under-trained); four is what one seed could get in this session's time.
    epochs: int = 4
    batch_tokens: int = 3072
    learning_rate: float = 3e-4
    warmup_fraction: float = 0.06
    reviews_per_epoch: int = 2000
    ticket_repeats: int = 1
    review_loss_weight: float = 1.0
    seed: int = 13


@dataclass(frozen=True, slots=True)
class Encoded:
    ids: list[int]
    intent: int
    sentiment: int
    binary: int  # 0 negative, 1 positive, IGNORE when not a binary review


def encode(tokenizer: Tokenizer, examples: Sequence[Example], max_length: int) -> list[Encoded]:
    tokenizer = Tokenizer.from_str(tokenizer.to_str())
    tokenizer.enable_truncation(max_length)
    tokenizer.no_padding()
    encoded = []
    for example, encoding in zip(examples, tokenizer.encode_batch([e.text for e in examples]), strict=True):
        intent = INTENT_LABELS.index(example.intent) if example.intent else IGNORE
        if example.binary:
            sentiment, binary = IGNORE, 1 if example.sentiment == "positive" else 0
        else:
            sentiment = SENTIMENT_LABELS.index(example.sentiment) if example.sentiment else IGNORE
            binary = IGNORE
        encoded.append(Encoded(encoding.ids, intent, sentiment, binary))
    return encoded


def class_weights(labels: Sequence[int], n: int) -> torch.Tensor:
    """Inverse square-root frequency: rare intents count more without drowning the common ones."""
    counts = Counter(label for label in labels if label != IGNORE)
    weights = [1.0 / math.sqrt(counts.get(i, 0) + 1) for i in range(n)]
    mean = sum(weights) / n
    return torch.tensor([w / mean for w in weights])


def load_encoder_weights(model: TicketTaggerModel, pretrained: Path) -> None:
    mlm = BertForMaskedLM.from_pretrained(pretrained, attn_implementation="eager")
    missing, unexpected = model.encoder.load_state_dict(mlm.bert.state_dict(), strict=False)
    if [m for m in missing if "pooler" not in m]:
        raise RuntimeError(f"pretrained encoder lacks weights: {missing}")


def finetune(
    tokenizer: Tokenizer,
    size: EncoderSize,
    labelled: Sequence[Example],
    reviews: Sequence[Example],
    settings: FinetuneSettings,
    pretrained: Path | None = None,
    on_progress: Callable[[str], None] = log.info,
) -> TicketTaggerModel:
    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    pad_id = special_id(tokenizer, "[PAD]")
    model = TicketTaggerModel(size.config(tokenizer.get_vocab_size(), pad_id), len(INTENT_LABELS))
    if pretrained is not None:
        load_encoder_weights(model, pretrained)
    tickets = encode(tokenizer, labelled, size.max_length)
    review_pool = encode(tokenizer, reviews, size.max_length)
    intent_weights = class_weights([e.intent for e in tickets], len(INTENT_LABELS))
    sentiment_weights = class_weights([e.sentiment for e in tickets], len(SENTIMENT_LABELS))
    reviews_per_epoch = min(settings.reviews_per_epoch, len(review_pool))
    plan = [  # every epoch sees all tickets (repeated) and a fresh sample of reviews
        list(
            length_bucketed_batches(
                tickets * settings.ticket_repeats + rng.sample(review_pool, reviews_per_epoch),
                settings.batch_tokens,
                rng,
                key=lambda e: len(e.ids),
            )
        )
        for _ in range(settings.epochs)
    ]
    total_steps = sum(len(batches) for batches in plan)
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=0.01)
    scheduler = cosine_with_floor(optimizer, total_steps, settings.warmup_fraction)
    on_progress(
        f"fine-tuning on {len(tickets)} labelled tickets x{settings.ticket_repeats} and "
        f"{reviews_per_epoch} of {len(review_pool)} reviews per epoch, {total_steps} steps"
    )
    started = time.perf_counter()
    for epoch, batches in enumerate(plan):
        model.train()
        running = 0.0
        for number, batch in enumerate(batches, start=1):
            input_ids, attention = pad_batch([e.ids for e in batch], pad_id)
            intents = torch.tensor([e.intent for e in batch])
            sentiments = torch.tensor([e.sentiment for e in batch])
            binaries = torch.tensor([e.binary for e in batch])
            intent_logits, sentiment_logits = model(input_ids, attention)
            loss = torch.zeros(())
            if (intents != IGNORE).any():
                loss = loss + torch.nn.functional.cross_entropy(
                    intent_logits, intents, weight=intent_weights, ignore_index=IGNORE
                )
            if (sentiments != IGNORE).any():
                loss = loss + torch.nn.functional.cross_entropy(
                    sentiment_logits, sentiments, weight=sentiment_weights, ignore_index=IGNORE
                )
            if (binaries != IGNORE).any():
                # Only negative vs positive: the reviews say nothing about "neutral".
                pair = sentiment_logits[:, [SENTIMENT_LABELS.index("negative"), SENTIMENT_LABELS.index("positive")]]
                loss = loss + settings.review_loss_weight * torch.nn.functional.cross_entropy(
                    pair, binaries, ignore_index=IGNORE
                )
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            running = loss.item() if number == 1 else 0.95 * running + 0.05 * loss.item()
            if number % 50 == 0 or number == len(batches):
                on_progress(
                    f"epoch {epoch + 1}/{settings.epochs} batch {number}/{len(batches)} loss {running:.3f} "
                    f"{(time.perf_counter() - started) / 60:.1f} min"
                )
    model.eval()
    return model


@torch.no_grad()
def predict(
    model: TicketTaggerModel, tokenizer: Tokenizer, texts: Sequence[str], max_length: int, batch_size: int = 64
) -> tuple[torch.Tensor, torch.Tensor]:
    """Softmax probabilities (intent, sentiment) for cleaned texts, in input order."""
    model.eval()
    tok = Tokenizer.from_str(tokenizer.to_str())
    tok.enable_truncation(max_length)
    tok.no_padding()
    pad_id = special_id(tokenizer, "[PAD]")
    encodings = [e.ids for e in tok.encode_batch(list(texts))]
    order = sorted(range(len(encodings)), key=lambda i: len(encodings[i]))
    intents = torch.zeros(len(texts), len(INTENT_LABELS))
    sentiments = torch.zeros(len(texts), len(SENTIMENT_LABELS))
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        ids, mask = pad_batch([encodings[i] for i in chunk], pad_id)
        intent_logits, sentiment_logits = model(ids, mask)
        intents[chunk] = intent_logits.softmax(-1)
        sentiments[chunk] = sentiment_logits.softmax(-1)
    return intents, sentiments
