"""SQL of the transactional outbox: enqueue with the cause, claim with SKIP LOCKED, settle, replay."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from tracking_service.db.core import columns, fetch_row, fetch_rows
from tracking_service.db.keyset import Listing

OUTBOX_COLUMNS = """
    o.tenant_id, o.id, o.channel, o.subscription_id, o.event_type, o.shipment_id, o.incident_id, o.payload,
    o.status, o.attempts, o.next_attempt_at, o.last_error, o.created_at, o.delivered_at
"""

# Webhook notices, one per live subscription of the tenant that asked for the event type.
ENQUEUE_WEBHOOKS_SQL = """
INSERT INTO outbox (tenant_id, id, channel, subscription_id, event_type, shipment_id, incident_id, payload,
                    next_attempt_at, created_at)
SELECT sub.tenant_id, gen_random_uuid(), 'webhook', sub.id, $5, i.shipment_id, i.incident_id,
       jsonb_build_object('type', $5, 'timestamp', $6::timestamptz, 'data', i.data), $6, $6
FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::jsonb[]) AS i(tenant_id, shipment_id, incident_id, data)
JOIN subscriptions sub ON sub.tenant_id = i.tenant_id AND sub.deleted_at IS NULL AND $5 = ANY(sub.events)
"""

# Buyer (email, sms) and desk notices of newly opened incidents; the dedupe key makes it at most one
# per (incident, channel) whatever retries or replicas do. Buyers who opted out, buyers without
# that contact, and disputes the buyer raised themselves get no buyer notice.
ENQUEUE_OPENED_SQL = """
INSERT INTO outbox (tenant_id, id, channel, event_type, shipment_id, incident_id, dedupe_key, payload,
                    next_attempt_at, created_at)
SELECT i.tenant_id, gen_random_uuid(), ch.channel, 'incident.opened', i.shipment_id, i.incident_id,
       i.incident_id::text || ':' || ch.channel,
       jsonb_build_object('type', 'incident.opened', 'timestamp', $5::timestamptz, 'data', i.data), $5, $5
FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::jsonb[]) AS i(tenant_id, shipment_id, incident_id, data)
JOIN tenants t ON t.id = i.tenant_id
JOIN shipments s ON s.tenant_id = i.tenant_id AND s.id = i.shipment_id
CROSS JOIN (VALUES ('email', 'email'), ('sms', 'phone'), ('desk', NULL)) AS ch(channel, contact)
WHERE CASE
    WHEN ch.channel = 'desk' THEN jsonb_typeof(t.settings->'desk') = 'object'
    ELSE COALESCE(t.settings->'channels', '[]'::jsonb) ? ch.channel
         AND NOT s.buyer_opted_out
         AND s.buyer_masked->>ch.contact IS NOT NULL
         AND i.data->>'kind' <> 'delivery_disputed'
END
ON CONFLICT (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
"""

CLAIM_SQL = f"""
WITH due AS (
    SELECT tenant_id, id FROM outbox
    WHERE status = 'pending' AND next_attempt_at <= $1
    ORDER BY next_attempt_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
UPDATE outbox o SET next_attempt_at = $1 + make_interval(secs => $3), lease_owner = $4
FROM due WHERE o.tenant_id = due.tenant_id AND o.id = due.id
RETURNING {OUTBOX_COLUMNS}
"""


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice to enqueue: whose it is, what it is about, and the event's ``data`` (``tracking_service.notices``
    makes these)."""

    tenant_id: str
    shipment_id: uuid.UUID
    incident_id: uuid.UUID | None
    data: dict[str, Any]


def _columns(
    notices: Sequence[Notice],
) -> tuple[list[str], list[uuid.UUID], list[uuid.UUID | None], list[dict[str, Any]]]:
    tenant_ids, shipment_ids, incident_ids, data = columns(notices, "tenant_id", "shipment_id", "incident_id", "data")
    return tenant_ids, shipment_ids, incident_ids, data


async def enqueue_webhooks(conn: asyncpg.Connection, event_type: str, notices: Sequence[Notice], now: datetime) -> None:
    """One webhook notice per live subscription of the notice's tenant that asked for ``event_type``."""
    if notices:
        await conn.execute(ENQUEUE_WEBHOOKS_SQL, *_columns(notices), event_type, now)


async def enqueue_opened(conn: asyncpg.Connection, incidents: Sequence[Notice], now: datetime) -> None:
    """The buyer's and the desk's notices of newly opened incidents."""
    if incidents:
        await conn.execute(ENQUEUE_OPENED_SQL, *_columns(incidents), now)


async def claim_due(
    conn: asyncpg.Connection, now: datetime, limit: int, lease_seconds: float, owner: str
) -> list[asyncpg.Record]:
    return await fetch_rows(conn, CLAIM_SQL, now, limit, lease_seconds, owner)


async def settle(
    conn: asyncpg.Connection,
    tenant_id: str,
    notice_id: uuid.UUID,
    owner: str,
    status: str,
    attempts: int,
    next_attempt_at: datetime,
    error: str | None,
    now: datetime,
) -> None:
    """Record one delivery attempt's outcome (only while we still hold the lease)."""
    await conn.execute(
        """
        UPDATE outbox SET status = $4, attempts = $5, next_attempt_at = $6, last_error = $7, lease_owner = NULL,
                          delivered_at = CASE WHEN $4 = 'delivered' THEN $8::timestamptz ELSE delivered_at END
        WHERE tenant_id = $1 AND id = $2 AND lease_owner = $3
        """,
        tenant_id,
        notice_id,
        owner,
        status,
        attempts,
        next_attempt_at,
        error,
        now,
    )


async def defer(conn: asyncpg.Connection, tenant_id: str, notice_id: uuid.UUID, owner: str, until: datetime) -> None:
    """Push a notice past quiet hours without counting an attempt."""
    await conn.execute(
        "UPDATE outbox SET next_attempt_at = $4, lease_owner = NULL"
        " WHERE tenant_id = $1 AND id = $2 AND lease_owner = $3",
        tenant_id,
        notice_id,
        owner,
        until,
    )


async def release_unfinished(conn: asyncpg.Pool | asyncpg.Connection, owner: str, now: datetime) -> int:
    """Shutdown: notices this owner claimed but did not settle are due again now (same id, so at most one resend)."""
    result: str = await conn.execute(
        "UPDATE outbox SET next_attempt_at = $2, lease_owner = NULL"
        " WHERE status = 'pending' AND next_attempt_at > $2 AND lease_owner = $1",
        owner,
        now,
    )
    return int(result.split()[-1])


NOTICES = Listing(
    f"SELECT {OUTBOX_COLUMNS} FROM outbox o", "o.tenant_id", ("o.created_at", "o.id"), {"status": "o.status = ${}"}
)


async def list_notices(
    conn: asyncpg.Connection | asyncpg.Pool,
    tenants: list[str] | None,
    status: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """Notices (all channels), newest first, keyset-paginated."""
    return await NOTICES.fetch(conn, tenants, {"status": status} if status else {}, after, limit)


async def replay(
    conn: asyncpg.Connection | asyncpg.Pool, notice_id: uuid.UUID, tenants: list[str] | None, now: datetime
) -> asyncpg.Record | None:
    """Put a dead (or delivered) notice back in the queue with the same id, so receivers can dedupe."""
    return await fetch_row(
        conn,
        f"""
        UPDATE outbox o SET status = 'pending', attempts = 0, next_attempt_at = $3, last_error = NULL,
                            lease_owner = NULL
        WHERE o.id = $1 AND ($2::text[] IS NULL OR o.tenant_id = ANY($2))
        RETURNING {OUTBOX_COLUMNS}
        """,
        notice_id,
        tenants,
        now,
    )


async def backlog(pool: asyncpg.Pool, now: datetime) -> tuple[int, float]:
    """Pending notices and the age in seconds of the oldest (through the partial due index)."""
    row = await pool.fetchrow(
        "SELECT count(*) AS pending, min(created_at) AS oldest FROM outbox WHERE status = 'pending'"
    )
    assert row is not None
    oldest = (now - row["oldest"]).total_seconds() if row["oldest"] else 0.0
    return int(row["pending"]), max(0.0, oldest)
