"""SQL of webhook subscriptions."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

import asyncpg

from tracking_service.db.core import fetch_row
from tracking_service.db.keyset import Listing

COLUMNS = "tenant_id, id, url, events, created_at"

# The tenant's live subscriptions (``{"live": True}`` is always passed), newest first.
LIVE = Listing(
    "SELECT s.tenant_id, s.id, s.url, s.events, s.created_at FROM subscriptions s",
    "s.tenant_id",
    ("s.created_at", "s.id"),
    {"live": "(s.deleted_at IS NULL) = ${}"},
)


async def insert_subscription(
    conn: asyncpg.Connection | asyncpg.Pool,
    tenant_id: str,
    url: str,
    events: list[str],
    sealed: tuple[bytes, str],
    now: datetime,
) -> asyncpg.Record:
    """A subscription whose signing secret is stored sealed (``sealed`` = ciphertext, key id)."""
    row = await conn.fetchrow(
        f"INSERT INTO subscriptions (tenant_id, id, url, events, secret_sealed, secret_key_id, created_at)"
        f" VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}",
        tenant_id,
        uuid.uuid4(),
        url,
        events,
        *sealed,
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


async def signing_target(
    conn: asyncpg.Connection | asyncpg.Pool, tenant_id: str, subscription_id: uuid.UUID
) -> asyncpg.Record | None:
    """Where a notice goes and its sealed secret; deleted subscriptions included (``deleted_at`` says so)."""
    return await fetch_row(
        conn,
        "SELECT url, secret_sealed, secret_key_id, deleted_at FROM subscriptions WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        subscription_id,
    )


async def seal_clear_secrets(conn: asyncpg.Connection | asyncpg.Pool, seal: Callable[[str], tuple[bytes, str]]) -> int:
    """Seal the secrets of subscriptions stored before secrets were sealed (run at start-up); how many."""
    rows = await conn.fetch("SELECT tenant_id, id, secret FROM subscriptions WHERE secret IS NOT NULL")
    for row in rows:
        sealed, key_id = seal(row["secret"])
        await conn.execute(
            "UPDATE subscriptions SET secret_sealed = $3, secret_key_id = $4, secret = NULL"
            " WHERE tenant_id = $1 AND id = $2",
            row["tenant_id"],
            row["id"],
            sealed,
            key_id,
        )
    return len(rows)
