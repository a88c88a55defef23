"""Registration throughput: `POST /v1/shipments/batch` (1,000 items a request) vs single `POST /v1/shipments`
(32 concurrent), the same parcels (sandbox carrier, an order id and a buyer phone each) into the same
in-process service on a scratch database. Target: a batch registers ≥ 10× the parcels per second."""

from __future__ import annotations

import asyncio
import time

import httpx
from aiohttp import web
from common import report, scratch_database

from tracking_service.app import create_app
from tracking_service.clock import SystemClock
from tracking_service.config import Settings

ADMIN = "bench-admin-key"
PARCELS = 3000
BATCH = 1000
CONCURRENCY = 32


def _item(prefix: str, n: int) -> dict[str, object]:
    return {
        "tracking_number": f"SBX-IN_TRANSIT-{prefix}{n:06d}",
        "carrier": "sandbox",
        "order_id": f"D11-{prefix}{n}",
        "buyer": {"name": "王小明", "phone": f"1380000{n % 10000:04d}"},
    }


async def main() -> None:
    async with scratch_database("batch") as dsn:
        settings = Settings.model_validate(
            {
                "database_url": dsn,
                "sandbox": True,
                "bootstrap_admin_key": ADMIN,
                "polling": {"enabled": False},
                "notify": {"enabled": False},
                "security": {"rate_limit_per_second": 1e6, "rate_limit_burst": 1_000_000},
                "log_level": "WARNING",
            }
        )
        runner = web.AppRunner(create_app(settings, clock=SystemClock()), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        headers = {"Authorization": f"Bearer {ADMIN}"}
        limits = httpx.Limits(max_connections=CONCURRENCY)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=120, limits=limits
        ) as client:
            assert (await client.post("/v1/tenants", json={"id": "bench", "name": "Bench"})).status_code == 201
            queue = [_item("S", n) | {"tenant": "bench"} for n in range(PARCELS)]

            async def worker() -> None:
                while queue:
                    response = await client.post("/v1/shipments", json=queue.pop())
                    assert response.status_code == 201, response.text

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
            single_rate = PARCELS / (time.perf_counter() - started)

            items = [_item("B", n) | {"tenant": "bench"} for n in range(PARCELS)]
            started = time.perf_counter()
            for start in range(0, PARCELS, BATCH):
                body = (await client.post("/v1/shipments/batch", json={"items": items[start : start + BATCH]})).json()
                assert body["created"] == BATCH, body["failed"]
            batch_rate = PARCELS / (time.perf_counter() - started)
        await runner.cleanup()
    report(
        "registrations/s, batch of 1,000",
        f"{batch_rate:,.0f}/s",
        f"{single_rate:,.0f}/s single",
        batch_rate / single_rate,
        ">= 10x single POSTs",
    )


if __name__ == "__main__":
    asyncio.run(main())
