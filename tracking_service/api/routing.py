"""One declaration per API operation: ``@operation(...)`` registers the handler on its module's route table
and records what the OpenAPI document says of it (summary, auth, body / query / response models, success
status), so the router and ``/openapi.json`` cannot drift apart (tests/api/test_openapi_routes.py checks
that every registered route is documented)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from pydantic import BaseModel

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    summary: str
    auth: bool
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    status: int
    response: type[BaseModel] | None


OPERATIONS: list[Operation] = []

# A shipment id is a UUID: matching only that keeps /v1/shipments/batch from also matching
# /v1/shipments/{shipment_id} (405 would then name that route's methods too).
PATTERNS = {"{shipment_id}": "{shipment_id:[0-9a-fA-F-]{32,36}}"}


def operation(
    routes: web.RouteTableDef,
    method: str,
    path: str,
    summary: str,
    *,
    auth: bool = True,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    status: int = 200,
    response: type[BaseModel] | None = None,
) -> Callable[[Handler], Handler]:
    """Register ``handler`` for ``method path`` on ``routes`` and document it."""

    def register(handler: Handler) -> Handler:
        OPERATIONS.append(Operation(method, path, summary, auth, body, query, status, response))
        routed = path
        for template, pattern in PATTERNS.items():
            routed = routed.replace(template, pattern)
        routes.route(method.upper(), routed)(handler)
        return handler

    return register
