"""Shipment routes: register, look up, search, timeline, refresh."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
from aiohttp import web

from carriers.base import SubscribeAdapter
from schemas.api import PageQuery, ShipmentCreate, ShipmentSearch
from tracking_service import shipments
from tracking_service.api.context import Services, services
from tracking_service.api.middleware import authenticate, parse_query, path_uuid, read_body, write_tenant
from tracking_service.api.pagination import after_cursor, list_scope, page
from tracking_service.api.problems import Problem, json_response, not_found
from tracking_service.db import shipments as sql
from tracking_service.db import tenants as tenants_sql

routes = web.RouteTableDef()


async def shipment_view(svc: Services, row: asyncpg.Record) -> dict[str, Any]:
    """The shipment response, with the lane model's ETA where the carrier gives none."""
    model_at = None
    if shipments.needs_model(row):
        lane = await svc.estimator.estimate(
            svc.db, [row["tenant_id"]], row["carrier"], row["origin"], row["destination"]
        )
        model_at = shipments.model_eta(row, lane.p50_hours if lane else None)
    return shipments.to_response(row, model_at)


REFRESH_WAIT_STEPS = 50  # x 0.1 s


@routes.post("/v1/shipments")
async def register_shipment(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    body = await read_body(request, ShipmentCreate)
    svc = services(request)
    tenant_id = write_tenant(principal, body.tenant)
    try:
        carrier, sub_carrier = await shipments.choose_carrier(body, svc.enabled_carriers, svc.recognition)
    except shipments.UnknownCarrier as exc:
        raise Problem(
            422,
            "Validation Failed",
            str(exc),
            [{"loc": ["body", "carrier"], "msg": str(exc), "type": "unknown_carrier"}],
        ) from exc
    except shipments.AmbiguousCarrier as exc:
        raise Problem(
            422,
            "Validation Failed",
            str(exc),
            [
                {
                    "loc": ["body", "carrier"],
                    "msg": "ambiguous",
                    "type": "carrier_ambiguous",
                    "candidates": exc.candidates,
                }
            ],
        ) from exc
    pushes = isinstance(svc.adapters.get(carrier), SubscribeAdapter)
    new = shipments.new_shipment(tenant_id, carrier, sub_carrier, body, svc.vault, subscribe=pushes)
    async with svc.db.acquire() as conn:
        if await tenants_sql.get_tenant(conn, tenant_id) is None:
            raise not_found(f"tenant {tenant_id!r}")
        if new.linked_shipment_id and await sql.get_shipment(conn, new.linked_shipment_id, [tenant_id]) is None:
            raise Problem(
                422,
                "Validation Failed",
                "linked_shipment_id names no shipment of this tenant",
                [{"loc": ["body", "linked_shipment_id"], "msg": "not found", "type": "value_error"}],
            )
        data, created = await shipments.register(conn, new, svc.clock.now())
    return json_response(data, status=201 if created else 200, headers={"Location": f"/v1/shipments/{data['id']}"})


@routes.get("/v1/shipments/{shipment_id}")
async def get_shipment(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    shipment_id = path_uuid(request, "shipment_id", "shipment")
    svc = services(request)
    row = await sql.get_shipment(svc.db, shipment_id, principal.scope)
    if row is None:
        raise not_found("shipment")
    return json_response(await shipment_view(svc, row))


@routes.get("/v1/shipments")
async def search_shipments(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    query = parse_query(request, ShipmentSearch)
    svc = services(request)
    scope = list_scope(principal, query.tenant)
    filters: dict[str, Any] = {
        name: getattr(query, name)
        for name in ("tracking_number", "order_id", "status", "carrier", "incident")
        if getattr(query, name) is not None
    }
    if query.phone_last4 is not None:
        filters["phone_last4_hash"] = svc.vault.phone_last4_hash(query.phone_last4)
    rows = await sql.search_shipments(svc.db, scope, filters, after_cursor(query.cursor), query.limit + 1)
    data = page(rows, query.limit, lambda r: r, "created_at")
    data["items"] = [await shipment_view(svc, r) for r in data["items"]]
    return json_response(data)


@routes.get("/v1/shipments/{shipment_id}/events")
async def list_events(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    shipment_id = path_uuid(request, "shipment_id", "shipment")
    query = parse_query(request, PageQuery)
    svc = services(request)
    row = await sql.get_shipment(svc.db, shipment_id, principal.scope)
    if row is None:
        raise not_found("shipment")
    try:
        after = shipments.event_cursor(query.cursor) if query.cursor else None
    except shipments.BadCursor as exc:
        raise Problem(400, "Bad Request", str(exc)) from exc
    rows = await sql.list_events(svc.db, row["tenant_id"], shipment_id, after, query.limit + 1)
    items = [shipments.event_to_response(r) for r in rows[: query.limit]]
    next_cursor = None
    if len(rows) > query.limit:
        last = rows[query.limit - 1]
        next_cursor = shipments.encode_cursor(last["occurred_at"], last["dedupe_key"].hex())
    return json_response({"shipment_id": str(shipment_id), "items": items, "next_cursor": next_cursor})


@routes.post("/v1/shipments/{shipment_id}/refresh")
async def refresh_shipment(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    shipment_id = path_uuid(request, "shipment_id", "shipment")
    svc = services(request)
    row = await sql.get_shipment(svc.db, shipment_id, principal.scope)
    if row is None:
        raise not_found("shipment")
    assert svc.poller is not None
    report = await svc.poller.refresh(row["tenant_id"], shipment_id)
    if report is None and not await _wait_for_lease(svc.db, row["tenant_id"], shipment_id):
        raise Problem(409, "Conflict", "a poll of this shipment is already in progress; try again shortly")
    row = await sql.get_shipment(svc.db, shipment_id, principal.scope)
    assert row is not None
    data = await shipment_view(svc, row)
    if report is None:
        data["refresh"] = {"polled_by": "another worker"}
    elif report.skipped_min_interval:
        # The carrier's per-number budget (Kuaidi100: 30 min) says not yet: the stored state is the answer.
        data["refresh"] = {"skipped": "min_interval", "next_poll_at": row["next_poll_at"]}
    else:
        data["refresh"] = {
            "events_received": report.events_received,
            "events_new": report.events_inserted,
            "errors": report.errors,
        }
    return json_response(data)


async def _wait_for_lease(pool: asyncpg.Pool, tenant_id: str, shipment_id: uuid.UUID) -> bool:
    """Wait (briefly) for another poller's in-flight poll of this shipment to finish."""
    for _ in range(REFRESH_WAIT_STEPS):
        await asyncio.sleep(0.1)
        if not await sql.is_leased(pool, tenant_id, shipment_id):
            return True
    return False
