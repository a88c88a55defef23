"""SQL of the tenant aggregate."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from tracking_service.db.core import fetch_row


async def insert_tenant(
    conn: asyncpg.Connection | asyncpg.Pool, tenant_id: str, name: str, timezone: str, locale: str, now: datetime
) -> asyncpg.Record | None:
    """Insert a tenant; None when the id is taken."""
    return await fetch_row(
        conn,
        "INSERT INTO tenants (id, name, timezone, locale, created_at) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (id) DO NOTHING RETURNING id, name, timezone, locale, created_at",
        tenant_id,
        name,
        timezone,
        locale,
        now,
    )


async def get_tenant(conn: asyncpg.Connection, tenant_id: str) -> asyncpg.Record | None:
    return await fetch_row(
        conn, "SELECT id, name, timezone, locale, settings, created_at FROM tenants WHERE id = $1", tenant_id
    )


async def existing_tenants(conn: asyncpg.Connection | asyncpg.Pool, tenant_ids: list[str]) -> set[str]:
    rows = await conn.fetch("SELECT id FROM tenants WHERE id = ANY($1::text[])", tenant_ids)
    return {r["id"] for r in rows}


async def update_settings(conn: asyncpg.Connection | asyncpg.Pool, tenant_id: str, settings: dict[str, Any]) -> bool:
    result: str = await conn.execute("UPDATE tenants SET settings = $2 WHERE id = $1", tenant_id, settings)
    return result.endswith(" 1")


async def time_zones(conn: asyncpg.Connection | asyncpg.Pool, tenant_ids: list[str] | None) -> dict[str, str]:
    """Each tenant's IANA time zone, for ``tenant_ids`` (None = every tenant)."""
    rows = await conn.fetch("SELECT id, timezone FROM tenants WHERE $1::text[] IS NULL OR id = ANY($1)", tenant_ids)
    return {r["id"]: r["timezone"] for r in rows}


async def desk_base_url(conn: asyncpg.Connection | asyncpg.Pool, tenant_id: str, kind: str) -> str | None:
    """The base URL of the tenant's desk connector when it is of ``kind`` (no credentials are read)."""
    url: str | None = await conn.fetchval(
        "SELECT settings->'desk'->>'base_url' FROM tenants WHERE id = $1 AND settings->'desk'->>'kind' = $2",
        tenant_id,
        kind,
    )
    return url
