"""SQL of the poll lease: claim due shipments with SKIP LOCKED, then release them.

Claiming sets ``lease_until`` (not indexed, so the update is in place) and ``lease_owner``; a due shipment
whose lease has run out is claimable again, so a crashed poller's shipments come back by themselves.
Releasing writes the outcome, the next ``next_poll_at`` and clears the lease.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from tracking_service.db.core import TERMINAL_SQL, columns, fetch_row, fetch_rows

CLAIM_COLUMNS = (
    "s.tenant_id, s.id, s.carrier, s.tracking_number, s.sub_carrier, s.status, s.created_at,"
    " s.buyer_sealed, s.buyer_key_id, s.last_event_at, s.poll_failures, s.last_poll_error"
)

CLAIM_DUE_SQL = f"""
WITH due AS (
    SELECT tenant_id, id FROM shipments
    WHERE next_poll_at <= $1 AND (lease_until IS NULL OR lease_until <= $1) AND NOT (carrier = ANY($4::text[]))
    ORDER BY next_poll_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
UPDATE shipments s
SET lease_until = $1 + make_interval(secs => $3), lease_owner = $5
FROM due
WHERE s.tenant_id = due.tenant_id AND s.id = due.id
RETURNING {CLAIM_COLUMNS}
"""


@dataclass(frozen=True, slots=True)
class PollOutcome:
    """How one claimed shipment's poll ended, as the poller decided."""

    tenant_id: str
    shipment_id: uuid.UUID
    next_poll_at: datetime | None
    poll_failures: int
    error: str | None
    expire: bool  # NOT_FOUND past the give-up window: status becomes expired
    soon: bool = False  # the carrier asked to look again soon (17TRACK's first sync): even if it pushes


async def claim_due(
    conn: asyncpg.Connection,
    now: datetime,
    limit: int,
    lease_seconds: float,
    owner: str,
    skip_carriers: list[str],
) -> list[asyncpg.Record]:
    """Claim up to ``limit`` due shipments no other poller holds."""
    return await fetch_rows(conn, CLAIM_DUE_SQL, now, limit, lease_seconds, skip_carriers, owner)


async def claim_one(
    conn: asyncpg.Connection, tenant_id: str, shipment_id: uuid.UUID, now: datetime, lease_seconds: float, owner: str
) -> asyncpg.Record | None:
    """Claim one shipment for an on-demand refresh; None when another poller holds it."""
    return await fetch_row(
        conn,
        f"""
        UPDATE shipments s
        SET lease_until = $3 + make_interval(secs => $4), lease_owner = $5
        WHERE s.tenant_id = $1 AND s.id = $2
          AND (s.lease_until IS NULL OR s.lease_until <= $3)
        RETURNING {CLAIM_COLUMNS}
        """,
        tenant_id,
        shipment_id,
        now,
        lease_seconds,
        owner,
    )


async def release(
    conn: asyncpg.Connection, outcomes: list[PollOutcome], owner: str, now: datetime, safety_net_seconds: float
) -> None:
    """Write every outcome in one round trip and drop the lease (only where we still hold it).

    A parcel the carrier pushes (``push_state = 'subscribed'``) is looked at again no sooner than the
    safety net, whatever the poll cadence says: the push brings its news.

    What the results themselves say (events, ETA, sub-carrier, a changed status's cadence) is stored
    afterwards by ``ingest.apply_results``, the path pushes take too.
    """
    if not outcomes:
        return
    await conn.execute(
        f"""
        UPDATE shipments s
        SET next_poll_at = CASE WHEN s.status IN {TERMINAL_SQL} OR o.expire
                                THEN NULL
                                WHEN s.push_state = 'subscribed' AND o.next_poll_at IS NOT NULL AND NOT o.soon
                                THEN GREATEST(o.next_poll_at, $8::timestamptz + $10::float8 * interval '1 second')
                                ELSE o.next_poll_at END,
            lease_owner = NULL,
            lease_until = NULL,
            poll_failures = o.poll_failures,
            last_poll_error = o.error,
            last_polled_at = $8,
            status = CASE WHEN o.expire AND s.status = 'pending' THEN 'expired' ELSE s.status END,
            updated_at = $8
        FROM unnest($1::text[], $2::uuid[], $3::timestamptz[], $4::int[], $5::text[], $6::bool[], $7::bool[])
             AS o(tenant_id, id, next_poll_at, poll_failures, error, expire, soon)
        WHERE s.tenant_id = o.tenant_id AND s.id = o.id AND s.lease_owner = $9
        """,
        *columns(outcomes, "tenant_id", "shipment_id", "next_poll_at", "poll_failures", "error", "expire", "soon"),
        now,
        owner,
        safety_net_seconds,
    )


async def release_unfinished(
    conn: asyncpg.Pool | asyncpg.Connection, owner: str, claimed: list[tuple[str, uuid.UUID]]
) -> int:
    """Shutdown: clear this owner's lease on shipments it claimed but did not finish, so they are due at once."""
    if not claimed:
        return 0
    result: str = await conn.execute(
        """
        UPDATE shipments s SET lease_until = NULL, lease_owner = NULL
        FROM unnest($2::text[], $3::uuid[]) AS c(tenant_id, id)
        WHERE s.tenant_id = c.tenant_id AND s.id = c.id AND s.lease_owner = $1
        """,
        owner,
        [t for t, _ in claimed],
        [i for _, i in claimed],
    )
    return int(result.split()[-1])
