"""Checks that an API key is kept only as its hash: the raw bytea, never the plaintext or a rendering of it.

``key_hash::text`` renders bytea as hex (``\\x…``), so looking for the plaintext there passes even when the
key is stored in clear. These helpers read the column as ``bytes`` (asyncpg's type for bytea) instead.
"""

from __future__ import annotations

import asyncpg

from tracking_service.auth import hash_key


def assert_is_hash_of(stored: object, key: str) -> None:
    """``stored`` (a raw ``key_hash`` value) is the production hash of ``key`` and does not contain it."""
    assert isinstance(stored, bytes), f"key_hash must come back as bytes, got {type(stored).__name__}"
    assert stored == hash_key(key), "the row does not hold the production hash of its key"
    assert key.encode() not in stored, "key_hash contains the plaintext key"


async def assert_plaintext_nowhere(conn: asyncpg.Connection, *keys: str) -> None:
    """No ``key_hash`` in the table equals or contains any of ``keys`` (as UTF-8 bytes)."""
    stored: list[bytes] = [row["key_hash"] for row in await conn.fetch("SELECT key_hash FROM api_keys")]
    assert stored, "api_keys is empty: nothing was checked"
    for key in keys:
        plaintext = key.encode()
        assert all(plaintext not in value for value in stored), "a key_hash contains a plaintext key"
        assert await conn.fetchval("SELECT count(*) FROM api_keys WHERE key_hash = $1", plaintext) == 0
