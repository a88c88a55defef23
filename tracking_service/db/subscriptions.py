"""SQL of webhook subscriptions."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from tracking_service.db.core import fetch_row

COLUMNS = "tenant_id, id, url, events, created_at"


async def insert_subscription(
    conn: asyncpg.Connection | asyncpg.Pool, tenant_id: str, url: str, events: list[str], secret: str, now: datetime
) -> asyncpg.Record:
    row = await conn.fetchrow(
        f"INSERT INTO subscriptions (tenant_id, id, url, events, secret, created_at)"
        f" VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}",
        tenant_id,
        uuid.uuid4(),
        url,
        events,
        secret,
        now,
    )
    assert row is not None
    return row


async def get_subscription(
    conn: asyncpg.Connection | asyncpg.Pool, subscription_id: uuid.UUID, tenants: list[str] | None
) -> asyncpg.Record | None:
    return await fetch_row(
        conn,
        f"SELECT {COLUMNS} FROM subscriptions"
        " WHERE id = $1 AND deleted_at IS NULL AND ($2::text[] IS NULL OR tenant_id = ANY($2))",
        subscription_id,
        tenants,
    )


async def delete_subscription(
    conn: asyncpg.Connection | asyncpg.Pool, subscription_id: uuid.UUID, tenants: list[str] | None, now: datetime
) -> bool:
    result: str = await conn.execute(
        "UPDATE subscriptions SET deleted_at = $3"
        " WHERE id = $1 AND deleted_at IS NULL AND ($2::text[] IS NULL OR tenant_id = ANY($2))",
        subscription_id,
        tenants,
        now,
    )
    return result.endswith(" 1")
