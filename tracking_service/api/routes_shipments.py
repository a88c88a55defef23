"""Shipment routes: register, look up, search, timeline, refresh."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import ValidationError

from schemas import api
from schemas.api import PageQuery, ShipmentBatch, ShipmentCreate, ShipmentPatch, ShipmentSearch
from tracking_service import shipments
from tracking_service.api.access import authenticate
from tracking_service.api.pagination import after_cursor
from tracking_service.api.parsing import parse_query, path_uuid, read_body
from tracking_service.api.problems import from_refusal, from_validation, json_response, problem_body
from tracking_service.api.routing import operation
from tracking_service.pagination import ListQuery, page
from tracking_service.services import services
from tracking_service.usecases.errors import UseCaseError
from tracking_service.usecases.shipments import (
    find_shipment,
    refresh_shipment,
    register_shipment,
    register_shipments,
    search_shipments,
    shipment_events,
    shipment_view,
    stop_shipment,
    update_shipment,
)

routes = web.RouteTableDef()


@operation(
    routes,
    "post",
    "/v1/shipments",
    "Register a shipment (201 new, 200 existing)",
    body=api.ShipmentCreate,
    status=201,
    response=api.Shipment,
)
async def register(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    body = await read_body(request, ShipmentCreate)
    done = await register_shipment(services(request), principal, body)
    location = {"Location": f"/v1/shipments/{done.shipment['id']}"}
    return json_response(done.shipment, status=201 if done.created else 200, headers=location)


@operation(
    routes,
    "post",
    "/v1/shipments/batch",
    "Register up to 1,000 shipments; each item answers like the single POST",
    body=api.ShipmentBatch,
    response=api.BatchResults,
)
async def register_batch(request: web.Request) -> web.Response:
    """Up to 1,000 registrations in one request; each item answers like the single POST would (201, 200 or
    a problem), good items land when others fail."""
    principal = await authenticate(request)
    batch = await read_body(request, ShipmentBatch)
    results: dict[int, dict[str, Any]] = {}
    bodies: list[tuple[int, ShipmentCreate]] = []
    for index, item in enumerate(batch.items):
        try:
            bodies.append((index, ShipmentCreate.model_validate(item)))
        except ValidationError as exc:
            results[index] = {"index": index, "status": 422, "error": problem_body(from_validation(exc, "item"))}
    outcomes = await register_shipments(services(request), principal, [body for _, body in bodies])
    for (index, _), outcome in zip(bodies, outcomes, strict=True):
        if isinstance(outcome, UseCaseError):
            problem = from_refusal(outcome)
            results[index] = {"index": index, "status": problem.status, "error": problem_body(problem)}
        else:
            results[index] = {"index": index, "status": 201 if outcome.created else 200, "shipment": outcome.shipment}
    ordered = [results[index] for index in range(len(batch.items))]
    counts = {status: sum(1 for r in ordered if r["status"] == status) for status in (200, 201)}
    return json_response(
        {
            "results": ordered,
            "created": counts[201],
            "existing": counts[200],
            "failed": len(ordered) - sum(counts.values()),
        }
    )


@operation(routes, "get", "/v1/shipments/{shipment_id}", "One shipment", response=api.Shipment)
async def get_shipment(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    shipment_id = path_uuid(request, "shipment_id", "shipment")
    svc = services(request)
    return json_response(await shipment_view(svc, await find_shipment(svc, principal, shipment_id)))


@operation(routes, "get", "/v1/shipments", "Search shipments", query=api.ShipmentSearch, response=api.Page)
async def search(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    query = parse_query(request, ShipmentSearch)
    svc = services(request)
    filters = {
        name: getattr(query, name)
        for name in ("tracking_number", "order_id", "status", "carrier", "incident", "phone_last4")
        if getattr(query, name) is not None
    }
    rows = await search_shipments(
        svc, principal, ListQuery(filters, query.tenant, after_cursor(query.cursor), query.limit + 1)
    )
    data = page(rows, query.limit, lambda r: r, lambda r: (r.created_at, r.id))
    data["items"] = [await shipment_view(svc, r) for r in data["items"]]
    return json_response(data)


@operation(
    routes,
    "patch",
    "/v1/shipments/{shipment_id}",
    "Change order id, promise, buyer, metadata or destination",
    body=api.ShipmentPatch,
    response=api.Shipment,
)
async def update(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    shipment_id = path_uuid(request, "shipment_id", "shipment")
    patch = await read_body(request, ShipmentPatch)
    return json_response(await update_shipment(services(request), principal, shipment_id, patch))


@operation(
    routes,
    "delete",
    "/v1/shipments/{shipment_id}",
    "Stop tracking: no more polls or notices; the carrier subscription is cancelled where the carrier allows",
    status=204,
)
async def stop(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    await stop_shipment(services(request), principal, path_uuid(request, "shipment_id", "shipment"))
    return web.Response(status=204)


@operation(
    routes,
    "get",
    "/v1/shipments/{shipment_id}/events",
    "Timeline, newest first",
    query=api.PageQuery,
    response=api.Page,
)
async def list_events(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    shipment_id = path_uuid(request, "shipment_id", "shipment")
    query = parse_query(request, PageQuery)
    svc = services(request)
    row = await find_shipment(svc, principal, shipment_id)
    after = after_cursor(query.cursor, bytes.fromhex)
    rows = await shipment_events(svc, row, after, query.limit + 1)
    data = page(rows, query.limit, shipments.event_to_response, lambda r: (r["occurred_at"], r["dedupe_key"]))
    return json_response({"shipment_id": str(shipment_id), **data})


@operation(routes, "post", "/v1/shipments/{shipment_id}/refresh", "Poll the carrier now", response=api.Shipment)
async def refresh(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    shipment_id = path_uuid(request, "shipment_id", "shipment")
    return json_response(await refresh_shipment(services(request), principal, shipment_id))
