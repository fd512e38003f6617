"""``export_training``: de-identified JSONL of tickets (labels, corrections) and reply pairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.services import training_export
from desktop_app.services.access import User
from desktop_app.services.audit import AuditService
from desktop_app.services.tagging import TaggingService
from desktop_app.services.training_export import export_training
from desktop_app.domain.clock import utcnow
from desktop_app.store.database import Database
from desktop_app.store.schema import ReplyOutcome

PHONE, CARD = "13812345678", "6222021234567890128"


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_export_training_masks_every_text(
    db: Database, supervisor: User, agent: User, add_tickets, make_ticket, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(training_export, "BATCH", 2)  # several batches
    ids = add_tickets([make_ticket(i, text=f"我的电话{PHONE}，卡号{CARD}，第{i}单") for i in range(1, 6)])
    first = ids["T-00001"]
    TaggingService(db).correct(first, "intent", "complaint", 1, actor=agent)
    TaggingService(db).correct(first, "intent", "logistics", 2, actor=agent)
    with db.session() as session:
        session.add_all(
            [
                ReplyOutcome(
                    ticket_id=first,
                    author=agent.name,
                    generated=f"已为您登记电话{PHONE}",
                    final=f"已为您登记电话{PHONE}",
                    model="drafter-v1",
                    kb_entries=[3, 5],
                    created_at=utcnow(),
                ),
                ReplyOutcome(ticket_id=first, author=agent.name, generated=None, final="好的", created_at=utcnow()),
            ]
        )
    path = tmp_path / "train.jsonl"
    result = export_training(db, supervisor, path)
    assert (result.tickets, result.replies) == (5, 2)
    text = path.read_text(encoding="utf-8")
    assert PHONE not in text and CARD not in text and agent.name not in text and "买家" not in text
    lines = _lines(path)
    assert [line["kind"] for line in lines] == ["ticket"] * 5 + ["reply"] * 2
    ticket = lines[0]
    assert ticket["ticket"] == first
    assert ticket["text"] == "我的电话138****5678，卡号622202*********0128，第1单"
    assert ticket["messages"] == [{"role": "customer", "text": ticket["text"]}]
    assert (ticket["intent"], ticket["intent_by_agent"]) == ("logistics", True)
    assert ticket["corrections"] == [
        {"task": "intent", "model_label": None, "corrected_label": "complaint"},
        {"task": "intent", "model_label": None, "corrected_label": "logistics"},
    ]
    assert lines[5] == {
        "kind": "reply",
        "ticket": first,
        "generated": "已为您登记电话138****5678",
        "final": "已为您登记电话138****5678",
        "unchanged": True,
        "model": "drafter-v1",
        "kb_entries": [3, 5],
    }
    assert (lines[6]["generated"], lines[6]["unchanged"]) == (None, False)
    row = AuditService(db).read(supervisor, limit=1)[0]
    assert (row.action, row.detail) == ("export_training", {"path": str(path.resolve()), "replies": 2, "tickets": 5})


def test_export_training_of_an_empty_database(db: Database, supervisor: User, tmp_path: Path) -> None:
    result = export_training(db, supervisor, tmp_path / "empty.jsonl")
    assert (result.tickets, result.replies) == (0, 0)
    assert (tmp_path / "empty.jsonl").read_text(encoding="utf-8") == ""


def test_missing_folder_is_an_os_error(db: Database, supervisor: User, tmp_path: Path) -> None:
    with pytest.raises(OSError):
        export_training(db, supervisor, tmp_path / "no" / "such" / "x.jsonl")
    assert AuditService(db).count(supervisor) == 1
