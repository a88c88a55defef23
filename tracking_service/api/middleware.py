"""Middlewares (errors → problem+json, request id, latency metrics) and request helpers."""

from __future__ import annotations

import functools
import itertools
import json
import logging
import math
import re
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from schemas.api import Role
from tracking_service import metrics
from tracking_service.api.problems import Problem, from_refusal, from_validation, not_found, problem_response
from tracking_service.audit import AuditEntry
from tracking_service.auth import Principal, find_principal
from tracking_service.logging_setup import REQUEST_ID
from tracking_service.services import services
from tracking_service.usecases.errors import UseCaseError

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
M = TypeVar("M", bound=BaseModel)

PRINCIPAL = web.RequestKey("principal", Principal)

_HTTP_TITLES = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
}


_REQUEST_PREFIX = secrets.token_hex(4)
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_request_numbers = itertools.count(1)


def _request_id(given: str | None) -> str:
    """The caller's X-Request-Id when it is a sane token, else a new one (unique per process, cheap)."""
    if given and _SAFE_REQUEST_ID.fullmatch(given):
        return given
    return f"{_REQUEST_PREFIX}-{next(_request_numbers):x}"


@web.middleware
async def problem_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request_id = _request_id(request.headers.get("X-Request-Id"))
    REQUEST_ID.set(request_id)
    started = time.perf_counter()
    route = request.match_info.route.resource.canonical if request.match_info.route.resource else "unmatched"
    try:
        response = await handler(request)
    except Problem as problem:
        response = problem_response(problem)
    except UseCaseError as refusal:
        response = problem_response(from_refusal(refusal))
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        title = _HTTP_TITLES.get(exc.status, exc.reason)
        detail = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else f"{title}: {request.path}"
        response = problem_response(Problem(exc.status, title, detail))
    except Exception:
        log.exception("unhandled error", extra={"path": request.path})
        response = problem_response(Problem(500, "Internal Server Error", f"request {request_id} failed"))
    response.headers["X-Request-Id"] = request_id
    principal = request.get(PRINCIPAL)
    if principal is not None:
        services(request).audit.record(audit_entry(request, principal, route, response.status))
    _latency(request.method, route, response.status).observe(time.perf_counter() - started)
    return response


@functools.lru_cache(maxsize=1024)
def _latency(method: str, route: str, status: int) -> Any:
    """The latency histogram child of one (method, route, status); routes are a fixed, small set."""
    return metrics.HTTP_REQUESTS.labels(method, route, str(status))


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
    principal = await find_principal(svc.keys, svc.db, key.strip())
    if principal is None:
        raise Problem(
            401,
            "Unauthorized",
            "the API key is unknown or revoked",
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


async def read_body(request: web.Request, model: type[M]) -> M:
    """Parse a JSON body into ``model``: 415 for other content types, 400 for bad JSON, 422 for bad fields."""
    if request.content_type != "application/json":
        raise Problem(415, "Unsupported Media Type", "send the body as `Content-Type: application/json`")
    raw = await request.read()
    try:
        data: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, "Bad Request", f"body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise Problem(
            422,
            "Validation Failed",
            "body must be a JSON object",
            [{"loc": ["body"], "msg": "must be an object", "type": "object_type"}],
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation(exc) from exc


def parse_query(request: web.Request, model: type[M]) -> M:
    try:
        return model.model_validate(dict(request.query))
    except ValidationError as exc:
        raise from_validation(exc, "query") from exc


def path_uuid(request: web.Request, name: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(request.match_info[name])
    except ValueError as exc:
        raise not_found(what) from exc
