"""Admin routes: tenants, their settings, and API keys."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from asyncpg import Record

from schemas import api
from schemas.api import AuditQuery, KeyCreate, KeySearch, Role, TenantCreate
from schemas.settings import TenantSettings
from tracking_service.api.access import authenticate
from tracking_service.api.pagination import after_cursor
from tracking_service.api.parsing import parse_query, path_uuid, read_body
from tracking_service.api.problems import json_response
from tracking_service.api.routing import operation
from tracking_service.audit import list_audit
from tracking_service.pagination import ListQuery, by_id, page
from tracking_service.services import services
from tracking_service.usecases import admin

routes = web.RouteTableDef()


@operation(
    routes, "post", "/v1/tenants", "Create a tenant (admin)", body=api.TenantCreate, status=201, response=api.Tenant
)
async def create_tenant(request: web.Request) -> web.Response:
    await authenticate(request, Role.ADMIN)
    body = await read_body(request, TenantCreate)
    return json_response(await admin.create_tenant(services(request), body), status=201)


@operation(
    routes, "put", "/v1/tenants/{tenant_id}/settings", "Replace a tenant's settings (admin)", body=TenantSettings
)
async def put_tenant_settings(request: web.Request) -> web.Response:
    await authenticate(request, Role.ADMIN)
    body = await read_body(request, TenantSettings)
    return json_response(await admin.put_settings(services(request), request.match_info["tenant_id"], body))


@operation(routes, "get", "/v1/tenants/{tenant_id}/settings", "A tenant's settings (admin); credentials only named")
async def get_tenant_settings(request: web.Request) -> web.Response:
    await authenticate(request, Role.ADMIN)
    return json_response(await admin.get_settings(services(request), request.match_info["tenant_id"]))


@operation(
    routes,
    "post",
    "/v1/keys",
    "Create an API key (admin); the secret is shown once",
    body=api.KeyCreate,
    status=201,
    response=api.KeyCreated,
)
async def create_key(request: web.Request) -> web.Response:
    principal = await authenticate(request, Role.ADMIN)
    body = await read_body(request, KeyCreate)
    return json_response(await admin.create_key(services(request), principal, body), status=201)


@operation(
    routes,
    "get",
    "/v1/keys",
    "API keys, newest first; never their secrets (admin)",
    query=api.KeySearch,
    response=api.Page,
)
async def list_keys(request: web.Request) -> web.Response:
    await authenticate(request, Role.ADMIN)
    query = parse_query(request, KeySearch)
    filters = {} if query.role is None else {"role": query.role.value}
    rows = await admin.list_keys(
        services(request), ListQuery(filters, query.tenant, after_cursor(query.cursor), query.limit + 1)
    )
    return json_response(page(rows, query.limit, admin.key_view, by_id("created_at")))


@operation(
    routes,
    "delete",
    "/v1/keys/{key_id}",
    "Revoke an API key; every replica refuses it within KEY_CACHE_SECONDS (admin; not the calling key)",
    status=204,
)
async def revoke_key(request: web.Request) -> web.Response:
    principal = await authenticate(request, Role.ADMIN)
    await admin.revoke_key(services(request), principal, path_uuid(request, "key_id", "key"))
    return web.Response(status=204)


@operation(routes, "get", "/v1/audit", "Audit log (admin)", query=api.AuditQuery, response=api.Page)
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
