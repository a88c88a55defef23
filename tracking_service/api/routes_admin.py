"""Admin routes: tenants, their settings, and API keys."""

from __future__ import annotations

from aiohttp import web

from schemas.api import KeyCreate, Role, TenantCreate, TenantSettings
from tracking_service.api.context import services
from tracking_service.api.middleware import authenticate, read_body
from tracking_service.api.problems import Problem, json_response, not_found
from tracking_service.auth import generate_key, hash_key
from tracking_service.db import keys as keys_sql
from tracking_service.db import tenants as tenants_sql
from tracking_service.timezones import is_valid_timezone

routes = web.RouteTableDef()


@routes.post("/v1/tenants")
async def create_tenant(request: web.Request) -> web.Response:
    await authenticate(request, Role.ADMIN)
    body = await read_body(request, TenantCreate)
    if not is_valid_timezone(body.timezone):
        raise Problem(
            422,
            "Validation Failed",
            f"unknown time zone {body.timezone!r}",
            [{"loc": ["body", "timezone"], "msg": "not an IANA time zone", "type": "value_error"}],
        )
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
    async with services(request).db.acquire() as conn:
        updated = await tenants_sql.update_settings(conn, request.match_info["tenant_id"], body.model_dump())
    if not updated:
        raise not_found("tenant")
    return json_response({"tenant": request.match_info["tenant_id"], "settings": body.model_dump()})


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
