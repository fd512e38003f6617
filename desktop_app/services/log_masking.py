"""Masking personal data in log messages before any handler writes them.

A log line is easy to forget about: it may quote a ticket's text, a customer's phone
number or an import row, and log files travel (bug reports, support). The filter masks
the formatted message, its arguments and the exception text, on every handler of the
root logger, so every library's records are covered too.
"""

from __future__ import annotations

import logging

from desktop_app.nlp.privacy import mask_text

__all__ = ["MaskingLogFilter", "install_log_masking"]


class MaskingLogFilter(logging.Filter):
    """Rewrites each record's message with ``mask_text`` (order numbers included); never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string: let logging report it as usual
            return True
        record.msg, record.args = mask_text(message).masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text).masked
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info).masked
        return True


def install_log_masking(logger: logging.Logger | None = None) -> None:
    """Add the filter to every handler of ``logger`` (the root logger by default); idempotent."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, MaskingLogFilter) for f in handler.filters):
            handler.addFilter(MaskingLogFilter())
