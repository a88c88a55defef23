"""The audit entry of an authenticated request: what was done (route), to which object, with what outcome."""

from __future__ import annotations

import functools

from aiohttp import web

from tracking_service.audit import AuditEntry
from tracking_service.auth import Principal
from tracking_service.services import services


@functools.lru_cache(maxsize=512)
def _audit_action(method: str, route: str) -> tuple[str, str]:
    """``("GET /v1/shipments/{shipment_id}", "shipments")`` for a route: what the audit log calls it."""
    parts = [p for p in route.split("/") if p and not p.startswith("{")]
    object_type = parts[1] if len(parts) > 1 else (parts[0] if parts else "")
    return f"{method} {route}", object_type


def audit_entry(request: web.Request, principal: Principal, route: str, status: int) -> AuditEntry:
    action, object_type = _audit_action(request.method, route)
    object_id = next(iter(request.match_info.values()), None)
    tenant = principal.tenants[0] if principal.tenants and len(principal.tenants) == 1 else ""
    return AuditEntry(tenant, principal.key_id, action, object_type, object_id, status, services(request).clock.now())
