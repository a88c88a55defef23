"""SQL of stopping and resuming a shipment's tracking (``DELETE /v1/shipments/{id}`` and registering it anew)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

import asyncpg

from tracking_service.db.core import TERMINAL_SQL, columns, sql_values
from tracking_service.db.shipments import SHIPMENT_COLUMNS, ShipmentRow

# A stopped shipment in one of these states may hold a carrier subscription (17TRACK: the poll registers an
# unknown number on the fly, so even 'pending' may): where the carrier can cancel it, it goes 'cancelling'.
HELD_PUSH_STATES = frozenset({"pending", "subscribed", "failed"})

_CANCELS = f"push_state IN {sql_values(HELD_PUSH_STATES)} AND carrier = ANY($4::text[])"
STOP_SQL = f"""
UPDATE shipments
SET stopped_at = $3::timestamptz, updated_at = $3, next_poll_at = NULL, sweep_at = NULL,
    push_state = CASE WHEN push_state IS NULL THEN NULL WHEN {_CANCELS} THEN 'cancelling' ELSE 'stopped' END,
    push_due_at = CASE WHEN {_CANCELS} THEN $3::timestamptz END,
    push_attempts = CASE WHEN {_CANCELS} THEN 0 ELSE push_attempts END,
    push_error = CASE WHEN {_CANCELS} THEN NULL ELSE push_error END
WHERE tenant_id = $1 AND id = $2 AND stopped_at IS NULL
"""


async def stop_shipment(
    conn: asyncpg.Connection,
    tenant_id: str,
    shipment_id: uuid.UUID,
    now: datetime,
    cancelling_carriers: Sequence[str] = (),
) -> int:
    """Stop tracking: no more polls, sweeps, carrier subscription or pushes; notices not yet sent are
    dead-lettered (``tracking stopped``). A subscription of one of ``cancelling_carriers`` (those with a cancel
    call) is queued for cancellation (``push_state`` 'cancelling', ``tracking_service.subscriptions``); any
    other is left to run out ('stopped'). Returns how many notices were cancelled; a second stop is a no-op."""
    async with conn.transaction():
        await conn.execute(STOP_SQL, tenant_id, shipment_id, now, list(cancelling_carriers))
        cancelled = await conn.execute(
            "UPDATE outbox SET status = 'dead', last_error = 'tracking stopped', lease_owner = NULL"
            " WHERE tenant_id = $1 AND shipment_id = $2 AND status = 'pending'",
            tenant_id,
            shipment_id,
        )
    return int(cancelled.split()[-1])


# A cancellation in flight holds push_due_at one lease ahead: the new subscription waits for it to land.
RESUME_SQL = f"""
UPDATE shipments
SET stopped_at = NULL, updated_at = $4::timestamptz, sweep_at = $4,
    next_poll_at = CASE WHEN status IN {TERMINAL_SQL} THEN NULL ELSE $4::timestamptz END,
    push_state = CASE WHEN r.subscribe THEN 'pending' END,
    push_due_at = CASE WHEN r.subscribe THEN GREATEST(COALESCE(push_due_at, $4), $4::timestamptz) END,
    push_attempts = 0,
    push_error = NULL
FROM unnest($1::text[], $2::uuid[], $3::bool[]) AS r(tenant_id, id, subscribe)
WHERE shipments.tenant_id = r.tenant_id AND shipments.id = r.id AND shipments.stopped_at IS NOT NULL
"""


async def resume_shipments(
    conn: asyncpg.Connection, stopped: Sequence[tuple[str, uuid.UUID, bool]], now: datetime
) -> list[ShipmentRow]:
    """Track stopped shipments again (registered anew): polled and swept at once, and subscribed again where
    the carrier pushes — (tenant, id, subscribe) each. Answers the rows as stored now."""
    if not stopped:
        return []
    await conn.execute(RESUME_SQL, *columns(stopped, 0, 1, 2), now)
    rows = await conn.fetch(
        f"SELECT {SHIPMENT_COLUMNS} FROM shipments"
        " WHERE (tenant_id, id) IN (SELECT * FROM unnest($1::text[], $2::uuid[]))",
        *columns(stopped, 0, 1),
    )
    return [ShipmentRow.of(row) for row in rows]
