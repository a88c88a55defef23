"""The per-request key and console-session lookups use their indexes (EXPLAIN over thousands of rows)."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from tracking_service.db.console_sessions import SESSION_KEY_SQL
from tracking_service.db.keys import FIND_KEY_SQL

NOW = datetime.now(UTC)  # the sessions below are open now, as most are (ended ones are purged)


async def _plan(conn: asyncpg.Connection, sql: str, *args: object) -> str:
    return "\n".join(r[0] for r in await conn.fetch("EXPLAIN " + sql, *args))


async def test_a_key_is_found_by_its_hash_through_the_unique_index(conn: asyncpg.Connection) -> None:
    await conn.execute(
        """
        INSERT INTO api_keys (id, key_hash, prefix, role, tenant_ids, created_at)
        SELECT gen_random_uuid(), sha256(g::text::bytea), 'tsk_', 'agent', ARRAY['t'], now()
        FROM generate_series(1, 20000) g
        """
    )
    await conn.execute("ANALYZE api_keys")
    plan = await _plan(conn, FIND_KEY_SQL, b"\x00" * 32, NOW)
    assert "api_keys_key_hash_key" in plan, plan


async def test_a_console_session_is_found_by_its_token_hash_through_the_primary_key(conn: asyncpg.Connection) -> None:
    await conn.execute(
        """
        WITH k AS (
            INSERT INTO api_keys (id, key_hash, prefix, role, tenant_ids, created_at)
            SELECT gen_random_uuid(), sha256(g::text::bytea), 'tsk_', 'agent', ARRAY['t'], now()
            FROM generate_series(1, 2000) g RETURNING id
        )
        INSERT INTO console_sessions (token_hash, key_id, created_at, expires_at)
        SELECT sha256((k.id::text || g::text)::bytea), k.id, now(), now() + interval '12 hours'
        FROM k, generate_series(1, 10) g
        """
    )
    await conn.execute("ANALYZE api_keys; ANALYZE console_sessions")
    plan = await _plan(conn, SESSION_KEY_SQL, b"\x00" * 32, NOW)
    assert "console_sessions_pkey" in plan and "api_keys_pkey" in plan, plan
