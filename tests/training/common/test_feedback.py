"""Feedback for retraining comes from the audited, masked export-training file, never the live database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.services.access import Role, User
from desktop_app.services.accounts import AccountService
from desktop_app.services.audit import AuditService
from desktop_app.services.tagging import TaggingService
from desktop_app.services.tickets import TicketService
from desktop_app.services.training_export import export_training
from desktop_app.store.database import Database
from desktop_app.training.common.feedback import FeedbackFileError, feedback_examples, reply_feedback_pairs

PHONE = "13812345678"
REPLY = f"您好，已登记您的电话{PHONE}，快递明天派送，请保持电话畅通。"


@pytest.fixture
def supervisor(db: Database) -> User:
    return AccountService(db).add_user("主管老王", "correct horse", Role.SUPERVISOR, actor=None)


@pytest.fixture
def agent(db: Database, supervisor: User) -> User:
    return AccountService(db).add_user("客服小美", "correct horse", Role.AGENT, actor=supervisor)


@pytest.fixture
def exported(db: Database, supervisor: User, agent: User, add_tickets, make_ticket, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    ids = add_tickets([make_ticket(1, text=f"快递三天没动了，我电话{PHONE}"), make_ticket(2, text="发票怎么开")])
    first = ids["T-00001"]
    tagging, tickets = TaggingService(db), TicketService(db)
    tagging.correct(first, "intent", "complaint", 1, actor=agent)
    tagging.correct(first, "intent", "logistics", 2, actor=agent)
    tagging.correct(first, "sentiment", "negative", 3, actor=agent)
    version = tickets.open(first, agent.name).ticket.version
    tickets.send_reply(first, REPLY, version, actor=agent)
    path = tmp_path / "export.jsonl"
    export_training(db, supervisor, path)
    return path


def test_tag_corrections_come_masked_with_the_last_label(exported: Path) -> None:
    (example,) = feedback_examples(exported)  # the uncorrected ticket gives nothing
    assert (example.intent, example.sentiment, example.source) == ("logistics", "negative", "feedback")
    assert PHONE not in example.text and "****" in example.text  # masked, then cleaned like every example


def test_sent_replies_come_masked_with_the_turns_before_them(exported: Path) -> None:
    (pair,) = reply_feedback_pairs(exported)
    assert PHONE not in pair.reply and "快递明天派送" in pair.reply
    assert [t.role for t in pair.turns] == ["customer"]
    assert PHONE not in pair.turns[0].text and "快递三天没动了" in pair.turns[0].text


def test_the_export_that_feeds_training_is_in_the_audit_log(exported: Path, db: Database, supervisor: User) -> None:
    actions = [row.action for row in AuditService(db).read(supervisor, limit=20)]
    assert "export_training" in actions


def test_a_file_that_is_not_an_export_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "tickets.jsonl"
    path.write_text('{"kind": "ticket", "ticket": 1, "text": "好的", "corrections": []}\n{"text": "随便"}\n', "utf-8")
    with pytest.raises(FeedbackFileError, match=r"tickets.jsonl:2: not an export-training line"):
        feedback_examples(path)
    path.write_text("not json\n", "utf-8")
    with pytest.raises(FeedbackFileError, match=r":1: not JSON"):
        reply_feedback_pairs(path)


def test_a_file_that_is_not_utf8_or_lacks_a_field_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_bytes("退款".encode("gbk"))
    with pytest.raises(FeedbackFileError, match="not UTF-8"):
        feedback_examples(path)
    path.write_text('{"kind": "reply", "final": "好的"}\n', "utf-8")
    with pytest.raises(FeedbackFileError, match=r":1: no ticket id"):
        reply_feedback_pairs(path)
    path.write_text('{"kind": "ticket", "ticket": 1, "text": "好", "corrections": [{"label": "x"}]}\n', "utf-8")
    with pytest.raises(FeedbackFileError, match=r":1: corrections must be objects"):
        feedback_examples(path)


def test_the_same_reply_sent_twice_gets_the_turns_before_each(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    messages = [
        {"role": "customer", "text": "在吗"},
        {"role": "agent", "text": "在的亲，请问有什么可以帮您？"},
        {"role": "customer", "text": "我的快递到哪了"},
        {"role": "agent", "text": "在的亲，请问有什么可以帮您？"},
    ]
    lines = [
        {"kind": "ticket", "ticket": 7, "text": "在吗", "messages": messages, "corrections": []},
        {"kind": "reply", "ticket": 7, "final": "在的亲，请问有什么可以帮您？"},
        {"kind": "reply", "ticket": 7, "final": "在的亲，请问有什么可以帮您？"},
    ]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), "utf-8")
    first, second = reply_feedback_pairs(path)
    assert [t.text for t in first.turns] == ["在吗"]
    assert [t.text for t in second.turns] == ["在吗", "在的亲，请问有什么可以帮您？", "我的快递到哪了"]
