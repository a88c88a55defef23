"""List endpoints' cursors: a cursor the API did not issue is a 400 (``tracking_service.pagination``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from tracking_service.api.problems import Problem
from tracking_service.pagination import BadCursor, decode_cursor

T = TypeVar("T")


def after_cursor(cursor: str | None, tiebreak: Callable[[str], T] = uuid.UUID) -> tuple[datetime, T] | None:  # type: ignore[assignment]
    """The row a list's cursor names, or None; 400 for a cursor this API did not issue."""
    try:
        return decode_cursor(cursor, tiebreak)
    except BadCursor as exc:
        raise Problem(400, "Bad Request", str(exc)) from exc
