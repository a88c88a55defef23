"""SQL of desk links: the desk's own ticket/conversation id per shipment."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg


async def get_link(
    conn: asyncpg.Connection | asyncpg.Pool, tenant_id: str, shipment_id: uuid.UUID, desk: str
) -> str | None:
    value: str | None = await conn.fetchval(
        "SELECT external_id FROM desk_links WHERE tenant_id = $1 AND shipment_id = $2 AND desk = $3",
        tenant_id,
        shipment_id,
        desk,
    )
    return value


async def save_link(
    conn: asyncpg.Connection | asyncpg.Pool,
    tenant_id: str,
    shipment_id: uuid.UUID,
    desk: str,
    external_id: str,
    now: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO desk_links (tenant_id, shipment_id, desk, external_id, created_at) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (tenant_id, shipment_id, desk) DO UPDATE SET external_id = excluded.external_id",
        tenant_id,
        shipment_id,
        desk,
        external_id,
        now,
    )
