"""Mapping an export's column names onto the canonical ticket fields.

The aliases cover the headers of common Taobao/Tmall, JD, Pinduoduo and Douyin exports;
anything else is mapped with ``--map COLUMN=FIELD``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

CANONICAL_FIELDS = (
    "external_id",
    "customer",
    "channel",
    "created_at",
    "text",
    "order_id",
    "product",
    "status",
    "assignee",
    "messages",
)

_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": (
        "external_id",
        "id",
        "ticket_id",
        "工单号",
        "工单编号",
        "工单id",
        "服务单号",
        "售后单号",
        "会话id",
        "会话编号",
        "咨询单号",
        "退款编号",
        "退款单号",
    ),
    "customer": (
        "customer",
        "buyer",
        "nickname",
        "customer_name",
        "买家昵称",
        "买家",
        "买家会员名",
        "会员名",
        "客户",
        "客户昵称",
        "客户名称",
        "顾客",
        "用户",
        "用户名",
        "用户昵称",
        "用户账号",
    ),
    "channel": ("channel", "platform", "source", "渠道", "平台", "来源", "店铺", "店铺名称", "来源渠道"),
    "created_at": (
        "created_at",
        "created",
        "time",
        "timestamp",
        "date",
        "创建时间",
        "咨询时间",
        "提交时间",
        "申请时间",
        "发起时间",
        "时间",
        "日期",
        "留言时间",
    ),
    "text": (
        "text",
        "content",
        "message",
        "body",
        "question",
        "内容",
        "问题描述",
        "咨询内容",
        "留言",
        "留言内容",
        "买家留言",
        "消息",
        "消息内容",
        "描述",
        "问题",
        "申请原因",
        "退款原因",
        "售后原因",
        "诉求",
    ),
    "order_id": ("order_id", "order", "order_no", "订单号", "订单编号", "子订单号", "主订单号", "订单id", "交易号"),
    "product": (
        "product",
        "item",
        "sku",
        "product_name",
        "商品",
        "商品名称",
        "商品标题",
        "宝贝标题",
        "宝贝名称",
        "商品名",
    ),
    "status": ("status", "state", "状态", "工单状态", "处理状态"),
    "assignee": ("assignee", "agent", "owner", "客服", "处理人", "负责人", "接待客服", "客服昵称"),
    "messages": ("messages", "conversation", "对话", "聊天记录"),
}


def normalise_header(name: object) -> str:
    text = "" if name is None else str(name)
    return re.sub(r"[\s_\-:：()（）]", "", text.replace("\ufeff", "")).lower()


_LOOKUP = {normalise_header(alias): field for field, aliases in _ALIASES.items() for alias in aliases}


# ``--map 状态=ignore``: a column the aliases would pick up but that means something else
# in this export (e.g. 状态 holding the order status 交易成功, not the ticket's).
IGNORE = "ignore"


class MappingError(ValueError):
    """The columns cannot be mapped; the file is not imported at all."""


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    """``["问题=text", "旺旺=customer"]`` → ``{"问题": "text", "旺旺": "customer"}``."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        column, sep, field = pair.rpartition("=")
        column, field = column.strip(), field.strip()
        if not sep or not column or not field:
            raise MappingError(f"--map expects COLUMN=FIELD, got {pair!r}")
        if field not in CANONICAL_FIELDS and field != IGNORE:
            raise MappingError(
                f"--map {pair!r}: unknown field {field!r} (fields: {', '.join(CANONICAL_FIELDS)}, or {IGNORE})"
            )
        overrides[column] = field
    return overrides


def map_columns(headers: Sequence[object], overrides: Mapping[str, str] | None = None) -> dict[int, str]:
    """Column index → canonical field. Overrides win; the first column claiming a field wins."""
    overrides = overrides or {}
    by_normalised = {normalise_header(k): v for k, v in overrides.items()}
    seen_headers = {normalise_header(h) for h in headers}
    missing = [k for k in overrides if normalise_header(k) not in seen_headers]
    if missing:
        raise MappingError(f"--map names columns the file does not have: {', '.join(missing)}")
    mapping: dict[int, str] = {}
    claimed: set[str] = set()
    # Overrides first so that an alias elsewhere cannot steal their field.
    for index, header in enumerate(headers):
        field = by_normalised.get(normalise_header(header))
        if field and field != IGNORE and field not in claimed:
            mapping[index] = field
            claimed.add(field)
    for index, header in enumerate(headers):
        if index in mapping or normalise_header(header) in by_normalised:
            continue
        field = _LOOKUP.get(normalise_header(header))
        if field and field not in claimed:
            mapping[index] = field
            claimed.add(field)
    if "text" not in claimed and "messages" not in claimed:
        shown = ", ".join(str(h) for h in headers) or "(none)"
        raise MappingError(f"no column holds the ticket text (columns: {shown}); use --map COLUMN=text")
    return mapping
