"""``POST /v1/shipments/{id}/tracking-link/revoke``: retire a buyers' page link (SPEC §11)."""

from __future__ import annotations

from aiohttp import web

from schemas import api
from tracking_service.api.access import authenticate
from tracking_service.api.parsing import path_uuid
from tracking_service.api.problems import json_response
from tracking_service.api.routing import operation
from tracking_service.services import services
from tracking_service.usecases.tracking_links import revoke_link

routes = web.RouteTableDef()


@operation(
    routes,
    "post",
    "/v1/shipments/{shipment_id}/tracking-link/revoke",
    "Retire the buyers' page link; the old token answers 404, the shipment gets a new tracking_url",
    response=api.Shipment,
)
async def revoke_tracking_link(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    shipment_id = path_uuid(request, "shipment_id", "shipment")
    return json_response(await revoke_link(services(request), principal, shipment_id))
