"""The one drafting pipeline's plan (``nlp.drafting.pipeline.plan_draft``): tags, scores, entries."""

from __future__ import annotations

from collections.abc import Mapping

from desktop_app.config import RESOURCES_DIR
from desktop_app.nlp.drafting.knowledge_base import KbHit, KnowledgeBase
from desktop_app.nlp.drafting.pipeline import UPSET_NEGATIVE_SCORE, TicketView, plan_draft, prompt_sentiment
from desktop_app.nlp.drafting.prompt import Turn
from desktop_app.nlp.drafting.retrieval import Retriever

KB = KnowledgeBase.load(RESOURCES_DIR / "kb")
TAGGER_INTENTS = {"exchange": 0.55, "repair_warranty": 0.4, "other": 0.05}


class RecordingRetriever(Retriever):
    """The shipped KB without a ranker; remembers the intent scores each search was given."""

    def __init__(self) -> None:
        super().__init__(KB)
        self.given: list[Mapping[str, float] | None] = []

    def search(
        self, text: str, intent: str | None = None, limit: int = 3, intent_scores: Mapping[str, float] | None = None
    ) -> list[KbHit]:
        self.given.append(intent_scores)
        return super().search(text, intent=intent, limit=limit)


def _view(**fields: object) -> TicketView:
    turns = (Turn("customer", "上个月买的手机，充电口接触不良，想换台新的"),)
    return TicketView(turns=turns, **fields)  # type: ignore[arg-type]


def test_a_likely_upset_customer_is_drafted_for_as_one() -> None:
    calm = {"neutral": 0.6, "negative": UPSET_NEGATIVE_SCORE + 0.05, "positive": 0.05}
    assert prompt_sentiment("neutral", calm) == "negative"
    assert prompt_sentiment("neutral", {"neutral": 0.8, "negative": 0.15, "positive": 0.05}) == "neutral"
    assert prompt_sentiment("positive", {"positive": 0.5, "negative": 0.1, "neutral": 0.4}) == "positive"
    # A sentiment a person set (not the tagger's top one) is theirs; no scores, no change.
    assert prompt_sentiment("neutral", {"negative": 0.7, "neutral": 0.3}) == "neutral"
    assert prompt_sentiment("neutral", None) == "neutral" and prompt_sentiment(None, calm) is None
    plan = plan_draft(_view(intent="exchange", sentiment="neutral", sentiment_scores=calm), Retriever(KB))
    assert plan.request.sentiment == "negative"


def test_retrieval_gets_the_tagger_scores_only_while_its_top_intent_stands() -> None:
    retriever = RecordingRetriever()
    plan_draft(_view(intent="exchange", intent_scores=TAGGER_INTENTS), retriever)
    plan_draft(_view(intent="repair_warranty", intent_scores=TAGGER_INTENTS), retriever)  # an agent's correction
    plan_draft(_view(intent="exchange"), retriever)
    assert retriever.given == [TAGGER_INTENTS, None, None]


def test_the_plan_carries_each_entry_with_its_condition() -> None:
    plan = plan_draft(_view(intent="exchange"), Retriever(KB))
    assert plan.request.kb_ids and len(plan.request.kb_conditions) == len(plan.request.kb_ids)
    for entry_id, condition in zip(plan.request.kb_ids, plan.request.kb_conditions, strict=True):
        assert condition == KB.get(entry_id).applies_when  # type: ignore[union-attr]
