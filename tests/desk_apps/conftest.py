"""Fixtures of the desk apps' tests: the service framed by a simulated desk (a second real HTTP server on
127.0.0.1 whose origin is configured as a desk), an agent key of two shops with sandbox parcels."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from aiohttp import web

from tests.conftest import LiveService, create_key, create_tenant, free_port, make_settings, start_service
from tracking_service.clock import FrozenClock
from tracking_service.config import DeskAppsSettings

# (shop, tracking number, order id) — sandbox scenarios: stalled in transit, damaged, delivered.
PARCELS = (
    ("shop-a", "SBX-STALLED-0001", "TB-0001"),
    ("shop-b", "SBX-DAMAGED-0002", "TB-0002"),
    ("shop-a", "SBX-DELIVERED-0003", "TB-0003"),
)


@dataclass
class DeskHost:
    """A stand-in for the desk: serves the pages (and the fake ZAF SDK) a test puts in ``files``."""

    origin: str
    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # path → (content type, body)

    def serve(self, path: str, body: str, content_type: str = "text/html") -> str:
        self.files[path] = (content_type, body)
        return self.origin + path


@pytest.fixture
async def desk_host() -> AsyncIterator[DeskHost]:
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
    yield host
    await runner.cleanup()


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


@pytest.fixture
async def agent_key(service: LiveService, admin: httpx.AsyncClient) -> str:
    """An agent key of shop-a and shop-b, whose sandbox parcels have been polled once."""
    await create_tenant(admin, "shop-a")
    await create_tenant(admin, "shop-b")
    key = await create_key(admin, "agent", ["shop-a", "shop-b"])
    async with service.client(key) as agent:
        for tenant, number, order_id in PARCELS:
            body = {
                "tracking_number": number,
                "tenant": tenant,
                "order_id": order_id,
                "buyer": {"name": "张三", "phone": "13812345678"},
            }
            assert (await agent.post("/v1/shipments", json=body)).status_code == 201
        await service.services.poller.poll_once()  # type: ignore[union-attr]
    return key
