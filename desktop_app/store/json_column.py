"""JSON columns: ``jsonb`` on PostgreSQL, JSON text on SQLite, Python values either way.

The tagger's distributions, the flag reasons and the knowledge-base ids of a draft are
JSON. On PostgreSQL they are ``jsonb`` (SQLAlchemy's JSONB type: validated by the server,
comparable in the change triggers' ``IS DISTINCT FROM``, which plain ``json`` is not). On
SQLite they stay the JSON text they always were, decoded leniently: a row someone edited
by hand into invalid JSON reads as NULL (and is logged) instead of failing the whole
query, as SQLAlchemy's own JSON type would.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import Dialect, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

log = logging.getLogger(__name__)


class JsonValue(TypeDecorator[Any]):
    """A JSON document (dict or list); Python None is SQL NULL, never the JSON ``null``."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(JSONB(none_as_null=True))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value  # JSONB serialises it
        return json.dumps(value, ensure_ascii=False)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql" or not isinstance(value, str):
            return value
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except ValueError:
            log.warning("ignoring a JSON column value that is not JSON: %.80r", value)
            return None
