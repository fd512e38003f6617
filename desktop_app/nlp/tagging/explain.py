"""Why a ticket was flagged, in the customer's own words: occlusion over jieba words.

For a flagged ticket the cleaned text is cut into words (jieba; the cleaning's
placeholders such as ``[PHONE]`` stay whole and are never candidates), and the model
runs once more on a batch holding the text with each word removed (all occurrences, at
most ``MAX_WORDS`` distinct words). The words whose removal lowers the flagging
probability most (p(negative), or p(complaint) when the intent flagged it) are the
trigger words: ``触发词：「投诉」「差评」``. One extra batched run per flagged ticket, and only
for flagged ones, so tagging stays cheap.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from desktop_app.domain.vocabulary import NEGATIVE, TRIGGER_PREFIX
from desktop_app.nlp.text import PLACEHOLDER_TOKENS, clean_text

if TYPE_CHECKING:
    from desktop_app.nlp.tagging.tagger import TagResult, TicketTagger

MAX_WORDS = 48
TOP_WORDS = 3
MIN_DROP = 0.01  # a removal that moves the probability less than this explains nothing

_PLACEHOLDER = re.compile("(" + "|".join(re.escape(token) for token in PLACEHOLDER_TOKENS) + ")")
_CONTENT = re.compile(r"\w")  # a letter, digit or CJK character; punctuation and spaces are no trigger

_jieba: Any = None
_jieba_lock = threading.Lock()


def _segmenter() -> Any:
    """One jieba tokenizer per process, built on first use (≈0.5 s, in a worker thread)."""
    global _jieba
    with _jieba_lock:
        if _jieba is None:
            with warnings.catch_warnings():  # older jieba/setuptools pairs warn about pkg_resources
                warnings.simplefilter("ignore")
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
            _jieba = tokenizer
    return _jieba


def words(cleaned: str) -> list[str]:
    """The pieces of ``cleaned`` in order (joined they give it back): placeholders whole, the rest jieba words."""
    pieces: list[str] = []
    segmenter = None
    for part in _PLACEHOLDER.split(cleaned):
        if not part:
            continue
        if part in PLACEHOLDER_TOKENS:
            pieces.append(part)
            continue
        segmenter = segmenter or _segmenter()
        pieces.extend(segmenter.lcut(part, HMM=True))
    return pieces


def candidates(pieces: list[str], limit: int = MAX_WORDS) -> list[str]:
    """Distinct content words in order of appearance, at most ``limit``."""
    seen: dict[str, None] = {}
    for piece in pieces:
        word = piece.strip()
        if word and word not in PLACEHOLDER_TOKENS and _CONTENT.search(word) and word not in seen:
            seen[word] = None
            if len(seen) == limit:
                break
    return list(seen)


def occlusion(
    tagger: TicketTagger, text: str, targets: list[tuple[str, int]], top: int = TOP_WORDS
) -> list[tuple[str, float]]:
    """The ``top`` words whose removal lowers the ``targets`` probabilities most, with that drop.

    ``targets`` are ``("intent" | "sentiment", label index)``; a word's drop is its largest
    over the targets. Only words with a drop of at least ``MIN_DROP`` are returned.
    """
    if not targets:
        return []
    cleaned = clean_text(text)
    pieces = words(cleaned)
    chosen = candidates(pieces)
    if not chosen:
        return []
    variants = [cleaned] + ["".join(p for p in pieces if p.strip() != word) for word in chosen]
    intents, sentiments = tagger.probabilities(variants, batch_size=len(variants), clean=False)
    drops = np.full(len(chosen), -np.inf)
    for task, index in targets:
        probs = intents if task == "intent" else sentiments
        drops = np.maximum(drops, probs[0, index] - probs[1:, index])
    ranked = sorted(range(len(chosen)), key=lambda i: (-drops[i], i))
    return [(chosen[i], float(drops[i])) for i in ranked[:top] if drops[i] >= MIN_DROP]


def flag_targets(tagger: TicketTagger, result: TagResult) -> list[tuple[str, int]]:
    """What made ``result`` flagged: p(negative) over the threshold and/or a flag intent."""
    targets: list[tuple[str, int]] = []
    if result.sentiment_scores[NEGATIVE] >= tagger.flag_rule.negative_threshold:
        targets.append(("sentiment", tagger.negative_index))
    if result.intent in tagger.flag_rule.intents:
        targets.append(("intent", tagger.intent_labels.index(result.intent)))
    return targets


def trigger_reason(tagger: TicketTagger, text: str, result: TagResult) -> str:
    """``触发词：「投诉」「差评」`` for a flagged ticket; empty when no word stands out."""
    found = occlusion(tagger, text, flag_targets(tagger, result))
    if not found:
        return ""
    return TRIGGER_PREFIX + "".join(f"「{word}」" for word, _ in found)
