"""API keys: generation, hashing, and the principal a request acts as."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from schemas.api import Role

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
