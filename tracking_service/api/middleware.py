"""The middleware every request passes: errors → problem+json, request id, browser security headers, latency
metric, audit entry.

Who is calling is ``api.access``; parsing input is ``api.parsing``."""

from __future__ import annotations

import functools
import itertools
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from tracking_service import metrics
from tracking_service.api.access import PRINCIPAL
from tracking_service.api.problems import Problem, from_refusal, problem_response
from tracking_service.api.request_audit import audit_entry
from tracking_service.logging_setup import REQUEST_ID
from tracking_service.services import services
from tracking_service.usecases.errors import UseCaseError

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_HTTP_TITLES = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
}


_REQUEST_PREFIX = secrets.token_hex(4)
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_request_numbers = itertools.count(1)


def _request_id(given: str | None) -> str:
    """The caller's X-Request-Id when it is a sane token, else a new one (unique per process, cheap)."""
    if given and _SAFE_REQUEST_ID.fullmatch(given):
        return given
    return f"{_REQUEST_PREFIX}-{next(_request_numbers):x}"


@web.middleware
async def problem_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request_id = _request_id(request.headers.get("X-Request-Id"))
    REQUEST_ID.set(request_id)
    started = time.perf_counter()
    route = request.match_info.route.resource.canonical if request.match_info.route.resource else "unmatched"
    try:
        response = await handler(request)
    except Problem as problem:
        response = problem_response(problem)
    except UseCaseError as refusal:
        response = problem_response(from_refusal(refusal))
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        title = _HTTP_TITLES.get(exc.status, exc.reason)
        detail = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else f"{title}: {request.path}"
        # Keep what the HTTP error says beyond its status: 405's Allow, 413's limits.
        kept = {k: v for k, v in exc.headers.items() if k.lower() in ("allow", "retry-after")}
        response = problem_response(Problem(exc.status, title, detail, headers=kept or None))
    except Exception:
        log.exception("unhandled error", extra={"path": request.path})
        response = problem_response(Problem(500, "Internal Server Error", f"request {request_id} failed"))
    response.headers["X-Request-Id"] = request_id
    if not response.prepared:
        _protect(response)
    principal = request.get(PRINCIPAL)
    if principal is not None:
        services(request).audit.record(audit_entry(request, principal, route, response.status))
    _latency(request.method, route, response.status).observe(time.perf_counter() - started)
    return response


def _protect(response: web.StreamResponse) -> None:
    """Browser defaults: no MIME sniffing; an HTML page (console, buyers' page) is not framed by other sites —
    a page meant to be framed (the desk apps) says by whom in its own Content-Security-Policy."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.content_type == "text/html" and "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")


@functools.lru_cache(maxsize=1024)
def _latency(method: str, route: str, status: int) -> Any:
    """The latency histogram child of one (method, route, status); routes are a fixed, small set."""
    return metrics.HTTP_REQUESTS.labels(method, route, str(status))
