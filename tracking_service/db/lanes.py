"""SQL of the lane transit-time histogram (the materialised aggregate behind estimates)."""

from __future__ import annotations

import uuid

import asyncpg

from tracking_service.db.core import columns


def lane_upsert(delivered: str) -> str:
    """SQL adding the rows of ``delivered`` (tenant_id, carrier, origin, destination, hours) to their lanes."""
    return f"""
    INSERT INTO lane_transit AS t (tenant_id, carrier, level, origin, destination, bucket_hours, samples)
    SELECT d.tenant_id, d.carrier, l.level, l.origin, l.destination, d.hours, count(*)
    FROM {delivered} d
    CROSS JOIN LATERAL (VALUES
        ('city', concat_ws('/', d.origin->>'country', d.origin->>'region', d.origin->>'city'),
                 concat_ws('/', d.destination->>'country', d.destination->>'region', d.destination->>'city')),
        ('region', concat_ws('/', d.origin->>'country', d.origin->>'region'),
                   concat_ws('/', d.destination->>'country', d.destination->>'region')),
        ('country', COALESCE(d.origin->>'country', ''), COALESCE(d.destination->>'country', '')),
        ('carrier', '', '')
    ) AS l(level, origin, destination)
    GROUP BY d.tenant_id, d.carrier, l.level, l.origin, l.destination, d.hours
    ON CONFLICT (tenant_id, carrier, level, origin, destination, bucket_hours)
    DO UPDATE SET samples = t.samples + excluded.samples
    """


# Transit time of a delivered shipment, in whole hours from pickup (or registration).
TRANSIT_HOURS = "floor(extract(epoch FROM {s}.delivered_at - COALESCE({s}.picked_up_at, {s}.created_at)) / 3600)::int"

RECORD_SQL = f"""
WITH delivered AS (
    SELECT s.tenant_id, s.carrier, s.origin, s.destination, {TRANSIT_HOURS.format(s="s")} AS hours
    FROM shipments s
    JOIN unnest($1::text[], $2::uuid[]) AS k(tenant_id, id) ON s.tenant_id = k.tenant_id AND s.id = k.id
    WHERE s.delivered_at IS NOT NULL AND s.delivered_at >= COALESCE(s.picked_up_at, s.created_at)
)
{lane_upsert("delivered")}
"""


async def record_deliveries(conn: asyncpg.Connection, keys: list[tuple[str, uuid.UUID]]) -> None:
    """Add just-delivered shipments' transit times to their lanes (incremental refresh)."""
    if keys:
        await conn.execute(RECORD_SQL, *columns(keys, 0, 1))


async def histogram(
    conn: asyncpg.Connection | asyncpg.Pool,
    tenants: list[str] | None,
    carrier: str,
    level: str,
    origin: str,
    destination: str,
) -> list[tuple[int, int]]:
    """(bucket_hours, samples) of one lane, summed over the caller's tenants, ascending."""
    rows = await conn.fetch(
        """
        SELECT bucket_hours, sum(samples)::bigint AS samples FROM lane_transit
        WHERE ($1::text[] IS NULL OR tenant_id = ANY($1)) AND carrier = $2 AND level = $3
          AND origin = $4 AND destination = $5
        GROUP BY bucket_hours ORDER BY bucket_hours
        """,
        tenants,
        carrier,
        level,
        origin,
        destination,
    )
    return [(r["bucket_hours"], r["samples"]) for r in rows]
