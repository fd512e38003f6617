"""TaggingService with the toy ONNX tagger: batches, no version bumps, corrections."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.config import MODELS_DIR, TAGGER_MODEL_ENV_VAR
from desktop_app.nlp.tagging.tagger import TicketTagger
from desktop_app.services.tagging import (
    ModelFolderError,
    TaggerUnavailable,
    TaggingService,
    default_tagger_folder,
    load_tagger,
)
from desktop_app.services.tickets import StaleTicketError, TicketService
from desktop_app.store.schema import Feedback, TicketTag

TEXTS = ["你们态度太差了我要投诉", "我的快递什么时候到", "谢谢，太棒了", "垃圾，气死了", "发票开错了"]


@pytest.fixture
def tickets(add_tickets, make_ticket) -> dict[str, int]:
    return add_tickets([make_ticket(n, text=text) for n, text in enumerate(TEXTS, start=1)])


def test_tag_untagged_tags_everything_in_batches(db, toy_tagger: TicketTagger, tickets, count_rows) -> None:
    service = TaggingService(db, toy_tagger)
    batches: list[list[int]] = []
    assert service.tag_untagged(batch_size=2, on_batch=batches.append) == 5
    assert [len(b) for b in batches] == [2, 2, 1]
    assert sorted(sum(batches, [])) == sorted(tickets.values())
    assert count_rows(db, TicketTag) == 10
    opened = {tid: TicketService(db).open(tid, "客服小美").ticket for tid in tickets.values()}
    complaint = opened[tickets["T-00001"]]
    assert (complaint.intent, complaint.flagged) == ("complaint", True)
    assert complaint.flag_reasons[0].startswith("负面情绪") or complaint.flag_reasons[0].startswith("投诉意图")
    assert not any(r.startswith("触发词：") for r in complaint.flag_reasons)  # computed when someone looks
    assert opened[tickets["T-00002"]].intent == "logistics" and not opened[tickets["T-00002"]].flagged
    assert opened[tickets["T-00003"]].sentiment == "positive"
    assert all(t.version == 1 for t in opened.values())
    assert service.tag_untagged() == 0  # nothing left


def test_max_batches_and_should_stop(db, toy_tagger: TicketTagger, tickets) -> None:
    service = TaggingService(db, toy_tagger)
    assert service.tag_untagged(batch_size=2, max_batches=1) == 2
    assert service.tag_untagged(batch_size=2, should_stop=lambda: True) == 0
    stops = iter([False, True])
    assert service.tag_untagged(batch_size=2, should_stop=lambda: next(stops)) == 2
    batch = service.tag_next_batch(batch_size=2)
    assert (len(batch.ticket_ids), batch.more) == (1, False)


def test_a_send_during_tagging_is_not_stale(db, toy_tagger: TicketTagger, tickets, agent) -> None:
    """The agent read version 1, the tagger stored tags meanwhile, the send still goes through."""
    ticket_id = tickets["T-00001"]
    opened = TicketService(db).open(ticket_id, agent.name).ticket
    TaggingService(db, toy_tagger).tag_untagged()
    sent = TicketService(db).send_reply(ticket_id, "抱歉给您带来不便", opened.version, actor=agent)
    assert sent.version == opened.version + 1
    assert sent.intent == "complaint"  # and the tags are still there


def test_tag_tickets_and_retag(db, toy_tagger: TicketTagger, tickets) -> None:
    service = TaggingService(db, toy_tagger)
    wanted = [tickets["T-00002"], tickets["T-00004"], 999_999]
    assert sorted(service.tag_tickets(wanted)) == sorted(wanted[:2])
    assert service.tag_tickets(wanted) == []  # already tagged
    assert sorted(service.tag_tickets(wanted, retag=True)) == sorted(wanted[:2])
    assert service.tag_next_batch(32).ticket_ids == [tickets["T-00001"], tickets["T-00003"], tickets["T-00005"]]


def test_correct_returns_the_updated_ticket_and_keeps_feedback(
    db, toy_tagger: TicketTagger, tickets, agent, other_agent
) -> None:
    service = TaggingService(db, toy_tagger)
    service.tag_untagged()
    ticket_id = tickets["T-00002"]
    updated = service.correct(ticket_id, "intent", "complaint", expected_version=1, actor=agent)
    assert (updated.intent, updated.intent_score, updated.version) == ("complaint", None, 2)
    assert updated.flagged and "投诉意图（坐席标注）" in updated.flag_reasons
    assert updated.intent_scores["logistics"] > 0.2  # the model's scores are kept
    with pytest.raises(StaleTicketError):
        service.correct(ticket_id, "sentiment", "negative", expected_version=1, actor=other_agent)
    with db.session() as session:
        rows = session.execute(
            select(Feedback.task, Feedback.model_label, Feedback.corrected_label, Feedback.author)
        ).all()
    assert rows == [("intent", "logistics", "complaint", agent.name)]


def test_corrections_work_without_a_model(db, tickets, agent) -> None:
    service = TaggingService(db, None)
    updated = service.correct(tickets["T-00003"], "sentiment", "positive", expected_version=1, actor=agent)
    assert (updated.sentiment, updated.flagged) == ("positive", False)
    with pytest.raises(TaggerUnavailable):
        service.tag_untagged()


def test_default_model_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(TAGGER_MODEL_ENV_VAR, str(tmp_path / "mine"))
    assert default_tagger_folder() == tmp_path / "mine"
    monkeypatch.delenv(TAGGER_MODEL_ENV_VAR)
    assert default_tagger_folder() == MODELS_DIR / "tagger"
    assert MODELS_DIR.parent == Path(__file__).resolve().parents[2]


def test_load_tagger_uses_the_environment(monkeypatch: pytest.MonkeyPatch, toy_tagger_dir: Path) -> None:
    monkeypatch.setenv(TAGGER_MODEL_ENV_VAR, str(toy_tagger_dir))
    assert load_tagger(threads=1).name == "aftersales-tagger 0.0.1-toy"
    monkeypatch.setenv(TAGGER_MODEL_ENV_VAR, str(toy_tagger_dir / "missing"))
    with pytest.raises(ModelFolderError, match="does not exist"):
        load_tagger()


# -- explanations: computed when someone looks ---------------------------------------
def test_explain_stores_trigger_words_beside_the_other_reasons(db, toy_tagger: TicketTagger, tickets) -> None:
    service = TaggingService(db, toy_tagger)
    service.tag_untagged()
    ticket_id = tickets["T-00001"]
    before = TicketService(db).open(ticket_id, "客服小美").ticket
    assert before.flagged and not any(r.startswith("触发词：") for r in before.flag_reasons)

    explained = service.explain(ticket_id)

    assert explained.stored and explained.flagged
    assert explained.trigger.startswith("触发词：") and "「投诉」" in explained.trigger
    assert "「了」" not in explained.trigger and "「我」" not in explained.trigger  # content words only
    assert explained.reasons == [*before.flag_reasons, explained.trigger]
    after = TicketService(db).open(ticket_id, "客服小美").ticket
    assert after.flag_reasons == explained.reasons
    assert (after.version, after.tagged_at) == (before.version, before.tagged_at)  # not an edit
    again = service.explain(ticket_id)
    assert not again.stored and again.trigger == explained.trigger and again.reasons == explained.reasons


def test_explain_leaves_unflagged_and_unknown_tickets_alone(db, toy_tagger: TicketTagger, tickets) -> None:
    service = TaggingService(db, toy_tagger)
    service.tag_untagged()
    calm = service.explain(tickets["T-00002"])
    assert (calm.flagged, calm.trigger, calm.stored, calm.reasons) == (False, "", False, [])
    found = service.explain_many([tickets["T-00001"], 999_999, tickets["T-00002"], tickets["T-00001"]])
    assert [e.ticket_id for e in found] == [tickets["T-00001"], tickets["T-00002"]]
    assert found[0].stored and not found[1].stored
    with pytest.raises(TaggerUnavailable):
        TaggingService(db, None).explain(tickets["T-00001"])


def test_explain_follows_an_agents_complaint_label(db, toy_tagger: TicketTagger, add_tickets, make_ticket, set_columns):
    """The model calls it logistics; an agent said complaint: the words are those that make it one."""
    ticket_id = add_tickets([make_ticket(9, text="快递三天没动，我要投诉你们")])["T-00009"]
    service = TaggingService(db, toy_tagger)
    service.tag_untagged()
    set_columns(ticket_id, intent="complaint", intent_score=None, flagged=True, flag_reasons=["投诉意图（坐席标注）"])
    explained = service.explain(ticket_id)
    assert explained.stored and "「投诉」" in explained.trigger
    assert explained.reasons[0] == "投诉意图（坐席标注）"


def test_explained_trigger_words_are_masked_for_display(db, toy_tagger: TicketTagger, add_tickets, make_ticket):
    ticket_id = add_tickets([make_ticket(9, text="差评！投诉！电话13812345678")])["T-00009"]
    service = TaggingService(db, toy_tagger)
    service.tag_untagged()
    explained = service.explain(ticket_id)
    assert "13812345678" not in " ".join(explained.reasons)
