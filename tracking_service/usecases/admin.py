"""Running the service for its shops: tenants, their settings, and API keys (admin only; the API checks the
role before calling these)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg

from schemas.api import ApiKey, KeyCreate, KeyCreated, Role, TenantCreate
from schemas.settings import TenantSettings
from tracking_service.audit import AuditEntry, write_entries
from tracking_service.auth import Principal, generate_key, hash_key, key_prefix
from tracking_service.db import keys as keys_sql
from tracking_service.db import tenants as tenants_sql
from tracking_service.pagination import ListQuery
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
    if body.branding.logo_url is not None:
        try:
            await check_url(body.branding.logo_url, svc.settings.allow_private_urls)
        except UnsafeUrl as exc:
            raise Invalid(str(exc), "branding.logo_url") from exc
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


def key_view(row: asyncpg.Record) -> dict[str, Any]:
    """A key as admins see it: prefix, role, tenants, times; never its secret or hash."""
    fields = ("prefix", "role", "name", "created_at", "last_used_at", "expires_at", "revoked_at")
    return ApiKey.shape({"id": str(row["id"]), "tenants": row["tenant_ids"], **{f: row[f] for f in fields}})


async def create_key(svc: Services, principal: Principal, body: KeyCreate) -> dict[str, Any]:
    """A new API key, its secret shown this once. Agent and service keys name the tenants they may act for,
    which must exist; admin keys act for every tenant and take no list (a list would suggest a shop-scoped
    admin that does not exist). The creation is audited in the same transaction."""
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
    async with svc.db.acquire() as conn, conn.transaction():
        missing = set(tenants) - await tenants_sql.existing_tenants(conn, tenants)
        if missing:
            raise Invalid(f"unknown tenants: {', '.join(sorted(missing))}", "tenants", msg="unknown tenant")
        prefix = key_prefix(secret)
        key_id = await keys_sql.insert_key(
            conn, hash_key(secret), prefix, body.role.value, tenants, body.name, now, body.expires_at
        )
        await write_entries(conn, [_key_audit(principal, "key.created", key_id, tenants, 201, now)])
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


async def list_keys(svc: Services, query: ListQuery) -> list[asyncpg.Record]:
    """Every key, newest first, revoked and expired ones too; filters: ``role``; ``tenant`` narrows to the
    keys naming that tenant."""
    tenants = None if query.tenant is None else [query.tenant]
    return await keys_sql.KEYS.fetch(svc.db, tenants, dict(query.filters), query.after, query.limit)


async def revoke_key(svc: Services, principal: Principal, key_id: uuid.UUID) -> None:
    """Revoke a key: refused at once through this replica, within ``security.key_cache_seconds`` on the others
    (their key caches), and its console sessions end with it. A key cannot revoke itself, so the last admin
    key (often the bootstrap one, which a restart does not bring back) cannot be lost by mistake; revoke it with
    another admin key. Revoking twice is a conflict. The revocation is audited in the same transaction."""
    if key_id == principal.key_id:
        raise Conflict("a key cannot revoke itself; revoke it with another admin key")
    now = svc.clock.now()
    async with svc.db.acquire() as conn, conn.transaction():
        row = await keys_sql.lock_key(conn, key_id)
        if row is None:
            raise NotFound("key")
        if row["revoked_at"] is not None:
            raise Conflict("key is already revoked")
        await keys_sql.revoke_key(conn, key_id, now)
        await write_entries(conn, [_key_audit(principal, "key.revoked", key_id, row["tenant_ids"], 204, now)])
    svc.keys.forget(key_id)


def _key_audit(
    principal: Principal, action: str, key_id: uuid.UUID, tenants: list[str], status: int, at: datetime
) -> AuditEntry:
    """The audit entry of a change to a key: who, what, which key (its id, never its secret)."""
    tenant = tenants[0] if len(tenants) == 1 else ""
    return AuditEntry(tenant, principal.key_id, action, "key", str(key_id), status, at)
