"""SQL of the carrier-subscription job (SPEC §10): claim due subscriptions with SKIP LOCKED, store outcomes.

A shipment of a carrier that pushes is registered with ``push_state = 'pending'`` and ``push_due_at = now``.
Claiming pushes ``push_due_at`` one lease ahead, so a crashed replica's claims come back by themselves and
two replicas never subscribe one number twice at once. Terminal shipments are never subscribed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from tracking_service.db.core import TERMINAL_SQL, columns, fetch_rows

CLAIM_SQL = f"""
WITH due AS (
    SELECT tenant_id, id FROM shipments
    WHERE push_due_at <= $1 AND push_state IN ('pending', 'failed') AND carrier = ANY($4::text[])
      AND status NOT IN {TERMINAL_SQL}
    ORDER BY push_due_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
UPDATE shipments s
SET push_due_at = $1 + make_interval(secs => $3)
FROM due
WHERE s.tenant_id = due.tenant_id AND s.id = due.id
RETURNING s.tenant_id, s.id, s.carrier, s.tracking_number, s.sub_carrier, s.created_at, s.buyer_sealed,
          s.buyer_key_id, s.push_attempts
"""

# Subscribed: the carrier pushes from now on, so polls fall back to the safety net. Failed: retried at
# ``due_at`` (NULL once the attempts are used up: polling alone carries the parcel).
RELEASE_SQL = """
UPDATE shipments s
SET push_state = CASE WHEN o.error IS NULL THEN 'subscribed' ELSE 'failed' END,
    push_attempts = CASE WHEN o.error IS NULL THEN 0 ELSE s.push_attempts + 1 END,
    push_error = o.error,
    push_due_at = o.due_at,
    next_poll_at = CASE WHEN o.error IS NULL AND s.next_poll_at IS NOT NULL
                        THEN GREATEST(s.next_poll_at, $5::timestamptz + $6::float8 * interval '1 second')
                        ELSE s.next_poll_at END,
    updated_at = $5::timestamptz
FROM unnest($1::text[], $2::uuid[], $3::text[], $4::timestamptz[]) AS o(tenant_id, id, error, due_at)
WHERE s.tenant_id = o.tenant_id AND s.id = o.id AND s.push_state IN ('pending', 'failed')
"""


@dataclass(frozen=True, slots=True)
class SubscribeOutcome:
    tenant_id: str
    shipment_id: uuid.UUID
    error: str | None  # None: subscribed
    due_at: datetime | None  # the next attempt, for a failure


async def claim_due(
    conn: asyncpg.Connection, now: datetime, limit: int, lease_seconds: float, carriers: list[str]
) -> list[asyncpg.Record]:
    return await fetch_rows(conn, CLAIM_SQL, now, limit, lease_seconds, carriers)


async def release(
    conn: asyncpg.Connection, outcomes: list[SubscribeOutcome], now: datetime, safety_net_seconds: float
) -> None:
    if not outcomes:
        return
    await conn.execute(
        RELEASE_SQL,
        *columns(outcomes, "tenant_id", "shipment_id", "error", "due_at"),
        now,
        safety_net_seconds,
    )
