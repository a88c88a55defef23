"""SQL the console reads beside the aggregates it shows: the agent's shops (name and time zone) and the
tracking numbers of the parcels a list of incidents or claims names."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg


async def shops(conn: asyncpg.Connection | asyncpg.Pool, tenant_ids: list[str] | None) -> list[asyncpg.Record]:
    """Each shop of ``tenant_ids`` (None = every shop): ``id``, ``name``, ``timezone``, by id."""
    return list(
        await conn.fetch(
            "SELECT id, name, timezone FROM tenants WHERE $1::text[] IS NULL OR id = ANY($1) ORDER BY id", tenant_ids
        )
    )


async def tracking_numbers(
    conn: asyncpg.Connection | asyncpg.Pool, parcels: Sequence[tuple[str, uuid.UUID]]
) -> dict[uuid.UUID, str]:
    """The tracking number of each (tenant, shipment id), through the shipments' primary key."""
    if not parcels:
        return {}
    rows = await conn.fetch(
        "SELECT s.id, s.tracking_number FROM unnest($1::text[], $2::uuid[]) AS p(tenant_id, id)"
        " JOIN shipments s ON s.tenant_id = p.tenant_id AND s.id = p.id",
        [tenant for tenant, _ in parcels],
        [shipment for _, shipment in parcels],
    )
    return {r["id"]: r["tracking_number"] for r in rows}
