"""Incident queue and delivery estimates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web

from schemas import api
from schemas.api import EstimateQuery, IncidentNote, IncidentSearch, StatsQuery
from tracking_service.api.access import authenticate
from tracking_service.api.pagination import after_cursor
from tracking_service.api.parsing import parse_query, path_uuid, read_body
from tracking_service.api.problems import Problem, json_response
from tracking_service.api.routing import operation
from tracking_service.db import stats as stats_sql
from tracking_service.estimates import parse_place
from tracking_service.incidents.views import to_response
from tracking_service.pagination import ListQuery, by_id, page
from tracking_service.services import services
from tracking_service.usecases import incidents
from tracking_service.usecases.incidents import Move, incident_queue, move_incident
from tracking_service.usecases.tenancy import read_scope

routes = web.RouteTableDef()


@operation(routes, "get", "/v1/incidents", "Incident queue", query=api.IncidentSearch, response=api.Page)
async def list_incidents(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    query = parse_query(request, IncidentSearch)
    filters: dict[str, Any] = {}
    if query.status is not None:
        filters["state"] = query.status.value
    if query.kind is not None:
        filters["kind"] = query.kind.value
    if query.carrier is not None:
        filters["carrier"] = query.carrier
    svc = services(request)
    rows = await incident_queue(
        svc, principal, ListQuery(filters, query.tenant, after_cursor(query.cursor), query.limit + 1)
    )
    return json_response(page(rows, query.limit, to_response, by_id("opened_at")))


@operation(routes, "get", "/v1/incidents/{incident_id}", "One incident", response=api.Incident)
async def get_incident(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    incident_id = path_uuid(request, "incident_id", "incident")
    return json_response(await incidents.get_incident(services(request), principal, incident_id))


async def _move(request: web.Request, move: Move) -> web.Response:
    principal = await authenticate(request)
    incident_id = path_uuid(request, "incident_id", "incident")
    note = (await read_body(request, IncidentNote)).note if request.can_read_body else None
    return json_response(await move_incident(services(request), principal, incident_id, move, note))


@operation(routes, "post", "/v1/incidents/{incident_id}/acknowledge", "Acknowledge an incident", response=api.Incident)
async def acknowledge(request: web.Request) -> web.Response:
    return await _move(request, Move.ACKNOWLEDGE)


@operation(
    routes,
    "post",
    "/v1/incidents/{incident_id}/resolve",
    "Resolve an incident (optional note)",
    body=api.IncidentNote,
    response=api.Incident,
)
async def resolve(request: web.Request) -> web.Response:
    return await _move(request, Move.RESOLVE)


@operation(routes, "get", "/v1/estimates", "Transit-time percentiles of a lane", query=api.EstimateQuery)
async def estimates(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    query = parse_query(request, EstimateQuery)
    scope = read_scope(principal, query.tenant)
    svc = services(request)
    origin, destination = parse_place(query.origin), parse_place(query.destination)
    lane = await svc.estimator.estimate(svc.db, scope, query.carrier, origin, destination)
    return json_response(
        {
            "carrier": query.carrier,
            "origin": query.origin,
            "destination": query.destination,
            "estimate": lane.to_json() if lane else None,
            "min_samples": svc.estimator.min_samples,
        }
    )


@operation(routes, "get", "/v1/stats", "Counts by status, incident kind, carrier, intent, hour", query=api.StatsQuery)
async def stats(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    query = parse_query(request, StatsQuery)
    svc = services(request)
    end = query.to or svc.clock.now()
    start = query.from_ or end - timedelta(days=7)
    if start >= end:
        raise Problem(
            422,
            "Validation Failed",
            "`from` must be before `to`",
            [{"loc": ["query", "from"], "msg": "after `to`", "type": "value_error"}],
        )
    return json_response(await stats_sql.stats(svc.db, read_scope(principal, query.tenant), start, end, query.timezone))
