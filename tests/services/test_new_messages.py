"""A ticket whose customer writes again is re-tagged: from a later export (the importer appends
the new messages) or from ``TicketService.add_customer_message``."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.nlp.tagging.tagger import TicketTagger
from desktop_app.services.importing import ImportService
from desktop_app.services.tagging import TaggingService
from desktop_app.services.tickets import TicketService
from desktop_app.store.schema import Message, Ticket
from desktop_app.store.tags import TagRepository

T0 = datetime(2024, 5, 1, 10, 0, 0)


def _row(*messages: tuple[str, str, datetime]) -> dict[str, object]:
    return {
        "external_id": "C-1",
        "customer": "小鹿",
        "channel": "淘宝",
        "messages": [{"role": role, "text": text, "time": when.isoformat()} for role, text, when in messages],
    }


def _write(path: Path, *rows: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    return path


def _ticket(db) -> Ticket:  # type: ignore[no-untyped-def]
    with db.session() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.external_id == "C-1")).one()
        session.expunge(ticket)
        return ticket


def _message_count(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return len(session.scalars(select(Message.id).join(Ticket).where(Ticket.external_id == "C-1")).all())


@pytest.fixture
def first_export(tmp_path: Path) -> Path:
    return _write(tmp_path / "day1.jsonl", _row(("customer", "我的快递什么时候到", T0)))


def test_a_later_export_appends_the_new_messages_and_retags(db, toy_tagger: TicketTagger, tmp_path, first_export):
    service = ImportService(db)
    assert service.import_file(first_export).imported == 1
    tagging = TaggingService(db, toy_tagger)
    assert tagging.tag_untagged() == 1
    before = _ticket(db)
    assert (before.intent, before.flagged, before.version) == ("logistics", False, 1)

    later = _write(
        tmp_path / "day2.jsonl",
        _row(
            ("customer", "我的快递什么时候到", T0),
            ("agent", "已为您催促快递", T0 + timedelta(minutes=5)),
            ("customer", "还没到，太差了，我要投诉", T0 + timedelta(hours=2)),
        ),
    )
    report = service.import_file(later)

    assert (report.imported, report.already_present, report.updated) == (0, 0, 1)
    assert report.to_json()["updated"] == 1
    grown = _ticket(db)
    assert _message_count(db) == 3
    assert grown.text == "我的快递什么时候到\n还没到，太差了，我要投诉"
    assert grown.tagged_at is None and grown.version == 2  # waiting for the tagger; an edit
    assert grown.status == "new" and grown.waiting_since == T0 + timedelta(hours=2)  # our turn again
    assert grown.intent == "logistics"  # the old tags stay on screen until the tagger is back

    assert tagging.tag_untagged() == 1
    retagged = _ticket(db)
    assert (retagged.intent, retagged.flagged) == ("complaint", True)

    again = service.import_file(later)  # the same export once more changes nothing
    assert (again.imported, again.already_present, again.updated) == (0, 1, 0)
    assert "updated" not in again.to_json()
    assert _message_count(db) == 3 and _ticket(db).tagged_at is not None


def test_an_agent_correction_survives_the_retagging(db, toy_tagger: TicketTagger, tmp_path, first_export):
    ImportService(db).import_file(first_export)
    tagging = TaggingService(db, toy_tagger)
    tagging.tag_untagged()
    ticket_id = _ticket(db).id
    with db.session() as session:
        TagRepository(session).correct(ticket_id, "intent", "exchange", "客服小美", expected_version=1)

    TicketService(db).add_customer_message(ticket_id, "垃圾，气死了", when=T0 + timedelta(hours=1))

    assert _ticket(db).tagged_at is None
    assert tagging.tag_untagged() == 1
    after = _ticket(db)
    assert (after.intent, after.intent_score) == ("exchange", None)  # the agent's label
    assert after.sentiment == "negative" and after.flagged  # the model read the new message


def test_add_customer_message_reopens_the_ticket_and_masks_the_answer(db, toy_tagger: TicketTagger, first_export):
    ImportService(db).import_file(first_export)
    TaggingService(db, toy_tagger).tag_untagged()
    ticket_id = _ticket(db).id
    with db.session() as session:
        session.execute(Ticket.__table__.update().values(status="waiting_customer", waiting_since=None))

    shown = TicketService(db).add_customer_message(ticket_id, "  换个手机号联系我：13812345678  ", when=T0)

    assert shown.status == "open" and shown.waiting_since == T0 and shown.tagged_at is None
    assert shown.messages[-1].role == "customer" and "13812345678" not in shown.messages[-1].text
    assert _ticket(db).text.endswith("换个手机号联系我：13812345678")  # stored verbatim, shown masked
    with pytest.raises(ValueError):
        TicketService(db).add_customer_message(ticket_id, "   ")


def test_an_agent_message_alone_does_not_retag(db, toy_tagger: TicketTagger, tmp_path, first_export):
    service = ImportService(db)
    service.import_file(first_export)
    TaggingService(db, toy_tagger).tag_untagged()
    later = _write(
        tmp_path / "day2.jsonl",
        _row(("customer", "我的快递什么时候到", T0), ("agent", "已为您催促快递", T0 + timedelta(minutes=5))),
    )
    assert service.import_file(later).updated == 1
    ticket = _ticket(db)
    assert ticket.tagged_at is not None and ticket.text == "我的快递什么时候到"
    assert ticket.status == "waiting_customer" and ticket.waiting_since is None
