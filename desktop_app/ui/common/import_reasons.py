"""The importer's row errors in the UI's language.

The importer (``services/importing``) words each skipped row's reason in English for the
command line and its ``--json`` report. The import dialog shows them to an agent, so the
common shapes are recognised here and worded through Qt's translator (Chinese by default,
English from the catalogue); a reason of another shape is shown as the importer wrote it.
The values quoted in a reason are already masked by the importer.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication


def _fill(template: str, *values: str) -> str:
    """``%1``, ``%2`` … in one pass (a quoted value never turns into a placeholder)."""
    return re.sub(r"%(\d)", lambda m: values[int(m.group(1)) - 1], template)


# (the importer's English, its Chinese with %1… for the groups); literal calls, so lupdate sees them
_SHAPES: tuple[tuple[re.Pattern[str], Callable[[], str]], ...] = (
    (re.compile(r"missing text"), lambda: QCoreApplication.translate("ImportReasons", "没有工单内容")),
    (re.compile(r"time out of range: (.*) \(expected (\d+)–(\d+)\)"), lambda: QCoreApplication.translate("ImportReasons", "时间超出范围：%1（应在 %2–%3 年之间）")),
    (re.compile(r"not a time: the cell holds the spreadsheet error (.*) \(.*\)"), lambda: QCoreApplication.translate("ImportReasons", "不是时间：单元格是表格错误 %1")),
    (re.compile(r"not a time: (.*)"), lambda: QCoreApplication.translate("ImportReasons", "不是时间：%1")),
    (re.compile(r"(\w+) is longer than (\d+) characters"), lambda: QCoreApplication.translate("ImportReasons", "%1 超过 %2 个字符")),
    (re.compile(r"unknown status (.*?) \(expected .*"), lambda: QCoreApplication.translate("ImportReasons", "未知状态 %1（可用：new、open、pending、resolved 或中文名称）")),
    (re.compile(r"invalid JSON: nested too deeply"), lambda: QCoreApplication.translate("ImportReasons", "JSON 无效：嵌套太深")),
    (re.compile(r"invalid JSON: a number of more than 4,300 digits"), lambda: QCoreApplication.translate("ImportReasons", "JSON 无效：数字超过 4300 位")),
    (re.compile(r"invalid JSON: (.*)"), lambda: QCoreApplication.translate("ImportReasons", "JSON 无效：%1")),
    (re.compile(r"expected a JSON object, got (\w+)"), lambda: QCoreApplication.translate("ImportReasons", "应为 JSON 对象，实际是 %1")),
    (re.compile(r"(?:row|line) contains bytes that are not valid (\S+) text.*"), lambda: QCoreApplication.translate("ImportReasons", "含有不是有效 %1 编码的字节")),
    (re.compile(r"the file is not valid (\S+) text from here on; not read"), lambda: QCoreApplication.translate("ImportReasons", "从这里起文件不是有效的 %1 文本，未读取")),
    (
        re.compile(r"a quoted field starting on line (\d+) is not closed: it ran on for (\d+) lines, to line (\d+);.*"),
        lambda: QCoreApplication.translate("ImportReasons", "第 %1 行开始的引号没有闭合，一直延续了 %2 行（到第 %3 行）"),
    ),
    (re.compile(r"a value holds a lone surrogate.*"), lambda: QCoreApplication.translate("ImportReasons", "有一个值含有不成对的 UTF-16 代理字符（如 \\ud800）")),
    (re.compile(r"cannot read this row \((\w+)\)"), lambda: QCoreApplication.translate("ImportReasons", "无法读取这一行（%1）")),
    (re.compile(r"database refused the row: (.*)"), lambda: QCoreApplication.translate("ImportReasons", "数据库拒绝了这一行：%1")),
)


def import_reason_text(reason: str) -> str:
    """One row error as the dialog shows it; unknown shapes as written."""
    for pattern, template in _SHAPES:
        if match := pattern.fullmatch(reason):
            return _fill(template(), *match.groups())
    return reason
