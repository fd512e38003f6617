"""Training the knowledge-base ranker (``models/retriever``) on the corpus' gold ``kb`` ids.

One-vs-rest logistic regression over the same character n-gram TF-IDF the runtime computes
(:mod:`desktop_app.nlp.drafting.retrieval`), plus the ticket's intent as one-hot features
(exported as a per-intent prior). Each KB entry's own title, keywords and text are added
as examples of itself, so an entry no ticket mentions is still findable.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

from desktop_app.domain.vocabulary import INTENTS
from desktop_app.nlp.drafting.knowledge_base import KnowledgeBase
from desktop_app.nlp.char_tfidf import analyzer as _analyzer
from desktop_app.nlp.drafting.retrieval import KbRanker, Retriever, recall_at, write_ranker
from desktop_app.training.common.corpus import CorpusTicket

log = logging.getLogger(__name__)


def train_ranker(tickets: Sequence[CorpusTicket], kb: KnowledgeBase, c: float = 8.0) -> KbRanker:
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    entry_ids = [e.id for e in kb.entries]
    column = {e: i for i, e in enumerate(entry_ids)}
    texts, labels, intents = [], [], []
    for ticket in tickets:
        texts.append(ticket.customer_text)
        labels.append([column[k] for k in ticket.kb if k in column])
        intents.append(ticket.intent)
    for entry in kb.entries:  # every entry is an example of itself
        texts.append(" ".join((entry.title, *entry.keywords, entry.text)))
        labels.append([column[entry.id]])
        intents.append(entry.intents[0] if entry.intents else "other")
    vectorizer = TfidfVectorizer(analyzer=_analyzer, sublinear_tf=True, min_df=2, norm="l2")
    features = vectorizer.fit_transform(texts)
    intent_list = list(INTENTS)
    onehot = csr_matrix(
        (np.ones(len(intents)), (np.arange(len(intents)), [intent_list.index(i) for i in intents])),
        shape=(len(intents), len(intent_list)),
    )
    design = hstack([features, onehot]).tocsr()
    n_features = features.shape[1]
    weights = np.zeros((n_features, len(entry_ids)), dtype=np.float32)
    prior = np.zeros((len(intent_list), len(entry_ids)), dtype=np.float32)
    bias = np.full(len(entry_ids), -8.0, dtype=np.float32)
    for j in range(len(entry_ids)):
        target = np.array([j in row for row in labels], dtype=int)
        if target.sum() == 0:
            continue
        model = LogisticRegression(C=c, max_iter=1000, class_weight="balanced")
        model.fit(design, target)
        weights[:, j] = model.coef_[0, :n_features]
        prior[:, j] = model.coef_[0, n_features:]
        bias[j] = model.intercept_[0]
    grams = vectorizer.get_feature_names_out()
    return KbRanker(
        vocabulary={str(g): i for i, g in enumerate(grams)},
        idf=vectorizer.idf_.astype(np.float32),
        weights=weights,
        bias=bias,
        entry_ids=tuple(entry_ids),
        intent_prior={intent: prior[row] for row, intent in enumerate(intent_list)},
    )


def evaluate_retrieval(retriever: Retriever, tickets: Sequence[CorpusTicket], k: int = 3) -> dict[str, float]:
    hits = [[h.entry.id for h in retriever.search(t.customer_text, intent=t.intent, limit=k)] for t in tickets]
    return recall_at(hits, [t.kb for t in tickets], k)


def save_ranker(ranker: KbRanker, folder: Path, metrics: dict) -> None:
    grams = sorted(ranker.vocabulary, key=ranker.vocabulary.__getitem__)
    intents = list(ranker.intent_prior)
    write_ranker(
        folder,
        {
            "grams": np.asarray(grams),
            "idf": ranker.idf,
            "weights": ranker.weights.astype(np.float16),
            "bias": ranker.bias,
            "entries": np.asarray(ranker.entry_ids),
            "prior": np.stack([ranker.intent_prior[i] for i in intents]),
            "prior_intents": np.asarray(intents),
        },
        {
            "name": "aftersales-kb-ranker",
            "version": date.today().strftime("%Y.%m.%d"),
            "trained_on": "resources/corpus train split (gold kb ids) and the KB entries themselves",
            "features": "character 1-3-gram TF-IDF (sublinear, l2) + intent one-hot",
            "entries": list(ranker.entry_ids),
            "metrics": metrics,
        },
    )
