"""Unauthenticated operational routes: health, readiness, metrics, OpenAPI."""

from __future__ import annotations

import asyncpg
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from tracking_service.api.openapi import build_openapi
from tracking_service.api.problems import json_response
from tracking_service.api.routing import operation
from tracking_service.services import services

routes = web.RouteTableDef()


@operation(routes, "get", "/healthz", "Liveness", auth=False)
async def healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


@operation(routes, "get", "/readyz", "Readiness (checks the database)", auth=False)
async def readyz(request: web.Request) -> web.Response:
    try:
        async with services(request).db.acquire(timeout=2) as conn:
            await conn.fetchval("SELECT 1")
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        return json_response({"status": "unavailable", "database": type(exc).__name__}, status=503)
    return json_response({"status": "ready", "database": "ok"})


@operation(routes, "get", "/metrics", "Prometheus metrics", auth=False)
async def metrics(request: web.Request) -> web.Response:
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})


@routes.get("/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return json_response(build_openapi())
