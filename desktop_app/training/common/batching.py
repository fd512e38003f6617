"""Batches of similar length (little padding), sized by tokens rather than by rows."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import torch

T = TypeVar("T")


def length_bucketed_batches(
    items: Sequence[Any],
    batch_tokens: int,
    rng: random.Random,
    key: Callable[[Any], int] = len,  # the token count of an item: len of a token list by default
) -> Iterator[list[Any]]:
    """Shuffle, sort within chunks of 100 batches by length, cut by a token budget, shuffle batches."""
    order = list(range(len(items)))
    rng.shuffle(order)
    batches: list[list] = []
    chunk = 4096
    for start in range(0, len(order), chunk):
        block = sorted(order[start : start + chunk], key=lambda i: key(items[i]))
        batch: list = []
        longest = 0
        for index in block:
            length = key(items[index])
            if batch and max(longest, length) * (len(batch) + 1) > batch_tokens:
                batches.append(batch)
                batch, longest = [], 0
            batch.append(items[index])
            longest = max(longest, length)
        if batch:
            batches.append(batch)
    rng.shuffle(batches)
    yield from batches


def pad_batch(sequences: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    longest = max(len(s) for s in sequences)
    ids = torch.full((len(sequences), longest), pad_id, dtype=torch.long)
    mask = torch.zeros((len(sequences), longest), dtype=torch.long)
    for row, sequence in enumerate(sequences):
        ids[row, : len(sequence)] = torch.tensor(sequence, dtype=torch.long)
        mask[row, : len(sequence)] = 1
    return ids, mask
