"""JSON encoding shared by the API and the database codecs (datetimes as ISO 8601, UUIDs as strings)."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any


def json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(data: Any) -> str:
    return json.dumps(data, default=json_default, ensure_ascii=False, separators=(",", ":"))
