"""How times, durations and labels read on screen (local time, Chinese by default)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cmp_to_key

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCollator, QCoreApplication, QLocale

from desktop_app.domain.vocabulary import INTENTS, SENTIMENTS, STATUS_NAMES_ZH, TicketStatus


def _tr(text: str) -> str:
    return QCoreApplication.translate("Formatting", text)


def local_time(moment: datetime | None, with_date: bool = True) -> str:
    if moment is None:
        return ""
    local = moment.replace(tzinfo=UTC).astimezone()
    return local.strftime("%m-%d %H:%M" if with_date else "%H:%M")


def waiting_text(since: datetime | None, now: datetime) -> str:
    """``3分钟`` / ``2小时5分`` / ``1天3小时``; empty when nobody waits on us."""
    if since is None:
        return ""
    minutes = max(int((now - since).total_seconds() // 60), 0)
    if minutes < 60:
        return QCoreApplication.translate("Formatting", "%1分钟").replace("%1", str(minutes))
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return (
            QCoreApplication.translate("Formatting", "%1小时%2分").replace("%1", str(hours)).replace("%2", str(minutes))
        )
    days, hours = divmod(hours, 24)
    return QCoreApplication.translate("Formatting", "%1天%2小时").replace("%1", str(days)).replace("%2", str(hours))


def status_name(status: str) -> str:
    try:
        return _tr(STATUS_NAMES_ZH[TicketStatus(status)])
    except ValueError:
        return status


def intent_name(intent: str | None) -> str:
    return _tr(INTENTS[intent]) if intent in INTENTS else (intent or "")


def sentiment_name(sentiment: str | None) -> str:
    return _tr(SENTIMENTS[sentiment]) if sentiment in SENTIMENTS else (sentiment or "")


def display_order(column: str) -> tuple[str, ...]:
    """The codes of ``column`` (intent, sentiment, status) in the order their names read in
    the UI's language, for the queue's sort; () for a column that shows what it stores."""
    named: dict[str, tuple[tuple[str, ...], Callable[[str], str]]] = {
        "intent": (tuple(INTENTS), intent_name),
        "sentiment": (tuple(SENTIMENTS), sentiment_name),
        "status": (tuple(status.value for status in TicketStatus), status_name),
    }
    if column not in named:
        return ()
    codes, name = named[column]
    collator = QCollator(QLocale())

    def compare(a: str, b: str) -> int:
        return collator.compare(name(a), name(b))

    return tuple(sorted(codes, key=cmp_to_key(compare)))


# lupdate only sees literals: the names of domain.py, listed once more for translation.
# tests/ui/test_formatting.py checks that this list and domain.py agree.
TRANSLATABLE_NAMES = (
    QT_TRANSLATE_NOOP("Formatting", "新工单"),
    QT_TRANSLATE_NOOP("Formatting", "处理中"),
    QT_TRANSLATE_NOOP("Formatting", "待客户回复"),
    QT_TRANSLATE_NOOP("Formatting", "已解决"),
    QT_TRANSLATE_NOOP("Formatting", "物流配送"),
    QT_TRANSLATE_NOOP("Formatting", "退货退款"),
    QT_TRANSLATE_NOOP("Formatting", "换货"),
    QT_TRANSLATE_NOOP("Formatting", "仅退款/补发/价保"),
    QT_TRANSLATE_NOOP("Formatting", "维修保修"),
    QT_TRANSLATE_NOOP("Formatting", "订单修改/取消"),
    QT_TRANSLATE_NOOP("Formatting", "发票"),
    QT_TRANSLATE_NOOP("Formatting", "商品咨询"),
    QT_TRANSLATE_NOOP("Formatting", "账户/支付/优惠"),
    QT_TRANSLATE_NOOP("Formatting", "投诉"),
    QT_TRANSLATE_NOOP("Formatting", "其他"),
    QT_TRANSLATE_NOOP("Formatting", "负面"),
    QT_TRANSLATE_NOOP("Formatting", "中性"),
    QT_TRANSLATE_NOOP("Formatting", "正面"),
)
