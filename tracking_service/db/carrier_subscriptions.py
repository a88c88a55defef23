"""SQL of the carrier-subscription job (SPEC §10, §12): claim due subscriptions and cancellations with SKIP
LOCKED, store outcomes.

A shipment of a carrier that pushes is registered with ``push_state = 'pending'`` and ``push_due_at = now``;
one stopped by DELETE whose carrier can cancel is ``'cancelling'`` with ``push_due_at = now``
(``db.stopping.stop_shipment``). Claiming pushes ``push_due_at`` one lease ahead, so a crashed replica's
claims come back by themselves and two replicas never ask the carrier about one shipment at once. Terminal
shipments are never subscribed; their subscriptions are still cancelled.

A cancellation is claimed with ``still_wanted``: whether a live shipment (``stopped_at IS NULL``) of any
tenant has the same carrier and number — the carrier account is the service's, shared by every tenant, so
the subscription then stays and only this shipment lets go of it (``'cancelled'`` without a call).
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


CLAIM_CANCEL_SQL = """
WITH due AS (
    SELECT tenant_id, id FROM shipments
    WHERE push_due_at <= $1 AND push_state = 'cancelling' AND carrier = ANY($4::text[])
      AND stopped_at IS NOT NULL
    ORDER BY push_due_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
UPDATE shipments s
SET push_due_at = $1 + make_interval(secs => $3)
FROM due
WHERE s.tenant_id = due.tenant_id AND s.id = due.id
RETURNING s.tenant_id, s.id, s.carrier, s.tracking_number, s.sub_carrier, s.created_at, s.buyer_sealed,
          s.buyer_key_id, s.push_attempts,
          EXISTS (SELECT 1 FROM shipments live
                  WHERE live.tracking_number = s.tracking_number AND live.carrier = s.carrier
                    AND live.stopped_at IS NULL) AS still_wanted
"""

# Cancelled (or left to a live shipment that still wants it); a failure stays 'cancelling' until ``due_at``,
# and is given up ('cancel_failed', the error kept) once the attempts are used up. A shipment registered
# again meanwhile (resumed: 'pending') is left alone.
RELEASE_CANCEL_SQL = """
UPDATE shipments s
SET push_state = CASE WHEN o.error IS NULL THEN 'cancelled'
                      WHEN o.due_at IS NULL THEN 'cancel_failed' ELSE 'cancelling' END,
    push_attempts = CASE WHEN o.error IS NULL THEN 0 ELSE s.push_attempts + 1 END,
    push_error = o.error,
    push_due_at = o.due_at,
    updated_at = $5
FROM unnest($1::text[], $2::uuid[], $3::text[], $4::timestamptz[]) AS o(tenant_id, id, error, due_at)
WHERE s.tenant_id = o.tenant_id AND s.id = o.id AND s.push_state = 'cancelling' AND s.stopped_at IS NOT NULL
"""

# The carrier stopped a number no live shipment wanted when it was claimed; one registered (or resumed) while
# the call was on its way may have been subscribed just before the stop landed: it subscribes again (17TRACK:
# ``register`` then ``retrack``). One the subscription job holds right now waits for its lease.
RESUBSCRIBE_SQL = f"""
UPDATE shipments
SET push_state = 'pending',
    push_due_at = CASE WHEN push_state = 'pending' THEN GREATEST(COALESCE(push_due_at, $3), $3::timestamptz)
                       ELSE $3::timestamptz END,
    push_attempts = 0,
    push_error = NULL,
    updated_at = $3
WHERE (carrier, tracking_number) IN (SELECT * FROM unnest($1::text[], $2::text[]))
  AND stopped_at IS NULL AND push_state IS NOT NULL AND status NOT IN {TERMINAL_SQL}
"""


@dataclass(frozen=True, slots=True)
class CancelOutcome:
    tenant_id: str
    shipment_id: uuid.UUID
    error: str | None  # None: cancelled, or left to a live shipment that still wants it
    due_at: datetime | None  # the next attempt, for a failure (None: given up)


async def claim_due_cancellations(
    conn: asyncpg.Connection, now: datetime, limit: int, lease_seconds: float, carriers: list[str]
) -> list[asyncpg.Record]:
    return await fetch_rows(conn, CLAIM_CANCEL_SQL, now, limit, lease_seconds, carriers)


async def release_cancellations(
    conn: asyncpg.Connection, outcomes: list[CancelOutcome], stopped: list[tuple[str, str]], now: datetime
) -> int:
    """Store the outcomes; live shipments of the (carrier, number) pairs the carrier just stopped subscribe
    again. Returns how many did."""
    async with conn.transaction():
        if outcomes:
            await conn.execute(
                RELEASE_CANCEL_SQL, *columns(outcomes, "tenant_id", "shipment_id", "error", "due_at"), now
            )
        if not stopped:
            return 0
        again = await conn.execute(RESUBSCRIBE_SQL, *columns(stopped, 0, 1), now)
    return int(again.split()[-1])
