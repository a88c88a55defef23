"""Running the service for its shops: tenants, their settings, and API keys (admin only; the API checks the
role before calling these)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from schemas.api import KeyCreate, Role, TenantCreate, TenantSettings
from tracking_service.auth import generate_key, hash_key
from tracking_service.db import keys as keys_sql
from tracking_service.db import tenants as tenants_sql
from tracking_service.pii import open_credentials, seal_credentials
from tracking_service.services import Services
from tracking_service.urlguard import UnsafeUrl, check_url
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
        try:
            await check_url(body.desk.base_url, svc.settings.allow_private_urls)
        except UnsafeUrl as exc:
            raise Invalid(str(exc), "desk.base_url") from exc
        stored["desk"]["credentials"] = seal_credentials(svc.vault, body.desk.credentials)
        shown["desk"]["credentials"] = {"configured": sorted(body.desk.credentials)}
    if not await tenants_sql.update_settings(svc.db, tenant_id, stored):
        raise NotFound("tenant")
    return {"tenant": tenant_id, "settings": shown}


async def get_settings(svc: Services, tenant_id: str) -> dict[str, Any]:
    """A tenant's settings as stored, every default filled in; desk credentials show only which are set."""
    tenant = await tenants_sql.get_tenant(svc.db, tenant_id)
    if tenant is None:
        raise NotFound("tenant")
    stored = dict(tenant["settings"] or {})
    sealed = (stored.get("desk") or {}).get("credentials")
    shown = TenantSettings.model_validate({**stored, "desk": None}).model_dump(mode="json")
    if stored.get("desk"):
        credentials = open_credentials(svc.vault, sealed) if sealed else {}
        shown["desk"] = {**stored["desk"], "credentials": {"configured": sorted(credentials)}}
    return {"tenant": tenant_id, "settings": shown}


@dataclass(frozen=True, slots=True)
class NewKey:
    id: uuid.UUID
    secret: str  # shown once; only its hash is stored
    role: Role
    tenants: list[str]


async def create_key(svc: Services, body: KeyCreate) -> NewKey:
    """A new API key; agent and service keys name the tenants they may act for, which must exist."""
    if body.role is not Role.ADMIN and not body.tenants:
        raise Invalid("agent and service keys need at least one tenant", "tenants", "too_short", "at least one tenant")
    tenants = sorted(set(body.tenants))
    async with svc.db.acquire() as conn:
        missing = set(tenants) - await tenants_sql.existing_tenants(conn, tenants)
        if missing:
            raise Invalid(f"unknown tenants: {', '.join(sorted(missing))}", "tenants", msg="unknown tenant")
        secret = generate_key()
        key_id = await keys_sql.insert_key(conn, hash_key(secret), body.role.value, tenants, body.name, svc.clock.now())
    return NewKey(key_id, secret, body.role, tenants)
