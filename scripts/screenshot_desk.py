"""Screenshots of the supervisor desk, for the README and for looking at the UI.

Run under a virtual X screen so that the real fonts are used:
    xvfb-run -a -s "-screen 0 1440x860x24" .venv/bin/python scripts/screenshot_desk.py [OUT_DIR] [--lang en]
It seeds a throw-away database with the demo tickets, tags them with their reference
labels (as the tagger would, with made-up scores), flags the angry ones, and adds agent
replies, tag corrections and sent drafts; then it saves one PNG per tab:
supervisor_desk.png (flagged queue), supervisor_desk_charts.png, supervisor_desk_health.png.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication
from sqlalchemy import insert, select, update

from desktop_app.domain.vocabulary import FlagRule
from desktop_app.services.container import Services
from desktop_app.services.seed import DEMO_TICKETS, seed_demo_if_empty
from desktop_app.store.database import Database
from desktop_app.store.schema import Feedback, Message, ReplyOutcome, Ticket, TicketTag
from desktop_app.ui.app import install_translation

ROOT = Path(__file__).resolve().parent.parent
AGENTS = ("客服小美", "客服小周", "客服阿杰", "客服婷婷")
TRIGGERS = ("投诉", "差评", "12315", "骗子", "垃圾", "退款", "曝光", "到底", "太差", "律师")
# (model's label, the agent's correction) pairs the demo's corrections are drawn from
INTENT_MISTAKES = (
    ("return_refund", "refund_compensation"),
    ("refund_compensation", "return_refund"),
    ("logistics", "order_change"),
    ("return_refund", "complaint"),
    ("logistics", "refund_compensation"),
    ("product_inquiry", "repair_warranty"),
    ("other", "account_payment"),
    ("exchange", "return_refund"),
)
SENTIMENT_MISTAKES = (("neutral", "negative"), ("negative", "neutral"), ("positive", "neutral"))
DRAFTS = (
    "亲，非常抱歉给您带来不好的体验，这边已为您登记，稍后专人为您跟进处理。",
    "您好，您的退款申请已经提交，预计1-3个工作日原路退回，请您留意账户。",
    "亲，快递已经在路上了，物流信息更新可能有延迟，请您再耐心等待一下哦。",
    "您好，发票会在订单完成后7个工作日内开具，电子发票会发送到您的邮箱。",
)


class _NoActions:
    """The screenshot never clicks: any action would be a bug here."""

    def reassign(self, ticket_id: int, version: int, to_agent: str | None, reason: str) -> None:
        raise RuntimeError("not in a screenshot")

    def take_over(self, ticket_id: int, version: int) -> None:
        raise RuntimeError("not in a screenshot")

    def unflag(self, ticket_id: int, version: int, reason: str) -> None:
        raise RuntimeError("not in a screenshot")

    def export(self, headers: list[str], rows: list[list[object]], path: str, fmt: str) -> None:
        raise RuntimeError("not in a screenshot")


def _edit(text: str, edits: int, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(edits):
        position = rng.randrange(len(chars) + 1)
        kind = rng.random()
        if kind < 0.4 and chars:
            chars[min(position, len(chars) - 1)] = rng.choice("您亲好的已请稍")
        elif kind < 0.7 and chars:
            del chars[min(position, len(chars) - 1)]
        else:
            chars.insert(position, rng.choice("，。哦呢的您"))
    return "".join(chars)


def seed_desk_demo(db: Database, seed: int = 7) -> None:
    """Demo tickets plus what a working day leaves behind: tags, flags, replies, corrections, drafts."""
    rng = random.Random(seed)
    seed_demo_if_empty(db)
    expected = {}
    with DEMO_TICKETS.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                expected[row["external_id"]] = (row["expected_intent"], row["expected_sentiment"])
    rule = FlagRule()
    with db.session() as session:
        tickets = session.execute(
            select(Ticket.id, Ticket.external_id, Ticket.text, Ticket.created_at, Ticket.assignee)
        ).all()
        tags, feedback = [], []
        for ticket in tickets:
            intent, sentiment = expected[ticket.external_id]
            intent_score = round(rng.uniform(0.55, 0.97), 2)
            negative = (
                round(rng.uniform(0.62, 0.98), 2) if sentiment == "negative" else round(rng.uniform(0.02, 0.3), 2)
            )
            model_intent, model_sentiment = intent, sentiment
            if rng.random() < 0.3:
                model_intent, intent = rng.choice(INTENT_MISTAKES)
                feedback.append(("intent", model_intent, intent, ticket))
            if rng.random() < 0.15:
                model_sentiment, sentiment = rng.choice(SENTIMENT_MISTAKES)
                feedback.append(("sentiment", model_sentiment, sentiment, ticket))
            reasons = rule.reasons(intent, intent_score, negative if sentiment == "negative" else None)
            found = [word for word in TRIGGERS if word in ticket.text][:3]
            if reasons and found:
                reasons.append("触发词：" + "".join(f"「{word}」" for word in found))
            assignee = ticket.assignee
            if reasons and assignee is None and rng.random() < 0.5:
                assignee = rng.choice(AGENTS)
            session.execute(
                update(Ticket)
                .where(Ticket.id == ticket.id)
                .values(
                    intent=intent,
                    intent_score=intent_score,
                    sentiment=sentiment,
                    sentiment_score=negative if sentiment == "negative" else round(1 - negative, 2),
                    flagged=bool(reasons),
                    flag_reasons=json.dumps(reasons, ensure_ascii=False) if reasons else None,
                    tagged_at=ticket.created_at,
                    assignee=assignee,
                )
            )
            for task, label in (("intent", model_intent), ("sentiment", model_sentiment)):
                tags.append(
                    {
                        "ticket_id": ticket.id,
                        "task": task,
                        "label": label,
                        "score": intent_score,
                        "model": "tagger-demo",
                        "created_at": ticket.created_at,
                    }
                )
        session.execute(insert(TicketTag), tags)
        session.execute(
            insert(Feedback),
            [
                {
                    "ticket_id": t.id,
                    "task": task,
                    "model_label": model,
                    "corrected_label": corrected,
                    "author": rng.choice(AGENTS),
                    "created_at": t.created_at + timedelta(minutes=20),
                }
                for task, model, corrected, t in feedback
            ],
        )
        # agent replies: signed by the ticket's holder (the demo file leaves them unsigned)
        holders = dict(session.execute(select(Ticket.id, Ticket.assignee)).all())
        replies = session.execute(select(Message.id, Message.ticket_id).where(Message.role == "agent")).all()
        for message_id, ticket_id in replies:
            author = holders.get(ticket_id) or rng.choice(AGENTS)
            session.execute(update(Message).where(Message.id == message_id).values(author=author))
        outcomes = []
        for index, ticket in enumerate(tickets[:80]):
            draft = DRAFTS[index % len(DRAFTS)]
            edits = 0 if rng.random() < 0.38 else int(rng.choice([1, 2, 3, 5, 8, 12, 18, 30, 45]))
            final = _edit(draft, edits, rng) if edits else draft
            if rng.random() < 0.08:
                final = "亲，您的问题已经记录，我们会尽快给您答复。" + final
            outcomes.append(
                {
                    "ticket_id": ticket.id,
                    "author": rng.choice(AGENTS),
                    "generated": draft,
                    "final": final,
                    "model": "drafter-demo",
                    "created_at": ticket.created_at + timedelta(minutes=30),
                }
            )
        session.execute(insert(ReplyOutcome), outcomes)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("output_dir", type=Path, nargs="?", default=ROOT / "resources" / "screenshots")
    parser.add_argument("--lang", default="zh")
    args = parser.parse_args()

    app = QApplication(sys.argv[:1])
    font = QFont(app.font())
    font.setFamilies(["Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Source Han Sans SC", font.family()])
    app.setFont(font)
    install_translation(app, args.lang)
    from desktop_app.ui.supervisor import SupervisorDesk

    suffix = "" if args.lang == "zh" else f"_{args.lang}"
    shots = [
        (SupervisorDesk.QUEUE_TAB, f"supervisor_desk{suffix}.png"),
        (SupervisorDesk.CHARTS_TAB, f"supervisor_desk_charts{suffix}.png"),
        (SupervisorDesk.HEALTH_TAB, f"supervisor_desk_health{suffix}.png"),
    ]
    args.output_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(f"sqlite:///{Path(tmp) / 'desk.db'}")
        seed_desk_demo(db)
        desk = SupervisorDesk(Services(db), _NoActions())
        desk.setWindowTitle("售后助手 · 主管工作台")
        desk.resize(1440, 860)
        desk.move(0, 0)
        desk.show()

        def shoot(remaining: list[tuple[int, str]]) -> None:
            if not remaining:
                desk.shutdown()
                desk.close()
                app.quit()
                return
            tab, name = remaining[0]
            desk.tabs.setCurrentIndex(tab)
            if tab == SupervisorDesk.QUEUE_TAB and desk.flagged_model.rowCount():
                desk.select_ticket(desk.flagged_model.tickets()[1].id)

            def grab() -> None:
                path = args.output_dir / name
                desk.grab().save(str(path))
                print(f"saved {path}")
                shoot(remaining[1:])

            QTimer.singleShot(1500, grab)

        QTimer.singleShot(1500, lambda: shoot(shots))
        app.exec()
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
