"""API keys: generation, hashing, and the principal a request acts as."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from schemas.api import Role
from tracking_service.db.keys import find_key, touch_key

KEY_PREFIX = "tsk_"
SHOWN_PREFIX = 8
# last_used_at is kept to this resolution, so a busy key costs one UPDATE a minute, not one per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> bytes:
    """Keys are 256-bit random secrets, so one SHA-256 is enough (no password stretching needed)."""
    return hashlib.sha256(key.encode()).digest()


def key_prefix(key: str) -> str:
    """What lists show of a key: its first 8 characters (``tsk_`` and 4 random ones for generated keys), and
    never more than a quarter of it, so a short operator-chosen secret (bootstrap, demo) is not half shown."""
    return key[: min(SHOWN_PREFIX, len(key) // 4)]


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


def principal_of(row: asyncpg.Record) -> Principal:
    """The principal of a key's row (``id``, ``role``, ``tenant_ids``)."""
    role = Role(row["role"])
    return Principal(row["id"], role, None if role is Role.ADMIN else tuple(row["tenant_ids"]))


@dataclass(frozen=True, slots=True)
class KnownKey:
    """A key found valid in the database, as the cache keeps it."""

    principal: Principal
    expires_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, row: asyncpg.Record) -> KnownKey:
        return cls(principal_of(row), row["expires_at"], row["last_used_at"])

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


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

    def refresh(self, key_hash: bytes, row: Any) -> None:
        """Replace a cached entry's value, keeping its deadline: what the database said stays no older."""
        entry = self._entries.get(key_hash)
        if entry is not None:
            self._entries[key_hash] = (entry[0], row)

    def forget(self, key_id: uuid.UUID) -> None:
        """Drop the entry of ``key_id`` (a key revoked through this replica stops here at once)."""
        for key_hash, (_, known) in list(self._entries.items()):
            if isinstance(known, KnownKey) and known.principal.key_id == key_id:
                del self._entries[key_hash]


async def find_principal(cache: KeyCache, db: asyncpg.Pool, key: str, now: datetime) -> Principal | None:
    """The principal of ``key`` if it is known, not revoked and not expired at ``now``.

    The key's row is cached for ``cache.ttl_seconds``; an expired cached key is looked up again (and refused
    by the SQL). ``last_used_at`` is written cheaply: only when the value this replica knows (cached, or just
    read) is older than LAST_USED_RESOLUTION, and the UPDATE is a no-op when another replica wrote it within
    that minute. A busy key thus costs at most one UPDATE a minute per replica instead of one per request, and
    ``last_used_at`` is right to the minute."""
    key_hash = hash_key(key)
    known: KnownKey | None = cache.get(key_hash)
    if known is None or known.expired(now):
        row = await find_key(db, key_hash, now)
        if row is None:
            return None
        known = KnownKey.of(row)
        cache.put(key_hash, known)
    if await note_use(db, known.principal.key_id, known.last_used_at, now):
        cache.refresh(key_hash, replace(known, last_used_at=now))
    return known.principal


async def note_use(db: asyncpg.Pool, key_id: uuid.UUID, last_used_at: datetime | None, now: datetime) -> bool:
    """Record that the key was used at ``now`` when ``last_used_at`` is older than LAST_USED_RESOLUTION;
    True when it wrote."""
    stale = now - LAST_USED_RESOLUTION
    if last_used_at is not None and last_used_at >= stale:
        return False
    await touch_key(db, key_id, now, stale)
    return True
