"""Admin routes: tenants, their settings, and API keys."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from asyncpg import Record

from schemas.api import AuditQuery, KeyCreate, Role, TenantCreate, TenantSettings
from tracking_service.api.access import authenticate
from tracking_service.api.pagination import after_cursor
from tracking_service.api.parsing import parse_query, read_body
from tracking_service.api.problems import Problem, json_response, not_found
from tracking_service.audit import list_audit
from tracking_service.auth import generate_key, hash_key
from tracking_service.db import keys as keys_sql
from tracking_service.db import tenants as tenants_sql
from tracking_service.pagination import by_id, page
from tracking_service.pii import seal_credentials
from tracking_service.services import services

routes = web.RouteTableDef()


@routes.post("/v1/tenants")
async def create_tenant(request: web.Request) -> web.Response:
    await authenticate(request, Role.ADMIN)
    body = await read_body(request, TenantCreate)
    svc = services(request)
    async with svc.db.acquire() as conn:
        row = await tenants_sql.insert_tenant(
            conn, body.id, body.name, body.timezone, body.locale.value, svc.clock.now()
        )
    if row is None:
        raise Problem(409, "Conflict", f"tenant {body.id!r} already exists")
    return json_response(dict(row), status=201)


@routes.put("/v1/tenants/{tenant_id}/settings")
async def put_tenant_settings(request: web.Request) -> web.Response:
    await authenticate(request, Role.ADMIN)
    body = await read_body(request, TenantSettings)
    svc = services(request)
    stored = body.model_dump(mode="json")
    shown = body.model_dump(mode="json")
    if body.desk is not None:
        # Desk credentials are sealed at rest and never echoed back.
        stored["desk"]["credentials"] = seal_credentials(svc.vault, body.desk.credentials)
        shown["desk"]["credentials"] = {"configured": sorted(body.desk.credentials)}
    async with svc.db.acquire() as conn:
        updated = await tenants_sql.update_settings(conn, request.match_info["tenant_id"], stored)
    if not updated:
        raise not_found("tenant")
    return json_response({"tenant": request.match_info["tenant_id"], "settings": shown})


@routes.post("/v1/keys")
async def create_key(request: web.Request) -> web.Response:
    await authenticate(request, Role.ADMIN)
    body = await read_body(request, KeyCreate)
    if body.role is not Role.ADMIN and not body.tenants:
        raise Problem(
            422,
            "Validation Failed",
            "agent and service keys need at least one tenant",
            [{"loc": ["body", "tenants"], "msg": "at least one tenant", "type": "too_short"}],
        )
    svc = services(request)
    tenants = sorted(set(body.tenants))
    async with svc.db.acquire() as conn:
        missing = set(tenants) - await tenants_sql.existing_tenants(conn, tenants)
        if missing:
            raise Problem(
                422,
                "Validation Failed",
                f"unknown tenants: {', '.join(sorted(missing))}",
                [{"loc": ["body", "tenants"], "msg": "unknown tenant", "type": "value_error"}],
            )
        secret = generate_key()
        key_id = await keys_sql.insert_key(conn, hash_key(secret), body.role.value, tenants, body.name, svc.clock.now())
    return json_response({"id": str(key_id), "key": secret, "role": body.role.value, "tenants": tenants}, status=201)


@routes.get("/v1/audit")
async def audit(request: web.Request) -> web.Response:
    await authenticate(request, Role.ADMIN)
    query = parse_query(request, AuditQuery)
    svc = services(request)
    after = after_cursor(query.cursor, int)
    rows = await list_audit(svc.db, after, query.limit + 1, query.key_id)
    return json_response(page(rows, query.limit, audit_view, by_id("at")))


def audit_view(r: Record) -> dict[str, Any]:
    return {
        "id": r["id"],
        "tenant": r["tenant_id"] or None,
        "key_id": str(r["key_id"]) if r["key_id"] else None,
        "action": r["action"],
        "object_type": r["object_type"],
        "object_id": r["object_id"],
        "status": r["status"],
        "at": r["at"],
    }
