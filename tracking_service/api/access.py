"""Who is calling: the Bearer key's principal, its per-key request rate, and the role a route needs."""

from __future__ import annotations

import math

from aiohttp import web

from schemas.api import Role
from tracking_service.api.problems import Problem
from tracking_service.auth import Principal, find_principal
from tracking_service.services import services

PRINCIPAL = web.RequestKey("principal", Principal)


async def authenticate(request: web.Request, *roles: Role) -> Principal:
    """The principal of the Bearer key; 401 without a valid key, 403 when its role may not do this."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Problem(
            401,
            "Unauthorized",
            "send `Authorization: Bearer <key>`",
            headers={"WWW-Authenticate": 'Bearer realm="tracking-service"'},
        )
    svc = services(request)
    principal = await find_principal(svc.keys, svc.db, key.strip(), svc.clock.now())
    if principal is None:
        raise Problem(
            401,
            "Unauthorized",
            "the API key is unknown, revoked or expired",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    request[PRINCIPAL] = principal
    wait = svc.rate_limiter.take(principal.key_id)
    if wait > 0:
        raise Problem(
            429,
            "Too Many Requests",
            "this key is over its request rate; slow down",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )
    if roles and principal.role not in roles and principal.role is not Role.ADMIN:
        raise Problem(403, "Forbidden", f"this needs a key with role {' or '.join(r.value for r in roles)}")
    return principal
