"""The corpus' second pass: a blind sample for an independent annotator, and the agreement.

The sample leaves the labels out (the annotator re-labels what they read); the replies are
judged with ``shared/RUBRIC.md`` against the listed KB entries. Agreement is Cohen's κ.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from desktop_app.nlp.drafting.knowledge_base import KnowledgeBase
from desktop_app.training.common.corpus import CorpusTicket

VERDICTS = ("send", "light", "rewrite", "harmful")


def opaque_id(ticket_id: str) -> str:
    """A sample id that does not give the label away (corpus ids carry an intent prefix)."""
    return "R-" + hashlib.sha1(ticket_id.encode("utf-8")).hexdigest()[:10]


def blind_sample(tickets: Sequence[CorpusTicket], kb: KnowledgeBase, share: float = 0.1, seed: int = 7) -> list[dict]:
    """A random ``share`` of the tickets without their labels, with the KB text the reply used.

    Ids are replaced by :func:`opaque_id`; :func:`review_summary` maps them back.
    """
    chosen = random.Random(seed).sample(list(tickets), max(1, round(len(tickets) * share)))
    rows = []
    for ticket in sorted(chosen, key=lambda t: opaque_id(t.id)):
        entries = [kb.get(i) for i in ticket.kb]
        rows.append(
            {
                "id": opaque_id(ticket.id),
                "style": ticket.style,
                "turns": [{"role": t.role, "text": t.text} for t in ticket.turns],
                "kb": [{"id": e.id, "text": e.text, "never_promise": list(e.never_promise)} for e in entries if e],
                "reply": ticket.reply,
            }
        )
    return rows


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float:
    n = len(first)
    if n == 0:
        return 0.0
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    ca, cb = Counter(first), Counter(second)
    expected = sum(ca[label] * cb[label] for label in set(ca) | set(cb)) / (n * n)
    return round((observed - expected) / (1 - expected), 4) if expected < 1 else 1.0


def review_summary(tickets: Sequence[CorpusTicket], review: Path) -> dict:
    """Agreement of the second annotator with the corpus labels, and their reply verdicts."""
    by_id = {t.id: t for t in tickets}
    by_id.update({opaque_id(t.id): t for t in tickets})
    rows = [json.loads(line) for line in review.read_text("utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r.get("id") in by_id]
    gold_intent = [by_id[r["id"]].intent for r in rows]
    gold_sentiment = [by_id[r["id"]].sentiment for r in rows]
    verdicts = Counter(r.get("reply_verdict") for r in rows)
    n = max(len(rows), 1)
    disagreements = [
        {"id": r["id"], "corpus": [by_id[r["id"]].intent, by_id[r["id"]].sentiment], "second": [r["intent"], r["sentiment"]]}
        for r in rows
        if (r["intent"], r["sentiment"]) != (by_id[r["id"]].intent, by_id[r["id"]].sentiment)
    ]
    return {
        "reviewed": len(rows),
        "intent_agreement": round(sum(a == r["intent"] for a, r in zip(gold_intent, rows, strict=True)) / n, 4),
        "intent_kappa": cohen_kappa(gold_intent, [r["intent"] for r in rows]),
        "sentiment_agreement": round(
            sum(a == r["sentiment"] for a, r in zip(gold_sentiment, rows, strict=True)) / n, 4
        ),
        "sentiment_kappa": cohen_kappa(gold_sentiment, [r["sentiment"] for r in rows]),
        "reply_verdicts": {v: verdicts.get(v, 0) for v in VERDICTS},
        "reply_send_share": round(verdicts.get("send", 0) / n, 4),
        "reply_send_or_light_share": round((verdicts.get("send", 0) + verdicts.get("light", 0)) / n, 4),
        "disagreements": disagreements,
    }
