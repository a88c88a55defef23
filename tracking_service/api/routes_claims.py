"""Damage / loss / not-received claims: create, read, move through the state machine."""

from __future__ import annotations

from aiohttp import web

from schemas import api
from schemas.claims import ClaimCreate, ClaimSearch, ClaimTransition
from tracking_service.api.access import authenticate
from tracking_service.api.pagination import after_cursor
from tracking_service.api.parsing import parse_query, path_uuid, read_body
from tracking_service.api.problems import json_response
from tracking_service.api.routing import operation
from tracking_service.claims import claim_view
from tracking_service.pagination import ListQuery, by_id, page
from tracking_service.services import services
from tracking_service.usecases.claims import claim_detail, list_claims, move_claim, open_claim

routes = web.RouteTableDef()


@operation(routes, "post", "/v1/claims", "Open a claim", body=ClaimCreate, status=201)
async def create_claim(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    body = await read_body(request, ClaimCreate)
    view = await open_claim(services(request), principal, body)
    return json_response(view, status=201, headers={"Location": f"/v1/claims/{view['id']}"})


@operation(routes, "get", "/v1/claims", "Claims, newest first", query=ClaimSearch, response=api.Page)
async def search_claims(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    query = parse_query(request, ClaimSearch)
    filters = {name: value.value for name, value in (("state", query.status), ("kind", query.kind)) if value}
    listed = ListQuery(filters, query.tenant, after_cursor(query.cursor), query.limit + 1)
    rows = await list_claims(services(request), principal, listed)
    return json_response(page(rows, query.limit, claim_view, by_id("created_at")))


@operation(routes, "get", "/v1/claims/{claim_id}", "A claim with its history")
async def get_claim(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    claim_id = path_uuid(request, "claim_id", "claim")
    return json_response(await claim_detail(services(request), principal, claim_id))


@operation(
    routes, "post", "/v1/claims/{claim_id}/transition", "Move a claim (illegal moves: 409)", body=ClaimTransition
)
async def transition_claim(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    claim_id = path_uuid(request, "claim_id", "claim")
    body = await read_body(request, ClaimTransition)
    return json_response(await move_claim(services(request), principal, claim_id, body.to.value, body.note))
