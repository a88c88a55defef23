"""SQL of API keys. Only SHA-256 hashes of keys are stored, with a short prefix to tell them apart."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from tracking_service.db.core import fetch_row
from tracking_service.db.keyset import Listing

KEY_COLUMNS = "k.id, k.prefix, k.role, k.tenant_ids, k.name, k.created_at, k.last_used_at, k.expires_at, k.revoked_at"
# Every key, revoked and expired ones too, newest first; ``tenant`` narrows to keys naming it.
KEYS = Listing(
    f"SELECT {KEY_COLUMNS} FROM api_keys k",
    "k.tenant_ids",
    ("k.created_at", "k.id"),
    {"role": "k.role = ${}"},
    scope="{column} && $1",
)

# A key is honoured while it is neither revoked nor past its expiry ($2 is "now", from the service's clock).
VALID = "k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $2)"


async def insert_key(
    conn: asyncpg.Connection,
    key_hash: bytes,
    prefix: str,
    role: str,
    tenant_ids: list[str],
    name: str | None,
    now: datetime,
    expires_at: datetime | None = None,
) -> uuid.UUID:
    key_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO api_keys (id, key_hash, prefix, role, tenant_ids, name, created_at, expires_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key_hash) DO NOTHING",
        key_id,
        key_hash,
        prefix,
        role,
        tenant_ids,
        name,
        now,
        expires_at,
    )
    return key_id


FIND_KEY_SQL = (
    f"SELECT k.id, k.role, k.tenant_ids, k.expires_at, k.last_used_at FROM api_keys k WHERE k.key_hash = $1 AND {VALID}"
)


async def find_key(conn: asyncpg.Connection | asyncpg.Pool, key_hash: bytes, now: datetime) -> asyncpg.Record | None:
    """The key of this hash if it is honoured at ``now`` (every request whose key is not cached)."""
    return await fetch_row(conn, FIND_KEY_SQL, key_hash, now)


async def touch_key(conn: asyncpg.Connection | asyncpg.Pool, key_id: uuid.UUID, now: datetime, stale: datetime) -> None:
    """Set ``last_used_at`` to ``now`` unless some replica already did so after ``stale``."""
    await conn.execute(
        "UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
        key_id,
        now,
        stale,
    )


async def lock_key(conn: asyncpg.Connection, key_id: uuid.UUID) -> asyncpg.Record | None:
    """The key's row, locked until the transaction ends."""
    return await fetch_row(conn, f"SELECT {KEY_COLUMNS} FROM api_keys k WHERE k.id = $1 FOR UPDATE", key_id)


async def revoke_key(conn: asyncpg.Connection, key_id: uuid.UUID, now: datetime) -> None:
    await conn.execute("UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", key_id, now)
