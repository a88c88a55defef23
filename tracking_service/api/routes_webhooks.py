"""``POST /v1/webhooks/carriers/{carrier}``: carrier pushes, authenticated by the carrier's own signing."""

from __future__ import annotations

import logging

from aiohttp import web

from carriers.base import PushAdapter
from carriers.errors import AuthError, BadResponse
from tracking_service import metrics
from tracking_service.api.problems import Problem, not_found
from tracking_service.api.routing import operation
from tracking_service.push import accept_push
from tracking_service.services import services

log = logging.getLogger(__name__)

routes = web.RouteTableDef()


@operation(routes, "post", "/v1/webhooks/carriers/{carrier}", "Carrier push (carrier's own signing)", auth=False)
async def carrier_push(request: web.Request) -> web.Response:
    svc = services(request)
    carrier = request.match_info["carrier"]
    adapter = svc.adapters.get(carrier)
    if not isinstance(adapter, PushAdapter):
        raise not_found(f"push endpoint for carrier {carrier!r}")
    body = await request.read()
    try:
        results = adapter.parse_push(request.headers, body)
    except AuthError as exc:
        metrics.PUSHES.labels(carrier, "bad_signature").inc()
        log.warning("carrier push rejected", extra={"carrier": carrier, "detail": exc.detail})
        raise Problem(401, "Unauthorized", "push signature does not verify") from exc
    except BadResponse as exc:
        metrics.PUSHES.labels(carrier, "bad_payload").inc()
        metrics.CARRIER_ERRORS.labels(carrier, "BadResponse").inc()
        log.warning("carrier push unreadable", extra={"carrier": carrier, "detail": exc.detail})
        raise Problem(400, "Bad Request", f"push payload unreadable: {exc.detail}") from exc
    assert svc.pool is not None
    await accept_push(svc.db, adapter, results, svc.clock, svc.estimator)
    status, content_type, reply = adapter.push_reply()
    return web.Response(status=status, body=reply, content_type=content_type)
