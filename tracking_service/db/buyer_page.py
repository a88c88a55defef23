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


async def find_for_lookup(
    conn: asyncpg.Connection | asyncpg.Pool, order_id: str, phone_last4_hash: bytes
) -> ShipmentRow | None:
    """The newest shipment of any shop with this order id and buyer phone (``GET /track``)."""
    row = await conn.fetchrow(
        f"SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE order_id = $1 AND phone_last4_hash = $2"
        " ORDER BY created_at DESC LIMIT 1",
        order_id,
        phone_last4_hash,
    )
    return ShipmentRow.of(row) if row is not None else None


async def count_attempt(conn: asyncpg.Connection | asyncpg.Pool, client: bytes, window_start: datetime) -> int:
    """Count one lookup of ``client`` in its minute; the minute's count so far, this one included."""
    value: int = await conn.fetchval(
        """
        INSERT INTO lookup_attempts AS a (tenant_id, client, window_start, attempts) VALUES ('', $1, $2, 1)
        ON CONFLICT (tenant_id, client, window_start) DO UPDATE SET attempts = a.attempts + 1
        RETURNING attempts
        """,
        client,
        window_start,
    )
    return value


async def purge_attempts(conn: asyncpg.Connection | asyncpg.Pool, before: datetime) -> None:
    await conn.execute("DELETE FROM lookup_attempts WHERE window_start < $1", before)
