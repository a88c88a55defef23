"""JSON encoding shared by the API, webhooks and the database codecs (orjson: datetimes as ISO 8601,
UUIDs as strings, UTF-8 without escapes)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS


def json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps_bytes(data: Any) -> bytes:
    return orjson.dumps(data, default=json_default, option=_OPTIONS)


def dumps(data: Any) -> str:
    return dumps_bytes(data).decode()
