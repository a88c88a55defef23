"""``GET /v1/claims/{claim_id}/evidence/{photo_id}``: a claim's evidence photo, for keys of the claim's shop only."""

from __future__ import annotations

from aiohttp import web

from tracking_service.api.access import authenticate
from tracking_service.api.parsing import path_uuid
from tracking_service.api.routing import operation
from tracking_service.services import services
from tracking_service.usecases.claims import claim_photo

routes = web.RouteTableDef()
# The photo is the buyer's upload, re-encoded: still never let a browser run or sniff it as anything else.
PHOTO_HEADERS = {
    "Cache-Control": "private, max-age=3600",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Content-Disposition": "inline",
}


@operation(routes, "get", "/v1/claims/{claim_id}/evidence/{photo_id}", "A claim's evidence photo (image bytes)")
async def evidence_photo(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    claim_id = path_uuid(request, "claim_id", "claim")
    photo_id = path_uuid(request, "photo_id", "photo")
    content_type, data = await claim_photo(services(request), principal, claim_id, photo_id)
    return web.Response(body=data, content_type=content_type, headers=PHOTO_HEADERS)
