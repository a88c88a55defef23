"""SQL of console sessions. Only SHA-256 hashes of session tokens are stored."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from tracking_service.db.core import fetch_row
from tracking_service.db.keys import VALID


async def insert_session(
    conn: asyncpg.Connection | asyncpg.Pool, token_hash: bytes, key_id: uuid.UUID, now: datetime, expires_at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO console_sessions (token_hash, key_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        token_hash,
        key_id,
        now,
        expires_at,
    )


SESSION_KEY_SQL = f"""
SELECT k.id, k.role, k.tenant_ids, k.last_used_at FROM console_sessions s JOIN api_keys k ON k.id = s.key_id
WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND {VALID}
"""


async def session_key(
    conn: asyncpg.Connection | asyncpg.Pool, token_hash: bytes, now: datetime
) -> asyncpg.Record | None:
    """The key of a session that is open at ``now`` (not expired, not logged out) and whose key is still valid
    (every console request)."""
    return await fetch_row(conn, SESSION_KEY_SQL, token_hash, now)


async def revoke_session(conn: asyncpg.Connection | asyncpg.Pool, token_hash: bytes, now: datetime) -> None:
    await conn.execute(
        "UPDATE console_sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL", token_hash, now
    )


async def purge_sessions(conn: asyncpg.Connection | asyncpg.Pool, now: datetime) -> int:
    """Delete sessions that ended (expired or logged out) before ``now``; a deleted token is refused the same."""
    result: str = await conn.execute("DELETE FROM console_sessions WHERE expires_at <= $1 OR revoked_at <= $1", now)
    return int(result.split()[-1])
