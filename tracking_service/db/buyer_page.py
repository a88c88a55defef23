"""SQL of the buyers' page (SPEC §11): the link generation, damage photos, and the lookup's throttle."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from tracking_service.db.core import fetch_row, fetch_rows
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


@dataclass(frozen=True, slots=True)
class NewPhoto:
    id: uuid.UUID
    content_type: str
    width: int
    height: int
    data: bytes
    sha256: bytes


async def add_photos(
    conn: asyncpg.Connection,
    tenant_id: str,
    claim_id: uuid.UUID,
    photos: Sequence[NewPhoto],
    urls: list[str],
    now: datetime,
) -> None:
    """Store a claim's photos after those it has, and link them from the claim's ``evidence`` (call inside the
    claim's transaction)."""
    await conn.execute(
        """
        INSERT INTO claim_photos (tenant_id, id, claim_id, seq, content_type, width, height, size_bytes, sha256, data,
                                  created_at)
        SELECT $1, p.id, $2, COALESCE((SELECT max(seq) FROM claim_photos WHERE tenant_id = $1 AND claim_id = $2), 0)
                             + p.n, p.content_type, p.width, p.height, octet_length(p.data), p.sha256, p.data, $9
        FROM unnest($3::uuid[], $4::text[], $5::int[], $6::int[], $7::bytea[], $8::bytea[])
             WITH ORDINALITY AS p(id, content_type, width, height, data, sha256, n)
        """,
        tenant_id,
        claim_id,
        [p.id for p in photos],
        [p.content_type for p in photos],
        [p.width for p in photos],
        [p.height for p in photos],
        [p.data for p in photos],
        [p.sha256 for p in photos],
        now,
    )
    await conn.execute(
        "UPDATE claims SET evidence = evidence || $3::text[], updated_at = $4 WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        claim_id,
        urls,
        now,
    )


PHOTO_COLUMNS = "id, seq, content_type, width, height, size_bytes, created_at"


async def claim_photos(
    conn: asyncpg.Connection | asyncpg.Pool, tenant_id: str, claim_id: uuid.UUID
) -> list[asyncpg.Record]:
    """A claim's photos (without their bytes), in upload order."""
    return await fetch_rows(
        conn,
        f"SELECT {PHOTO_COLUMNS} FROM claim_photos WHERE tenant_id = $1 AND claim_id = $2 ORDER BY seq",
        tenant_id,
        claim_id,
    )


async def photo_bytes(
    conn: asyncpg.Connection | asyncpg.Pool, tenant_id: str, claim_id: uuid.UUID, photo_id: uuid.UUID
) -> asyncpg.Record | None:
    """One photo of one claim of one shop, with its bytes."""
    return await fetch_row(
        conn,
        "SELECT content_type, data, sha256 FROM claim_photos WHERE tenant_id = $1 AND claim_id = $2 AND id = $3",
        tenant_id,
        claim_id,
        photo_id,
    )
