"""SQL behind answers: finding the asker's shipments, the linked return, logging questions, carriers used."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from tracking_service.db.core import fetch_rows
from tracking_service.db.shipments import SHIPMENT_COLUMNS, ShipmentRow

# Tracking numbers first, then order ids, then the phone's last 4 (each through its (column, tenant_id) index).
SHIPMENTS_NAMED_SQL = f"""
    SELECT {SHIPMENT_COLUMNS} FROM shipments
    WHERE (tracking_number = ANY($1::text[]) OR order_id = ANY($3::text[]) OR phone_last4_hash = ANY($4::bytea[]))
      AND ($2::text[] IS NULL OR tenant_id = ANY($2))
    ORDER BY tracking_number = ANY($1::text[]) DESC, COALESCE(order_id = ANY($3::text[]), false) DESC,
             created_at DESC, id
    LIMIT 20
"""


async def shipments_by_numbers(
    conn: asyncpg.Connection | asyncpg.Pool,
    tenants: list[str] | None,
    numbers: list[str],
    order_ids: list[str],
    phone_last4_hashes: list[bytes] | None = None,
) -> list[ShipmentRow]:
    """Shipments of ``tenants`` named in a buyer's message by tracking number, order id or the keyed hash of
    the phone's last 4 digits, in that order (newest first within each)."""
    rows = await conn.fetch(SHIPMENTS_NAMED_SQL, numbers, tenants, order_ids, phone_last4_hashes or [])
    return [ShipmentRow.of(row) for row in rows]


async def return_of(
    conn: asyncpg.Connection | asyncpg.Pool, tenant_id: str, shipment_id: uuid.UUID
) -> ShipmentRow | None:
    """The newest return parcel registered against an outbound shipment."""
    row = await conn.fetchrow(
        f"SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE tenant_id = $1 AND linked_shipment_id = $2"
        " ORDER BY created_at DESC LIMIT 1",
        tenant_id,
        shipment_id,
    )
    return ShipmentRow.of(row) if row is not None else None


async def log_question(
    conn: asyncpg.Connection | asyncpg.Pool,
    tenant_id: str,
    intent: str,
    locale: str,
    shipment_id: uuid.UUID | None,
    now: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO questions (tenant_id, id, intent, locale, shipment_id, asked_at) VALUES ($1, $2, $3, $4, $5, $6)",
        tenant_id,
        uuid.uuid4(),
        intent,
        locale,
        shipment_id,
        now,
    )


async def carriers_used(conn: asyncpg.Connection | asyncpg.Pool, tenant_id: str, now: datetime) -> list[asyncpg.Record]:
    """The tenant's most used carriers among its last 1,000 parcels of the last 90 days: adapter code and the
    name buyers know. Bounded, so a presale question at Double-11 volume reads at most 1,000 index entries."""
    return await fetch_rows(
        conn,
        """
        SELECT carrier, COALESCE(sub_carrier, carrier) AS shown, count(*) AS n
        FROM (SELECT carrier, sub_carrier FROM shipments
              WHERE tenant_id = $1 AND created_at > $2::timestamptz - interval '90 days'
              ORDER BY created_at DESC LIMIT 1000) recent
        GROUP BY 1, 2 ORDER BY n DESC, 2 LIMIT 3
        """,
        tenant_id,
        now,
    )
