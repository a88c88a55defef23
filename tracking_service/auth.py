"""API keys: generation, hashing, and the principal a request acts as."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg

from schemas.api import Role
from tracking_service.db.keys import find_key

KEY_PREFIX = "tsk_"


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> bytes:
    """Keys are 256-bit random secrets, so one SHA-256 is enough (no password stretching needed)."""
    return hashlib.sha256(key.encode()).digest()


@dataclass(frozen=True, slots=True)
class Principal:
    key_id: uuid.UUID
    role: Role
    tenants: tuple[str, ...] | None  # None: every tenant (admin)

    @property
    def scope(self) -> list[str] | None:
        """Tenant list for SQL filters; None means all tenants."""
        return None if self.tenants is None else list(self.tenants)

    def can_see(self, tenant_id: str) -> bool:
        return self.tenants is None or tenant_id in self.tenants


class KeyCache:
    """Recently seen keys by hash, so a lookup costs no extra database round trip.

    A key revoked in the database stops working within ``ttl_seconds`` on every replica; 0 disables the cache.
    Only known keys are cached, and the cache is emptied when full, so unknown keys cannot grow it.
    """

    def __init__(self, ttl_seconds: float = 5.0, max_entries: int = 10_000) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._entries: dict[bytes, tuple[float, Any]] = {}

    def get(self, key_hash: bytes) -> Any | None:
        entry = self._entries.get(key_hash)
        if entry is None:
            return None
        if entry[0] < time.monotonic():
            del self._entries[key_hash]
            return None
        return entry[1]

    def put(self, key_hash: bytes, row: Any) -> None:
        if self.ttl_seconds <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key_hash] = (time.monotonic() + self.ttl_seconds, row)


async def find_principal(cache: KeyCache, db: asyncpg.Pool, key: str) -> Principal | None:
    """The principal of ``key`` if it is known and not revoked; the key's row is cached for a few seconds."""
    key_hash = hash_key(key)
    row = cache.get(key_hash)
    if row is None:
        row = await find_key(db, key_hash)
        if row is None:
            return None
        cache.put(key_hash, row)
    role = Role(row["role"])
    return Principal(row["id"], role, None if role is Role.ADMIN else tuple(row["tenant_ids"]))
