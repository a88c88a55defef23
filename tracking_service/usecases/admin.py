"""Running the service for its shops: tenants, their settings, and API keys (admin only; the API checks the
role before calling these)."""

from __future__ import annotations

from typing import Any

from schemas.api import KeyCreate, KeyCreated, Role, TenantCreate, TenantSettings
from tracking_service.auth import generate_key, hash_key, key_prefix
from tracking_service.db import keys as keys_sql
from tracking_service.db import tenants as tenants_sql
from tracking_service.pii import seal_credentials
from tracking_service.services import Services
from tracking_service.usecases.errors import Conflict, Invalid, NotFound


async def create_tenant(svc: Services, body: TenantCreate) -> dict[str, Any]:
    row = await tenants_sql.insert_tenant(svc.db, body.id, body.name, body.timezone, body.locale.value, svc.clock.now())
    if row is None:
        raise Conflict(f"tenant {body.id!r} already exists")
    return dict(row)


async def put_settings(svc: Services, tenant_id: str, body: TenantSettings) -> dict[str, Any]:
    """Replace a tenant's settings; desk credentials are sealed at rest and never echoed back."""
    stored = body.model_dump(mode="json")
    shown = body.model_dump(mode="json")
    if body.desk is not None:
        stored["desk"]["credentials"] = seal_credentials(svc.vault, body.desk.credentials)
        shown["desk"]["credentials"] = {"configured": sorted(body.desk.credentials)}
    if not await tenants_sql.update_settings(svc.db, tenant_id, stored):
        raise NotFound("tenant")
    return {"tenant": tenant_id, "settings": shown}


async def create_key(svc: Services, body: KeyCreate) -> dict[str, Any]:
    """A new API key, its secret shown this once. Agent and service keys name the tenants they may act for,
    which must exist; admin keys act for every tenant and take no list (a list would suggest a shop-scoped
    admin that does not exist)."""
    if body.role is not Role.ADMIN and not body.tenants:
        raise Invalid("agent and service keys need at least one tenant", "tenants", "too_short", "at least one tenant")
    if body.role is Role.ADMIN and body.tenants:
        raise Invalid(
            "admin keys act for every tenant: leave `tenants` empty, or make an agent or service key for these shops",
            "tenants",
            msg="must be empty for an admin key",
        )
    now = svc.clock.now()
    if body.expires_at is not None and body.expires_at <= now:
        raise Invalid("expires_at must be in the future", "expires_at", msg="must be in the future")
    tenants = sorted(set(body.tenants))
    secret = generate_key()
    async with svc.db.acquire() as conn:
        missing = set(tenants) - await tenants_sql.existing_tenants(conn, tenants)
        if missing:
            raise Invalid(f"unknown tenants: {', '.join(sorted(missing))}", "tenants", msg="unknown tenant")
        prefix = key_prefix(secret)
        key_id = await keys_sql.insert_key(
            conn, hash_key(secret), prefix, body.role.value, tenants, body.name, now, body.expires_at
        )
    shown = {
        "id": str(key_id),
        "key": secret,
        "prefix": prefix,
        "role": body.role,
        "tenants": tenants,
        "name": body.name,
        "created_at": now,
        "last_used_at": None,
        "expires_at": body.expires_at,
        "revoked_at": None,
    }
    return KeyCreated.shape(shown)
