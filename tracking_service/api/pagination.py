"""Shared pieces of list endpoints: cursors and pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from tracking_service import shipments
from tracking_service.api.problems import Problem, json_response


def after_cursor(cursor: str | None) -> tuple[datetime, UUID] | None:
    try:
        return shipments.shipment_cursor(cursor) if cursor else None
    except shipments.BadCursor as exc:
        raise Problem(400, "Bad Request", str(exc)) from exc


def page(rows: Sequence[Any], limit: int, view: Callable[[Any], dict[str, Any]], time_key: str) -> dict[str, Any]:
    """Items of one page (rows were fetched with ``limit + 1``) and the cursor of the next."""
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = shipments.encode_cursor(last[time_key], str(last["id"]))
    return {"items": [view(r) for r in rows[:limit]], "next_cursor": next_cursor}


def page_response(rows: Sequence[Any], limit: int, view: Callable[[Any], dict[str, Any]], time_key: str) -> Any:
    return json_response(page(rows, limit, view, time_key))
