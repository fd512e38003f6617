"""Why a ticket was flagged, in the customer's own words: occlusion over jieba words.

For a flagged ticket the cleaned text is cut into words (jieba with parts of speech; the
cleaning's placeholders such as ``[PHONE]`` stay whole and are never candidates; only
content words are: no particles, pronouns or adverbs such as 都, 了, 谁, 到底), and the model
runs once more on a batch holding the text with each word removed (all occurrences, at
most ``MAX_WORDS`` distinct words). The words whose removal lowers the flagging
probability most (p(negative), or p(complaint) when the intent flagged it) are the
trigger words: ``触发词：「投诉」「差评」``. This costs one extra batched run, so it is computed
only when someone looks (an opened flagged ticket, the desk's visible rows,
``classify --explain``), never inside batch tagging.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections.abc import Sequence
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


_pos: Any = None


def _tagger_pos() -> Any:
    """jieba's part-of-speech tagger over the shared segmenter (built once, on first use)."""
    global _pos
    with _jieba_lock:
        if _pos is None:
            import jieba.posseg

            _pos = jieba.posseg.POSTokenizer(None)
    return _pos


# Parts of speech that carry content: nouns, verbs, adjectives, idioms and set phrases, English.
# Adverbs (都, 到底, 还), pronouns (谁, 你们), particles (了, 的), prepositions, conjunctions,
# modal particles, numerals and measure words never explain a flag to a supervisor.
_CONTENT_POS = ("n", "v", "a", "i", "l", "t", "eng", "z")
FUNCTION_WORDS = frozenset(
    "都 了 的 地 得 着 过 谁 到底 究竟 就 还 也 又 再 才 吗 呢 吧 啊 呀 哦 嘛 么 我 你 您 他 她 它 我们 你们 他们 "
    "这 那 这个 那个 什么 怎么 怎么样 为什么 是 有 在 和 跟 与 把 被 给 让 就是 一个 一下 已经 还是 不是 没有 没".split()
)


def words(cleaned: str) -> list[str]:
    """The pieces of ``cleaned`` in order (joined they give it back): placeholders whole, the rest jieba words."""
    return [word for word, _flag in tagged_words(cleaned)]


def tagged_words(cleaned: str) -> list[tuple[str, str]]:
    """(piece, part of speech) in order; placeholders get the tag ``ph``."""
    pieces: list[tuple[str, str]] = []
    for part in _PLACEHOLDER.split(cleaned):
        if not part:
            continue
        if part in PLACEHOLDER_TOKENS:
            pieces.append((part, "ph"))
            continue
        _segmenter()
        pieces.extend((pair.word, pair.flag) for pair in _tagger_pos().lcut(part, HMM=True))
    return pieces


def is_content_word(word: str, flag: str) -> bool:
    """A word a supervisor reads as a reason: content part of speech, not a function word."""
    return (
        bool(word)
        and word not in PLACEHOLDER_TOKENS
        and word not in FUNCTION_WORDS
        and bool(_CONTENT.search(word))
        and flag.startswith(_CONTENT_POS)
    )


def candidates(pieces: list[str] | list[tuple[str, str]], limit: int = MAX_WORDS) -> list[str]:
    """Distinct content words in order of appearance, at most ``limit``."""
    seen: dict[str, None] = {}
    for piece in pieces:
        word, flag = (piece, "n") if isinstance(piece, str) else piece
        word = word.strip()
        if is_content_word(word, flag) and word not in seen:
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
    tagged = tagged_words(cleaned)
    pieces = [word for word, _flag in tagged]
    chosen = candidates(tagged)
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


def tag_with_trigger_words(tagger: TicketTagger, texts: Sequence[str], batch_size: int = 32) -> list[TagResult]:
    """``tagger.tag`` plus, for each flagged text, the trigger-word reason (one more run each)."""
    results = tagger.tag(texts, batch_size)
    for text, result in zip(texts, results, strict=True):
        if result.flagged:
            reason = trigger_reason(tagger, text, result)
            if reason:
                result.flag_reasons.append(reason)
    return results
