"""TagRepository: the untagged work list, storing tags without a version bump, corrections."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from desktop_app.domain.vocabulary import FlagRule
from desktop_app.store.database import Database
from desktop_app.domain.records import TicketTagging
from desktop_app.store.schema import Feedback, Ticket, TicketTag
from desktop_app.store.tags import TagRepository
from desktop_app.store.tickets import StaleTicketError, TicketNotFound, TicketRepository

BASE_TIME = datetime(2024, 5, 1, 8, 0, 0)
RULE = FlagRule(0.6, ("complaint",))
INTENT_SCORES = {"logistics": 0.7, "complaint": 0.2, "other": 0.1}
SENTIMENT_SCORES = {"negative": 0.3, "neutral": 0.6, "positive": 0.1}


def tagging(ticket_id: int, **changes: object) -> TicketTagging:
    values: dict[str, object] = {
        "ticket_id": ticket_id,
        "intent_scores": INTENT_SCORES,
        "sentiment_scores": SENTIMENT_SCORES,
        "flagged": False,
        "flag_reasons": [],
    }
    values.update(changes)
    return TicketTagging(**values)  # type: ignore[arg-type]


def _detail(db: Database, ticket_id: int):  # type: ignore[no-untyped-def]
    with db.session() as session:
        return TicketRepository(session).detail(ticket_id)


def _save(db: Database, *taggings: TicketTagging, retag: bool = False) -> list[int]:
    with db.session() as session:
        return TagRepository(session).save_taggings(list(taggings), "toy 1", RULE, retag=retag)


def test_untagged_ids_oldest_first_with_limit(db, add_tickets, make_ticket) -> None:
    ids = add_tickets(
        [make_ticket(n, created_at=BASE_TIME + timedelta(hours=10 - n)) for n in range(1, 6)]
    )  # T-00005 is the oldest
    with db.session() as session:
        assert TagRepository(session).untagged_ids(3) == [ids["T-00005"], ids["T-00004"], ids["T-00003"]]
    _save(db, tagging(ids["T-00004"]))
    with db.session() as session:
        assert TagRepository(session).untagged_ids(3) == [ids["T-00005"], ids["T-00003"], ids["T-00002"]]
        assert TagRepository(session).texts([ids["T-00001"]]) == {ids["T-00001"]: "工单 1 的问题"}


def test_saving_tags_does_not_bump_the_version(db, add_tickets, make_ticket) -> None:
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    before = _detail(db, ticket_id)
    assert _save(db, tagging(ticket_id)) == [ticket_id]
    after = _detail(db, ticket_id)
    assert (after.version, after.updated_at) == (before.version, before.updated_at)
    assert (after.intent, after.intent_score) == ("logistics", 0.7)
    assert (after.sentiment, after.sentiment_score) == ("neutral", 0.6)
    assert after.intent_scores == INTENT_SCORES
    assert after.sentiment_scores == SENTIMENT_SCORES
    assert after.flagged is False and after.flag_reasons == []
    assert after.tagged_at is not None
    with db.session() as session:
        stored = session.get(Ticket, ticket_id).tag_scores
        rows = session.execute(select(TicketTag.task, TicketTag.label, TicketTag.score, TicketTag.model)).all()
    assert stored["flag"] == {"negative_threshold": 0.6, "intents": ["complaint"]}
    assert sorted(rows) == [("intent", "logistics", 0.7, "toy 1"), ("sentiment", "neutral", 0.6, "toy 1")]


def test_flag_and_reasons_are_stored(db, add_tickets, make_ticket) -> None:
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    reasons = ["负面情绪 0.93", "触发词：「差评」"]
    _save(db, tagging(ticket_id, sentiment_scores={"negative": 0.93, "neutral": 0.05, "positive": 0.02},
                      flagged=True, flag_reasons=reasons))  # fmt: skip
    detail = _detail(db, ticket_id)
    assert detail.flagged and detail.flag_reasons == reasons


def test_already_tagged_tickets_are_skipped_unless_retagging(db, add_tickets, make_ticket, count_rows) -> None:
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    _save(db, tagging(ticket_id))
    other = {"logistics": 0.1, "complaint": 0.8, "other": 0.1}
    assert _save(db, tagging(ticket_id, intent_scores=other)) == []
    assert _detail(db, ticket_id).intent == "logistics"
    assert _save(db, tagging(ticket_id, intent_scores=other), retag=True) == [ticket_id]
    assert _detail(db, ticket_id).intent == "complaint"
    assert count_rows(db, TicketTag) == 4


def test_a_ticket_edited_meanwhile_is_left_for_the_next_pass(db, add_tickets, make_ticket) -> None:
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    with db.session() as session:
        repo = TagRepository(session)
        original = repo.session.execute
        calls = []

        def edit_in_between(statement, *args, **kwargs):  # type: ignore[no-untyped-def]
            if getattr(statement, "is_update", False) and not calls:
                calls.append(1)  # someone sends a reply between the tagger's read and write
                original(Ticket.__table__.update().where(Ticket.id == ticket_id).values(version=Ticket.version + 1))
            return original(statement, *args, **kwargs)

        repo.session.execute = edit_in_between  # type: ignore[method-assign]
        assert repo.save_taggings([tagging(ticket_id)], "toy 1", RULE) == []
    assert _detail(db, ticket_id).tagged_at is None
    assert _save(db, tagging(ticket_id)) == [ticket_id]


def test_correction_is_versioned_and_kept_as_feedback(db, add_tickets, make_ticket) -> None:
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    _save(db, tagging(ticket_id))
    with db.session() as session:
        version = TagRepository(session).correct(ticket_id, "intent", "complaint", "客服小美", 1)
    assert version == 2
    detail = _detail(db, ticket_id)
    assert (detail.intent, detail.intent_score, detail.version) == ("complaint", None, 2)
    assert detail.intent_by_agent
    assert detail.intent_scores == INTENT_SCORES  # the model's view stays beside the agent's label
    assert detail.flagged and detail.flag_reasons == ["投诉意图（坐席标注）"]
    with db.session() as session:
        feedback = session.execute(
            select(Feedback.task, Feedback.model_label, Feedback.corrected_label, Feedback.author)
        ).all()
    assert feedback == [("intent", "logistics", "complaint", "客服小美")]


def test_correction_with_a_stale_version_fails_and_writes_nothing(db, add_tickets, make_ticket, count_rows) -> None:
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    with pytest.raises(StaleTicketError):
        with db.session() as session:
            TagRepository(session).correct(ticket_id, "sentiment", "negative", "客服小美", 7)
    assert count_rows(db, Feedback) == 0
    with pytest.raises(TicketNotFound):
        with db.session() as session:
            TagRepository(session).correct(9999, "sentiment", "negative", "客服小美", 1)
    with pytest.raises(ValueError, match="unknown intent"):
        with db.session() as session:
            TagRepository(session).correct(ticket_id, "intent", "angry", "客服小美", 1)
    with pytest.raises(ValueError, match="unknown task"):
        with db.session() as session:
            TagRepository(session).correct(ticket_id, "urgency", "high", "客服小美", 1)


def test_correction_recomputes_the_flag_with_the_stored_threshold(db, add_tickets, make_ticket) -> None:
    ids = add_tickets([make_ticket(1), make_ticket(2)])
    negative = {"negative": 0.65, "neutral": 0.3, "positive": 0.05}  # over 0.6: flagged by sentiment
    complaint = {"logistics": 0.1, "complaint": 0.8, "other": 0.1}
    reasons = ["负面情绪 0.65", "投诉意图 0.80", "触发词：「投诉」"]
    _save(db, tagging(ids["T-00001"], intent_scores=complaint, sentiment_scores=negative, flagged=True,
                      flag_reasons=reasons))  # fmt: skip
    with db.session() as session:
        TagRepository(session).correct(ids["T-00001"], "intent", "logistics", "客服小美", 1)
    detail = _detail(db, ids["T-00001"])
    assert detail.flagged  # still negative at 0.65 >= the stored 0.6
    assert detail.flag_reasons == ["负面情绪 0.65", "触发词：「投诉」"]
    with db.session() as session:
        TagRepository(session).correct(ids["T-00001"], "sentiment", "neutral", "客服小美", 2)
    detail = _detail(db, ids["T-00001"])
    assert not detail.flagged and detail.flag_reasons == []
    assert (detail.sentiment, detail.sentiment_score) == ("neutral", None)

    # An untagged ticket an agent calls negative is flagged at once.
    with db.session() as session:
        TagRepository(session).correct(ids["T-00002"], "sentiment", "negative", "客服阿杰", 1)
    detail = _detail(db, ids["T-00002"])
    assert detail.flagged and detail.flag_reasons == ["负面情绪（坐席标注）"]
    assert detail.tagged_at is None  # the tagger still fills in the intent later


def test_tagging_keeps_an_agents_label(db, add_tickets, make_ticket) -> None:
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    with db.session() as session:
        TagRepository(session).correct(ticket_id, "sentiment", "negative", "客服阿杰", 1)
    assert _save(db, tagging(ticket_id)) == [ticket_id]
    detail = _detail(db, ticket_id)
    assert (detail.intent, detail.sentiment, detail.sentiment_score) == ("logistics", "negative", None)
    assert detail.sentiment_scores == SENTIMENT_SCORES
    assert detail.flagged and detail.flag_reasons == ["负面情绪（坐席标注）"]
    assert _save(db, tagging(ticket_id), retag=True) == [ticket_id]
    assert _detail(db, ticket_id).sentiment == "negative"


def test_trigger_reason_replaces_old_words_and_refuses_a_changed_ticket(db, add_tickets, make_ticket) -> None:
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    _save(db, tagging(ticket_id, flagged=True, flag_reasons=["负面情绪 0.80", "触发词：「旧」"]))
    ticket = _detail(db, ticket_id)
    with db.session() as session:
        repo = TagRepository(session)
        assert repo.store_trigger_reason(ticket_id, "触发词：「差评」", ticket.version + 1, ticket.tagged_at) is None
        assert repo.store_trigger_reason(ticket_id, "触发词：「差评」", ticket.version, None) is None  # re-tagged
        stored = repo.store_trigger_reason(ticket_id, "触发词：「差评」", ticket.version, ticket.tagged_at)
    assert stored == ["负面情绪 0.80", "触发词：「差评」"]
    after = _detail(db, ticket_id)
    assert after.flag_reasons == stored and (after.version, after.updated_at) == (ticket.version, ticket.updated_at)
    _save(db, tagging(ticket_id), retag=True)  # no longer flagged
    retagged_at = _detail(db, ticket_id).tagged_at
    with db.session() as session:
        assert TagRepository(session).store_trigger_reason(ticket_id, "触发词：「差评」", 1, retagged_at) is None


def test_marking_for_retagging_keeps_agent_labels_and_drops_trigger_words(db, add_tickets, make_ticket) -> None:
    ids = add_tickets([make_ticket(1), make_ticket(2)])
    first, second = ids["T-00001"], ids["T-00002"]
    _save(
        db,
        tagging(first, flagged=True, flag_reasons=["负面情绪 0.80", "触发词：「差评」"]),
        tagging(second),
    )
    with db.session() as session:
        TagRepository(session).correct(first, "intent", "complaint", "客服小美", expected_version=1)
        TagRepository(session).mark_for_retagging([first])
        assert TagRepository(session).untagged_ids(10) == [first]
    marked = _detail(db, first)
    assert marked.tagged_at is None and marked.intent == "complaint" and marked.intent_by_agent
    assert marked.flagged and not any(r.startswith("触发词：") for r in marked.flag_reasons)
    assert _detail(db, second).tagged_at is not None
    # The next tagging writes the model's sentiment but keeps the agent's intent.
    assert _save(db, tagging(first, flagged=False)) == [first]
    retagged = _detail(db, first)
    assert retagged.intent == "complaint" and retagged.intent_score is None and retagged.tagged_at is not None
    assert retagged.flagged and "投诉意图（坐席标注）" in retagged.flag_reasons
