"""The project's own authored corpus (``resources/corpus/*.jsonl``): loading, checking, splits.

Both training pipelines read it through this module; the app's runtime never does (only
the knowledge base it is grounded in). The split of a ticket is a pure function of its id
(a hash), so adding tickets never moves an old one between train, dev and test, and the
test split stays out of every choice made on dev.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.config import RESOURCES_DIR
from desktop_app.domain.vocabulary import INTENTS, SENTIMENTS

CORPUS_DIR = RESOURCES_DIR / "corpus"
STYLES = ("taobao", "jd", "pinduoduo", "douyin", "wechat", "elderly", "english-mixed", "merchant", "courier")
ROLES = ("customer", "agent")
REQUIRED = ("id", "turns", "style", "intent", "sentiment", "evidence", "kb", "reply")
REPLY_LENGTH = (40, 160)
# Coverage minimums (the Corpus issue): every intent × sentiment cell, every style, multi-turn share.
CELL_MINIMUM = 40
SMALL_CELLS = {("complaint", "positive"): 5}  # real but rare: praise inside a formal complaint
STYLE_MINIMUM = 150
MULTI_TURN_MINIMUM = 0.20
NEAR_DUPLICATE_JACCARD = 0.8


class CorpusError(ValueError):
    """A corpus line that cannot be used, with its file and line number."""


@dataclass(frozen=True, slots=True)
class CorpusTurn:
    role: str
    text: str


@dataclass(frozen=True, slots=True)
class CorpusTicket:
    id: str
    turns: tuple[CorpusTurn, ...]
    style: str
    intent: str
    sentiment: str
    evidence: tuple[str, ...]
    kb: tuple[str, ...]
    reply: str
    order_id: str | None = None
    product: str | None = None
    source: str = ""  # file:line, for messages
    train_only: bool = False  # written after the test split was fixed: see ``split``

    @property
    def split(self) -> str:
        """By the hash of the id, except for a ticket marked ``"split": "train"``.

        Tickets added to give the drafter more examples per KB entry are marked train-only, so
        the dev and test splits every earlier report measured stay exactly as they were.
        """
        return "train" if self.train_only else split_of(self.id)

    @property
    def customer_text(self) -> str:
        """What the tagger reads: the customer's turns, oldest first, one per line."""
        return "\n".join(t.text for t in self.turns if t.role == "customer")

    @property
    def multi_turn(self) -> bool:
        return len(self.turns) > 1


def split_of(ticket_id: str) -> str:
    """train 80 % / dev 10 % / test 10 %, fixed by the SHA-1 of the id."""
    bucket = int(hashlib.sha1(ticket_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "train" if bucket < 80 else "dev" if bucket < 90 else "test"


@dataclass(frozen=True, slots=True)
class Problem:
    where: str  # "file.jsonl:12"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item for item in value)


def parse_line(raw: str, where: str, kb_ids: set[str] | None = None) -> tuple[CorpusTicket | None, list[str]]:
    """One JSON line as a ticket, or None and every reason it is refused."""
    try:
        row = json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as error:
        return None, [f"not valid JSON: {error}"]
    if not isinstance(row, dict):
        return None, ["not a JSON object"]
    errors = [f"missing field {name}" for name in REQUIRED if name not in row]
    if errors:
        return None, errors
    turns = row["turns"]
    if not isinstance(turns, list) or not turns:
        return None, ["turns must be a non-empty list of {role, text}"]
    parsed: list[CorpusTurn] = []
    for number, turn in enumerate(turns, start=1):
        if not isinstance(turn, dict) or turn.get("role") not in ROLES or not isinstance(turn.get("text"), str):
            errors.append(f"turn {number} must be {{'role': 'customer' or 'agent', 'text': '…'}}")
        elif not turn["text"].strip():
            errors.append(f"turn {number} is empty")
        else:
            parsed.append(CorpusTurn(turn["role"], turn["text"]))
    if parsed and parsed[-1].role != "customer":
        errors.append("the last turn must be the customer's (the reply answers it)")
    if not isinstance(row["id"], str) or not row["id"].strip():
        errors.append("id must be a non-empty string")
    if row["intent"] not in INTENTS:
        errors.append(f"intent {row['intent']!r} is not one of TAXONOMY.md's intents")
    if row["sentiment"] not in SENTIMENTS:
        errors.append(f"sentiment {row['sentiment']!r} is not negative, neutral or positive")
    if row["style"] not in STYLES:
        errors.append(f"style {row['style']!r} is not one of {', '.join(STYLES)}")
    for name in ("evidence", "kb"):
        if not (row[name] == [] or _strings(row[name])):
            errors.append(f"{name} must be a list of strings")
    for name in ("order_id", "product"):
        if row.get(name) is not None and not isinstance(row[name], str):
            errors.append(f"{name} must be a string")
    if row.get("split") not in (None, "train"):
        errors.append('split may only be "train" (dev and test follow from the id)')
    reply = row["reply"]
    if not isinstance(reply, str):
        errors.append("reply must be a string")
    elif not REPLY_LENGTH[0] <= len(reply) <= REPLY_LENGTH[1]:
        errors.append(f"reply has {len(reply)} characters, not {REPLY_LENGTH[0]}–{REPLY_LENGTH[1]}")
    if errors:
        return None, errors
    customer = "\n".join(t.text for t in parsed if t.role == "customer")
    for span in row["evidence"]:
        if span not in customer:
            errors.append(f"evidence {span!r} does not occur in the customer's turns")
    if row["sentiment"] == "negative" and not row["evidence"]:
        errors.append("a negative ticket needs evidence (the phrases that carry the negativity)")
    if row["intent"] == "complaint" and not row["evidence"]:
        errors.append("a complaint needs its escalation phrase as evidence")
    if kb_ids is not None:
        errors.extend(f"kb id {k!r} is not in the knowledge base" for k in row["kb"] if k not in kb_ids)
    if errors:
        return None, errors
    ticket = CorpusTicket(
        id=row["id"].strip(),
        turns=tuple(parsed),
        style=row["style"],
        intent=row["intent"],
        sentiment=row["sentiment"],
        evidence=tuple(row["evidence"]),
        kb=tuple(row["kb"]),
        reply=reply,
        order_id=row.get("order_id"),
        product=row.get("product"),
        source=where,
        train_only=row.get("split") == "train",
    )
    return ticket, []


@dataclass
class CheckResult:
    tickets: list[CorpusTicket] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def check_corpus(folder: Path = CORPUS_DIR, kb_ids: set[str] | None = None) -> CheckResult:
    """Every line of every ``*.jsonl`` in ``folder``: the good tickets and each bad line's reasons."""
    result = CheckResult()
    seen: dict[str, str] = {}
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        result.problems.append(Problem(str(folder), "no *.jsonl files"))
    for path in files:
        for number, raw in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if not raw.strip():
                continue
            where = f"{path.name}:{number}"
            ticket, errors = parse_line(raw, where, kb_ids)
            result.problems.extend(Problem(where, message) for message in errors)
            if ticket is None:
                continue
            if ticket.id in seen:
                result.problems.append(Problem(where, f"id {ticket.id!r} already used at {seen[ticket.id]}"))
                continue
            seen[ticket.id] = where
            result.tickets.append(ticket)
    return result


def load_corpus(folder: Path = CORPUS_DIR, kb_ids: set[str] | None = None) -> list[CorpusTicket]:
    """The whole corpus; refuses to train on a corpus with a bad line (``corpus check`` names it)."""
    result = check_corpus(folder, kb_ids)
    if result.problems:
        shown = "; ".join(map(str, result.problems[:5]))
        raise CorpusError(f"{len(result.problems)} problem(s) in {folder}: {shown} (run `aftersales corpus check`)")
    return result.tickets


def _grams(text: str) -> set[str]:
    text = "".join(text.split())
    return {text[i : i + 3] for i in range(max(1, len(text) - 2))}


def near_duplicates(texts: Sequence[str], threshold: float = NEAR_DUPLICATE_JACCARD) -> list[tuple[int, int, float]]:
    """Pairs (i, j, jaccard) of texts whose character 3-gram Jaccard is at least ``threshold``.

    An inverted index over the 3-grams finds candidate pairs without comparing all n² pairs.
    """
    grams = [_grams(t) for t in texts]
    postings: dict[str, list[int]] = defaultdict(list)
    for index, doc in enumerate(grams):
        for gram in doc:
            postings[gram].append(index)
    pairs = []
    for i, doc in enumerate(grams):
        shared: Counter[int] = Counter()
        for gram in doc:
            for j in postings[gram]:
                if j > i:
                    shared[j] += 1
        for j, common in shared.items():
            # Jaccard ≥ t needs common ≥ t·|a ∪ b| ≥ t·max(|a|, |b|)
            if common < threshold * max(len(doc), len(grams[j])):
                continue
            jaccard = common / (len(doc) + len(grams[j]) - common)
            if jaccard >= threshold:
                pairs.append((i, j, round(jaccard, 3)))
    return pairs


@dataclass
class CorpusStats:
    tickets: int
    cells: dict[tuple[str, str], int]
    styles: dict[str, int]
    splits: dict[str, int]
    split_by_intent: dict[str, dict[str, int]]
    multi_turn: int
    median_customer_chars: float
    median_reply_chars: float
    kb_referenced: dict[str, int]
    kb_unreferenced: list[str]
    unknown_kb: list[str]
    duplicates: list[tuple[str, str, float]]
    failures: list[str]


def _median(values: Sequence[int]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def corpus_stats(tickets: Sequence[CorpusTicket], kb_ids: Iterable[str]) -> CorpusStats:
    """The coverage table and every minimum the corpus misses (``failures``)."""
    known = set(kb_ids)
    cells = Counter((t.intent, t.sentiment) for t in tickets)
    styles = Counter(t.style for t in tickets)
    referenced = Counter(k for t in tickets for k in t.kb)
    split_by_intent: dict[str, dict[str, int]] = {i: {"train": 0, "dev": 0, "test": 0} for i in INTENTS}
    for t in tickets:
        split_by_intent[t.intent][t.split] += 1
    pairs = near_duplicates([t.customer_text for t in tickets])
    duplicates = [(tickets[i].id, tickets[j].id, score) for i, j, score in pairs]
    failures = []
    for intent in INTENTS:
        for sentiment in SENTIMENTS:
            minimum = SMALL_CELLS.get((intent, sentiment), CELL_MINIMUM)
            if cells[(intent, sentiment)] < minimum:
                failures.append(f"cell {intent} × {sentiment} has {cells[(intent, sentiment)]} tickets (< {minimum})")
    for style in STYLES:
        if styles[style] < STYLE_MINIMUM:
            failures.append(f"style {style} has {styles[style]} tickets (< {STYLE_MINIMUM})")
    multi = sum(t.multi_turn for t in tickets)
    if tickets and multi / len(tickets) < MULTI_TURN_MINIMUM:
        failures.append(f"multi-turn share {multi / len(tickets):.0%} (< {MULTI_TURN_MINIMUM:.0%})")
    unknown = sorted(set(referenced) - known)
    failures.extend(f"kb id {k!r} is referenced but not in the knowledge base" for k in unknown)
    failures.extend(f"near-duplicate tickets {a} and {b} (3-gram Jaccard {s})" for a, b, s in duplicates)
    return CorpusStats(
        tickets=len(tickets),
        cells=dict(cells),
        styles=dict(styles),
        splits=dict(Counter(t.split for t in tickets)),
        split_by_intent=split_by_intent,
        multi_turn=multi,
        median_customer_chars=_median([len(t.customer_text) for t in tickets]),
        median_reply_chars=_median([len(t.reply) for t in tickets]),
        kb_referenced=dict(referenced),
        kb_unreferenced=sorted(known - set(referenced)),
        unknown_kb=unknown,
        duplicates=duplicates,
        failures=failures,
    )


def format_stats(stats: CorpusStats) -> str:
    """The coverage table as an agent-readable text block."""
    sentiments = list(SENTIMENTS)
    lines = [f"{stats.tickets} tickets", "", f"{'intent':<22}" + "".join(f"{s:>10}" for s in sentiments) + f"{'total':>8}"]
    for intent in INTENTS:
        row = [stats.cells.get((intent, s), 0) for s in sentiments]
        lines.append(f"{intent:<22}" + "".join(f"{n:>10}" for n in row) + f"{sum(row):>8}")
    lines += ["", "styles: " + ", ".join(f"{s} {stats.styles.get(s, 0)}" for s in STYLES)]
    share = stats.multi_turn / stats.tickets if stats.tickets else 0.0
    lines.append(f"multi-turn: {stats.multi_turn} ({share:.0%})")
    lines.append(
        f"median characters: customer {stats.median_customer_chars:.0f}, reply {stats.median_reply_chars:.0f}"
    )
    lines.append("splits: " + ", ".join(f"{k} {stats.splits.get(k, 0)}" for k in ("train", "dev", "test")))
    lines.append(
        f"KB entries referenced: {len(stats.kb_referenced)}; never referenced: "
        + (", ".join(stats.kb_unreferenced) or "none")
    )
    lines.append(f"near-duplicates (3-gram Jaccard ≥ {NEAR_DUPLICATE_JACCARD}): {len(stats.duplicates)}")
    if stats.failures:
        lines += ["", "BELOW MINIMUM:"] + [f"  {failure}" for failure in stats.failures]
    return "\n".join(lines)
