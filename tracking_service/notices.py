"""Every notice the service sends is made here: one Python view per event type, enqueued in the
transaction of its cause (``db/outbox`` holds the SQL).

- ``shipment.status_changed``: a shipment's newest event moved its status (webhooks).
- ``incident.opened``: webhooks, plus the buyer's email/SMS and the desk note (``db.outbox.enqueue_opened``).
- ``incident.resolved``: webhooks.
- ``claim.updated``: webhooks.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import asyncpg

from tracking_service.db import outbox
from tracking_service.db.events import StatusChange
from tracking_service.db.outbox import Notice
from tracking_service.incidents.views import to_response as incident_view


def status_changed(change: StatusChange) -> Notice:
    row = change.row
    data = {
        "shipment_id": str(change.shipment_id),
        "tenant": change.tenant_id,
        "carrier": row.carrier,
        "tracking_number": row.tracking_number,
        "order_id": row.order_id,
        "previous_status": change.old_status,
        "status": change.new_status,
        "sub_status": change.sub_status,
        "last_event": {
            "occurred_at": row.last_event_at,
            "description": row.last_event_description,
            "location": row.last_event_location,
        },
    }
    return Notice(change.tenant_id, change.shipment_id, None, data)


def incident(row: Mapping[str, Any]) -> Notice:
    return Notice(row["tenant_id"], row["shipment_id"], row["id"], incident_view(row))


def claim(view: Mapping[str, Any]) -> Notice:
    """A claim as ``claim_view`` shows it; the notice is filed under the claim's incident, if it has one."""
    incident_id = uuid.UUID(view["incident_id"]) if view["incident_id"] else None
    return Notice(view["tenant"], uuid.UUID(view["shipment_id"]), incident_id, dict(view))


async def statuses_changed(conn: asyncpg.Connection, changes: Sequence[StatusChange], now: datetime) -> None:
    moved = [status_changed(c) for c in changes if c.watched and c.old_status != c.new_status]
    await outbox.enqueue_webhooks(conn, "shipment.status_changed", moved, now)


async def incidents_opened(conn: asyncpg.Connection, rows: Sequence[Mapping[str, Any]], now: datetime) -> None:
    opened = [incident(r) for r in rows]
    await outbox.enqueue_webhooks(conn, "incident.opened", opened, now)
    await outbox.enqueue_opened(conn, opened, now)


async def incidents_resolved(conn: asyncpg.Connection, rows: Sequence[Mapping[str, Any]], now: datetime) -> None:
    await outbox.enqueue_webhooks(conn, "incident.resolved", [incident(r) for r in rows], now)


async def claim_updated(conn: asyncpg.Connection, view: Mapping[str, Any], now: datetime) -> None:
    await outbox.enqueue_webhooks(conn, "claim.updated", [claim(view)], now)
