"""The shop's after-sales policies and macros, retrieved with BM25 over jieba tokens.

A deploying company edits TOML files (``resources/kb/*.toml``) without touching code;
the generator sees the best-matching entries in its prompt and the agent sees which
entries a draft drew on.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jieba

jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise

_ID = re.compile(r"^[A-Za-z0-9_]+$")
_SKIP = re.compile(r"^[\W_]+$")
# Function words that every ticket shares and that would only add noise to BM25.
_STOPWORDS = frozenset(
    "的 了 吗 呢 啊 吧 我 你 您 是 在 有 和 就 都 也 还 这 那 哦 呀 嗯 么 个 一个 什么 怎么 请问 亲".split()
)


class KnowledgeBaseError(ValueError):
    """A knowledge-base file that cannot be used, with the file and entry named."""


@dataclass(frozen=True, slots=True)
class KbEntry:
    """One policy: ``text`` is what the drafter writes from; ``never_promise`` is banned in drafts."""

    id: str
    title: str
    text: str
    intents: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    applies_when: str = ""
    never_promise: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class KbHit:
    entry: KbEntry
    score: float


def tokenize(text: str) -> list[str]:
    """Search-engine-mode jieba tokens, lower-cased, without punctuation and stopwords."""
    tokens = []
    for token in jieba.lcut_for_search(text.lower()):
        token = token.strip()
        if token and not _SKIP.match(token) and token not in _STOPWORDS:
            tokens.append(token)
    return tokens


def _strings(raw: dict, key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise KnowledgeBaseError(f'{where}: {key} must be a list of strings, e.g. {key} = ["…", "…"]')
    return tuple(value)


def _entry(raw: object, where: str, seen: dict[str, str]) -> KbEntry:
    """One ``[[entry]]`` table checked field by field; the error names the field."""
    if not isinstance(raw, dict):
        raise KnowledgeBaseError(f"{where}: not an [[entry]] table")
    entry_id, text = str(raw.get("id", "")).strip(), str(raw.get("text", "")).strip()
    if not _ID.match(entry_id):
        raise KnowledgeBaseError(f"{where}: field id must be letters, digits or _ (got {entry_id!r})")
    where = f"{where} ({entry_id})"
    if not text:
        raise KnowledgeBaseError(f"{where}: field text is empty")
    if entry_id in seen:
        raise KnowledgeBaseError(f"{where}: id {entry_id!r} is already used in {seen[entry_id]}")
    applies_when = raw.get("applies_when", "")
    if not isinstance(applies_when, str):
        raise KnowledgeBaseError(f'{where}: field applies_when must be a string, e.g. applies_when = "…"')
    never_promise = _strings(raw, "never_promise", where)
    if any(not phrase.strip() for phrase in never_promise):
        raise KnowledgeBaseError(f"{where}: field never_promise has an empty phrase")
    return KbEntry(
        id=entry_id,
        title=str(raw.get("title", entry_id)),
        text=text,
        intents=_strings(raw, "intents", where),
        keywords=_strings(raw, "keywords", where),
        applies_when=applies_when.strip(),
        never_promise=tuple(phrase.strip() for phrase in never_promise),
    )


def load_entries(folder: Path, problems: list[str] | None = None) -> list[KbEntry]:
    """Every ``[[entry]]`` of every ``*.toml`` in ``folder``, in file-name order.

    Strict when ``problems`` is None (the first bad file or entry raises). Otherwise a bad
    file or entry is skipped and its message appended, so that one typo in one entry does
    not take the other policies away from the agents.
    """
    entries: list[KbEntry] = []
    seen: dict[str, str] = {}

    def refuse(error: KnowledgeBaseError) -> None:
        if problems is None:
            raise error
        problems.append(str(error))

    for path in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            refuse(KnowledgeBaseError(f"{path}: not valid TOML: {error}"))
            continue
        raw_entries = data.get("entry", [])
        if not isinstance(raw_entries, list):
            refuse(KnowledgeBaseError(f"{path}: entries must be written as [[entry]] tables"))
            continue
        for number, raw in enumerate(raw_entries, start=1):
            try:
                entry = _entry(raw, f"{path}, entry {number}", seen)
            except KnowledgeBaseError as error:
                refuse(error)
                continue
            seen[entry.id] = str(path)
            entries.append(entry)
    return entries


class KnowledgeBase:
    """Okapi BM25 (k1 = 1.5, b = 0.75) over title, keywords and text of each entry."""

    def __init__(self, entries: Sequence[KbEntry], k1: float = 1.5, b: float = 0.75) -> None:
        self.entries = list(entries)
        self.problems: tuple[str, ...] = ()
        self.k1, self.b = k1, b
        self._docs = [Counter(tokenize(" ".join((e.title, *e.keywords, *e.keywords, e.text)))) for e in self.entries]
        lengths = [sum(d.values()) for d in self._docs]
        self._lengths = lengths
        self._average = (sum(lengths) / len(lengths)) if lengths else 1.0
        frequency: Counter[str] = Counter()
        for doc in self._docs:
            frequency.update(doc.keys())
        n = len(self._docs)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}

    @classmethod
    def load(cls, folder: Path, strict: bool = False) -> KnowledgeBase:
        """The usable entries of ``folder``; skipped ones are listed in ``problems``."""
        problems: list[str] | None = None if strict else []
        kb = cls(load_entries(folder, problems))
        kb.problems = tuple(problems or ())
        return kb

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> KbEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def search(self, query: str, limit: int = 2, intent: str | None = None, min_score: float = 1.0) -> list[KbHit]:
        """Best entries for ``query``; an entry made for the ticket's intent gets a boost."""
        terms = tokenize(query)
        hits: list[KbHit] = []
        for entry, doc, length in zip(self.entries, self._docs, self._lengths, strict=True):
            score = 0.0
            for term in terms:
                tf = doc.get(term, 0)
                if tf:
                    norm = tf + self.k1 * (1 - self.b + self.b * length / self._average)
                    score += self._idf[term] * tf * (self.k1 + 1) / norm
            if intent and intent in entry.intents:
                score += 1.0
            if score >= min_score:
                hits.append(KbHit(entry, score))
        hits.sort(key=lambda hit: (-hit.score, hit.entry.id))
        return hits[:limit]
