"""Fixtures of the desk apps' tests: the service framed by a simulated desk (a second real HTTP server on
127.0.0.1 whose origin is configured as a desk), the console tests' agent key of two shops with sandbox parcels."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from tests.conftest import LiveService, free_port, make_settings, start_service
from tests.console.test_console_browser import agent_key
from tracking_service.clock import FrozenClock
from tracking_service.config import DeskAppsSettings

# The console's agent: a key of shop-a and shop-b with three polled sandbox parcels — SBX-STALLED-0001 (shop-a,
# order TB-0001, stalled in transit), SBX-DAMAGED-0002 (shop-b, TB-0002), SBX-DELIVERED-0003 (shop-a, TB-0003).
__all__ = ["agent_key"]


@dataclass
class DeskHost:
    """A stand-in for the desk: serves the pages (and the fake ZAF SDK) a test puts in ``files``."""

    origin: str
    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # path → (content type, body)

    def serve(self, path: str, body: str, content_type: str = "text/html") -> str:
        self.files[path] = (content_type, body)
        return self.origin + path


@asynccontextmanager
async def running_desk_host() -> AsyncIterator[DeskHost]:
    """A desk host listening on a free port of 127.0.0.1 (its own origin)."""
    port = free_port()
    host = DeskHost(f"http://127.0.0.1:{port}")

    async def handle(request: web.Request) -> web.Response:
        if request.path not in host.files:
            raise web.HTTPNotFound()
        content_type, body = host.files[request.path]
        return web.Response(text=body, content_type=content_type)

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield host
    finally:
        await runner.cleanup()


@pytest.fixture
async def desk_host() -> AsyncIterator[DeskHost]:
    """The desk the service is configured for."""
    async with running_desk_host() as host:
        yield host


@pytest.fixture
async def service(db_dsn: str, clock: FrozenClock, desk_host: DeskHost) -> AsyncIterator[LiveService]:
    """The service with the simulated desk's origin allowed to frame the apps and serving the ZAF SDK."""
    desk_apps = {
        "frame_ancestors": [*DeskAppsSettings().frame_ancestors, desk_host.origin],
        "zaf_sdk_url": desk_host.origin + "/zaf_sdk.js",
    }
    live, runner = await start_service(make_settings(db_dsn, free_port(), desk_apps=desk_apps), clock)
    yield live
    await runner.cleanup()
