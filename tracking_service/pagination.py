"""Keyset pagination, one way for every list: rows are fetched newest first as ``limit + 1``, the page
keeps ``limit`` of them, and the opaque cursor names the last row kept by (time, tie-break).

The tie-break is the row's id (a UUID, or an integer for the audit log) or, for timeline events, the
event's dedupe key (bytes)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

T = TypeVar("T")
Row = Any


@dataclass(frozen=True, slots=True)
class ListQuery:
    """One list request as the use cases take it: filters by name, the tenant it narrows to (None: every
    tenant of the key), the (time, tie-break) the page starts after, and how many rows to fetch."""

    filters: Mapping[str, Any] = field(default_factory=dict)
    tenant: str | None = None
    after: tuple[datetime, Any] | None = None
    limit: int = 50


class BadCursor(ValueError):
    def __init__(self) -> None:
        super().__init__("cursor is not one this API issued")


def encode_cursor(at: datetime, tiebreak: object) -> str:
    part = tiebreak.hex() if isinstance(tiebreak, bytes) else str(tiebreak)
    raw = json.dumps([at.isoformat(), part])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, tiebreak: Callable[[str], T]) -> tuple[datetime, T] | None:
    """The (time, tie-break) a cursor of ``encode_cursor`` names; None for no cursor; BadCursor otherwise.
    ``tiebreak`` parses the second part (``uuid.UUID``, ``int``, ``bytes.fromhex``)."""
    if not cursor:
        return None
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(parts, list) or len(parts) != 2 or not all(isinstance(p, str) for p in parts):
            raise BadCursor()
        return datetime.fromisoformat(parts[0]), tiebreak(parts[1])
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadCursor() from exc


def by_id(time_column: str) -> Callable[[Row], tuple[datetime, object]]:
    """The cursor key of rows ordered by (``time_column``, id)."""
    return lambda row: (row[time_column], row["id"])


def page(
    rows: Sequence[Row], limit: int, view: Callable[[Row], Any], key: Callable[[Row], tuple[datetime, object]]
) -> dict[str, Any]:
    """Items of one page (rows were fetched with ``limit + 1``) and the cursor of the next."""
    next_cursor = encode_cursor(*key(rows[limit - 1])) if len(rows) > limit else None
    return {"items": [view(r) for r in rows[:limit]], "next_cursor": next_cursor}
