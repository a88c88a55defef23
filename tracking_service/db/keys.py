"""SQL of API keys. Only SHA-256 hashes of keys are stored."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from tracking_service.db.core import fetch_row


async def insert_key(
    conn: asyncpg.Connection, key_hash: bytes, role: str, tenant_ids: list[str], name: str | None, now: datetime
) -> uuid.UUID:
    key_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO api_keys (id, key_hash, role, tenant_ids, name, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (key_hash) DO NOTHING",
        key_id,
        key_hash,
        role,
        tenant_ids,
        name,
        now,
    )
    return key_id


async def find_key(conn: asyncpg.Connection | asyncpg.Pool, key_hash: bytes) -> asyncpg.Record | None:
    return await fetch_row(
        conn, "SELECT id, role, tenant_ids FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL", key_hash
    )
