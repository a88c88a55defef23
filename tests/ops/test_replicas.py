"""Two service processes on one database: every shipment polled once, every notice sent once, and SIGTERM
lets in-flight work finish within 10 s."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from tests.conftest import ADMIN_KEY, ROOT, free_port

SHIPMENTS = 2000


async def _start(db_dsn: str, port: int) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "TRACKING_DATABASE_URL": db_dsn,
        "TRACKING_HTTP__PORT": str(port),
        "TRACKING_SANDBOX": "true",
        "TRACKING_ALLOW_PRIVATE_URLS": "true",  # its webhook peer listens on 127.0.0.1
        "TRACKING_BOOTSTRAP_ADMIN_KEY": ADMIN_KEY,
        "TRACKING_LOG_LEVEL": "WARNING",
        "TRACKING_POLLING__TICK_SECONDS": "0.3",
        "TRACKING_POLLING__BATCH_SIZE": "100",
        "TRACKING_NOTIFY__TICK_SECONDS": "0.3",
        "TRACKING_NOTIFY__BATCH_SIZE": "200",
        "TRACKING_SECURITY__RATE_LIMIT_PER_SECOND": "100000",
        "TRACKING_SECURITY__RATE_LIMIT_BURST": "100000",
        "TRACKING_CARRIERS__SANDBOX__RATE_PER_SECOND": "1000",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tracking_service",
        "serve",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    async with httpx.AsyncClient() as client:
        for _ in range(100):
            try:
                if (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    return process
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError(f"replica on port {port} did not become ready")


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, Counter[str]]]:
    seen: Counter[str] = Counter()

    async def hook(request: web.Request) -> web.Response:
        body = await request.json()
        seen[body["data"]["tracking_number"]] += 1
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}/hook", seen
    await runner.cleanup()


def _polls_ok(metrics_text: str) -> float:
    return sum(
        float(v)
        for v in re.findall(r'^tracking_polls_total\{carrier="sandbox",outcome="ok"\} (\S+)$', metrics_text, re.M)
    )


@pytest.mark.timeout(300)
async def test_two_replicas_poll_and_notify_each_shipment_once(db_dsn: str, receiver: tuple[str, Counter[str]]) -> None:
    url, seen = receiver
    ports = [free_port(), free_port()]
    replicas = [await _start(db_dsn, port) for port in ports]
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{ports[0]}", timeout=30, headers={"Authorization": f"Bearer {ADMIN_KEY}"}
        ) as admin:
            assert (await admin.post("/v1/tenants", json={"id": "big", "name": "Big"})).status_code == 201
            assert (
                await admin.post(
                    "/v1/subscriptions", json={"url": url, "events": ["shipment.status_changed"], "tenant": "big"}
                )
            ).status_code == 201
            semaphore = asyncio.Semaphore(16)

            async def register(n: int) -> None:
                async with semaphore:
                    response = await admin.post(
                        "/v1/shipments", json={"tracking_number": f"SBX-DELIVERED-{n}", "tenant": "big"}
                    )
                    assert response.status_code == 201

            await asyncio.gather(*(register(n) for n in range(SHIPMENTS)))
            deadline = time.monotonic() + 180
            while len(seen) < SHIPMENTS and time.monotonic() < deadline:  # noqa: ASYNC110 - peers are processes
                await asyncio.sleep(0.5)
            polls = 0.0
            for port in ports:
                polls += _polls_ok((await admin.get(f"http://127.0.0.1:{port}/metrics")).text)
            delivered = (await admin.get("/v1/shipments", params={"status": "delivered", "limit": "1"})).json()
        assert len(seen) == SHIPMENTS, f"only {len(seen)} notices arrived"
        assert max(seen.values()) == 1, "a notice was sent twice"
        assert polls == SHIPMENTS, f"{polls} polls for {SHIPMENTS} shipments: one was polled twice"
        assert delivered["items"]
        print(f"replicas: {SHIPMENTS} shipments, {int(polls)} polls, {sum(seen.values())} webhooks")
    finally:
        started = time.monotonic()
        for replica in replicas:
            replica.send_signal(signal.SIGTERM)
        for replica in replicas:
            await asyncio.wait_for(replica.wait(), timeout=15)
        assert time.monotonic() - started < 12, "SIGTERM took longer than the 10 s grace"
