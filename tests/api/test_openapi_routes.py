"""The router and /openapi.json come from one declaration (tracking_service/api/routing.operation): every
route the app serves under the API is in the document with the same method, and nothing else is."""

from __future__ import annotations

import httpx
from aiohttp import web

from tests.conftest import LiveService

# Console pages, the buyers' pages (/t/<token>, /track: HTML), the desk apps' pages, the demo carrier;
# /openapi.json is not in itself.
NOT_API = ("/console", "/static", "/sandbox", "/apps", "/t/", "/track")


def registered_api_routes(app: web.Application) -> list[tuple[str, str]]:
    """(method, path template) of every API route registered on the app."""
    routes = set()
    for route in app.router.routes():
        path = route.resource.canonical if route.resource is not None else ""
        if route.method in ("HEAD", "*") or path.startswith(NOT_API) or path == "/openapi.json":
            continue
        routes.add((route.method.lower(), path))
    return sorted(routes)


async def test_every_registered_route_is_documented_and_nothing_else(service: LiveService) -> None:
    async with httpx.AsyncClient(base_url=service.base_url) as client:
        document = (await client.get("/openapi.json")).json()
    documented = sorted((method, path) for path, ops in document["paths"].items() for method in ops)
    registered = registered_api_routes(service.app)
    assert len(registered) >= 35
    assert registered == documented


async def test_documented_models_are_real_schemas(service: LiveService) -> None:
    async with httpx.AsyncClient(base_url=service.base_url) as client:
        document = (await client.get("/openapi.json")).json()
    schemas = document["components"]["schemas"]
    refs = [
        content["schema"]["$ref"].rsplit("/", 1)[-1]
        for ops in document["paths"].values()
        for op in ops.values()
        for part in [op.get("requestBody", {}), *op["responses"].values()]
        for content in part.get("content", {}).values()
    ]
    assert refs and all(ref in schemas for ref in refs), sorted(set(refs) - set(schemas))
