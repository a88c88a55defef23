"""SQL of the buyers' page (SPEC §11): the link generation, damage photos, and the lookup's throttle."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from tracking_service.db.shipments import SHIPMENT_COLUMNS, ShipmentRow


async def link_generation(
    conn: asyncpg.Connection | asyncpg.Pool, tenant_id: str, shipment_id: uuid.UUID
) -> int | None:
    """The generation of the shipment's page link (None: no such shipment)."""
    value: int | None = await conn.fetchval(
        "SELECT link_generation FROM shipments WHERE tenant_id = $1 AND id = $2", tenant_id, shipment_id
    )
    return value


async def revoke_link(
    conn: asyncpg.Connection | asyncpg.Pool, tenant_id: str, shipment_id: uuid.UUID, now: datetime
) -> ShipmentRow | None:
    """Retire the shipment's page link: the next generation makes a new token, the old one stops verifying."""
    row = await conn.fetchrow(
        f"UPDATE shipments SET link_generation = link_generation + 1, updated_at = $3"
        f" WHERE tenant_id = $1 AND id = $2 RETURNING {SHIPMENT_COLUMNS}",
        tenant_id,
        shipment_id,
        now,
    )
    return ShipmentRow.of(row) if row is not None else None


async def shipment_by_id(conn: asyncpg.Connection | asyncpg.Pool, shipment_id: uuid.UUID) -> ShipmentRow | None:
    """The shipment a link token names, whatever its shop (the token's tag is checked by the caller)."""
    row = await conn.fetchrow(f"SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE id = $1", shipment_id)
    return ShipmentRow.of(row) if row is not None else None
