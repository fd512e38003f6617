"""Reading the corpora of ``shared/data`` (see its SOURCES.md) into labelled examples.

Splits that are evaluated on are never trained on: the tickets keep their own
train/dev/test split; the sessions of dev/test tickets are kept out of pretraining; the
online_shopping reviews get a held-out split (stratified by category, fixed seed) here.
"""

from __future__ import annotations

import csv
import json
import os
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop_app.config import RESOURCES_DIR
from desktop_app.nlp.text import clean_text

DATA_ENV_VAR = "AFTERSALES_DATA"
HELDOUT_FRACTION = 0.1
SPLIT_SEED = 20261129
SENTIMENTS = ("negative", "neutral", "positive")


class DataMissingError(FileNotFoundError):
    pass


def resolve_data_dir(value: str | Path | None) -> Path:
    """``--data``, else ``$AFTERSALES_DATA``, else ``../shared/data`` beside the repository."""
    candidate = Path(value or os.environ.get(DATA_ENV_VAR) or RESOURCES_DIR.parent.parent / "shared" / "data")
    if not (candidate / "tickets" / "tickets.jsonl").is_file():
        raise DataMissingError(
            f"no corpora at {candidate} (expected tickets/tickets.jsonl); pass --data DIR or set ${DATA_ENV_VAR}"
        )
    return candidate


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str | None = None  # None: the example trains the sentiment head only
    sentiment: str | None = None  # negative / neutral / positive
    binary: bool = False  # sentiment known only as positive vs negative (reviews)
    source: str = ""


@dataclass(frozen=True, slots=True)
class Ticket:
    id: str
    session: str
    text: str
    intent: str
    sentiment: str
    split: str
    confidence: str

    def example(self) -> Example:
        return Example(clean_text(self.text), self.intent, self.sentiment, source="tickets")


def load_tickets(data: Path) -> list[Ticket]:
    with (data / "tickets" / "tickets.jsonl").open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [
        Ticket(r["id"], r["session"], r["text"], r["intent"], r["sentiment"], r["split"], r.get("confidence", ""))
        for r in rows
    ]


def load_handwritten() -> list[Example]:
    """Our own examples (resources/training, resources/demo): other platforms' styles, rare classes."""
    examples = []
    path = RESOURCES_DIR / "training" / "handwritten_tickets.jsonl"
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                examples.append(Example(clean_text(row["text"]), row["intent"], row["sentiment"], source="handwritten"))
    demo = RESOURCES_DIR / "demo" / "demo_tickets.jsonl"
    for line in demo.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            text = "\n".join(m["text"] for m in row["messages"] if m["role"] == "customer")
            examples.append(Example(clean_text(text), row["expected_intent"], row["expected_sentiment"], source="demo"))
    return examples


@dataclass(frozen=True, slots=True)
class ReviewSplits:
    shopping_train: list[Example]
    shopping_heldout: list[Example]
    waimai: list[Example]
    eprstmt_train: list[Example]
    eprstmt_test: list[Example]
    eprstmt_unlabeled: list[str]


def _review(text: str, positive: bool, source: str) -> Example:
    return Example(clean_text(text), None, "positive" if positive else "negative", binary=True, source=source)


def load_reviews(data: Path) -> ReviewSplits:
    by_category: dict[str, list[Example]] = defaultdict(list)
    with (data / "reviews" / "online_shopping_10_cats.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            text = (row.get("review") or "").replace("\ufeff", "").strip()
            if text:
                by_category[row["cat"]].append(_review(text, row["label"] == "1", "online_shopping"))
    rng = random.Random(SPLIT_SEED)
    train, heldout = [], []
    for category in sorted(by_category):
        rows = by_category[category]
        rng.shuffle(rows)
        cut = round(len(rows) * HELDOUT_FRACTION)
        heldout.extend(rows[:cut])
        train.extend(rows[cut:])
    heldout_texts = {e.text for e in heldout}
    train = [e for e in train if e.text not in heldout_texts]  # duplicate reviews stay on one side
    waimai = []
    with (data / "reviews" / "waimai_10k.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if (row.get("review") or "").strip():
                waimai.append(_review(row["review"], row["label"] == "1", "waimai"))

    def eprstmt(name: str) -> list[Example]:
        rows = [json.loads(x) for x in (data / "reviews" / "eprstmt" / name).read_text("utf-8").splitlines() if x]
        return [_review(r["sentence"], r["label"] == "Positive", "eprstmt") for r in rows]

    test = eprstmt("test_public.json")
    # unlabeled.json repeats some test_public sentences: those never reach pretraining.
    test_texts = {e.text for e in test}
    unlabeled = [
        text
        for x in (data / "reviews" / "eprstmt" / "unlabeled.json").read_text("utf-8").splitlines()
        if x and (text := clean_text(json.loads(x)["sentence"])) not in test_texts
    ]
    training = [e for e in eprstmt("train_few_all.json") + eprstmt("dev_few_all.json") if e.text not in test_texts]
    return ReviewSplits(train, heldout, waimai, training, test, unlabeled)


def _jddc_sessions(data: Path) -> dict[str, list[tuple[bool, str]]]:
    sessions: dict[str, list[tuple[bool, str]]] = defaultdict(list)
    with (data / "dialogues" / "jddc2019" / "chat_0.1per.txt").open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 7:
                sessions[parts[0]].append((parts[2] == "1", parts[6]))
    return sessions


def dialogue_contexts(data: Path, excluded_sessions: set[str]) -> Iterator[str]:
    """Customer-side text of JDDC contexts and sessions (for pretraining and weak labels)."""
    for name in ("data_train.enc",):
        for line in (data / "dialogues" / "jddc_pairs" / name).read_text("utf-8").splitlines():
            if line.strip():
                yield clean_text(line.replace(",", "，"))
    for session, turns in _jddc_sessions(data).items():
        if session not in excluded_sessions:
            yield clean_text("\n".join(text for _agent, text in turns))
    csds = (data / "dialogues" / "csds" / "final_ext_gold_refs.txt").read_text("utf-8").splitlines()
    for index, line in enumerate(csds):
        if f"csds-{index}" not in excluded_sessions and line.strip():
            yield clean_text(line.replace("用户:", "\n").replace("客服:", "\n"))


def pretraining_texts(data: Path, tickets: list[Ticket], reviews: ReviewSplits) -> list[str]:
    """All text the encoder may read unlabelled: no dev/test sessions, no held-out reviews."""
    excluded = {t.session for t in tickets if t.split != "train"}
    texts = list(dialogue_contexts(data, excluded))
    for line in (data / "dialogues" / "jddc_pairs" / "data_train.dec").read_text("utf-8").splitlines():
        if line.strip():
            texts.append(clean_text(line))
    texts.extend(e.text for e in reviews.shopping_train + reviews.waimai + reviews.eprstmt_train)
    texts.extend(reviews.eprstmt_unlabeled)
    texts.extend(clean_text(t.text) for t in tickets if t.split == "train")
    return [t for t in texts if t]
