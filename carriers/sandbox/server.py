"""The sandbox carrier's own HTTP API, mounted by the service under ``/sandbox/``.

``POST /sandbox/v1/track`` with ``{"parcels": [{"number", "registered_at"}]}``
answers ``{"code": 0, "data": [...]}``. A request naming a ``FLAKY`` number fails
every other call, alternating 503 and 429 with ``Retry-After: 1``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from aiohttp import web

from carriers.sandbox.scenarios import build_parcel, scenario_of

MAX_PARCELS = 40
_FLAKY_CALLS = web.AppKey("sandbox_flaky_calls", Counter)
_KEY = web.AppKey("sandbox_key", str)


def create_sandbox_app(key: str | None = None) -> web.Application:
    """A sub-application to mount at ``/sandbox/``; ``key`` enables the X-Sandbox-Key check."""
    app = web.Application()
    app[_FLAKY_CALLS] = Counter()
    app[_KEY] = key or ""
    app.router.add_post("/v1/track", track)
    return app


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"code": status, "message": message}, status=status, headers=headers)


async def track(request: web.Request) -> web.Response:
    key = request.app[_KEY]
    if key and request.headers.get("X-Sandbox-Key") != key:
        return _error(401, "bad key")
    try:
        body = await request.json()
        parcels = [(str(p["number"]), datetime.fromisoformat(p["registered_at"])) for p in body["parcels"]]
    except (ValueError, KeyError, TypeError):
        return _error(400, "body must be {parcels: [{number, registered_at}]}")
    if not 0 < len(parcels) <= MAX_PARCELS:
        return _error(400, f"1..{MAX_PARCELS} parcels per call")
    flaky = [number for number, _ in parcels if scenario_of(number) == "FLAKY"]
    if flaky:
        calls = request.app[_FLAKY_CALLS]
        for number in flaky:
            calls[number] += 1
        call = max(calls[number] for number in flaky)
        if call % 2 == 1:
            if (call // 2) % 2 == 0:
                return _error(503, "sandbox flaky: unavailable")
            return _error(429, "sandbox flaky: slow down", headers={"Retry-After": "1"})
    data = []
    for number, registered_at in parcels:
        parcel = build_parcel(number, registered_at)
        data.append({"number": number, "status": "not_found"} if parcel is None else parcel.to_json())
    return web.json_response({"code": 0, "data": data})
