"""Damage / loss / not-received claims: create, read, move through the state machine."""

from __future__ import annotations

from aiohttp import web

from schemas.api import ClaimCreate, ClaimTransition
from tracking_service.api.access import authenticate
from tracking_service.api.parsing import path_uuid, read_body
from tracking_service.api.problems import json_response
from tracking_service.services import services
from tracking_service.usecases.claims import claim_detail, move_claim, open_claim

routes = web.RouteTableDef()


@routes.post("/v1/claims")
async def create_claim(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    body = await read_body(request, ClaimCreate)
    view = await open_claim(services(request), principal, body)
    return json_response(view, status=201, headers={"Location": f"/v1/claims/{view['id']}"})


@routes.get("/v1/claims/{claim_id}")
async def get_claim(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    claim_id = path_uuid(request, "claim_id", "claim")
    return json_response(await claim_detail(services(request), principal, claim_id))


@routes.post("/v1/claims/{claim_id}/transition")
async def transition_claim(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    claim_id = path_uuid(request, "claim_id", "claim")
    body = await read_body(request, ClaimTransition)
    return json_response(await move_claim(services(request), principal, claim_id, body.to.value, body.note))
