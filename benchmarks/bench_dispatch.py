"""Dispatcher throughput: notices/s delivered as signed webhooks to a local receiver,
vs bare httpx POSTs of the same bodies to the same receiver with the same concurrency."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import asyncpg
import httpx
from aiohttp import web
from common import report, scratch_database

from tracking_service.clock import SystemClock
from tracking_service.config import Settings
from tracking_service.db.core import init_connection
from tracking_service.estimates import Estimator
from tracking_service.notify.dispatcher import Dispatcher
from tracking_service.notify.webhooks import new_secret
from tracking_service.pii import PiiVault, seal_secret

NOTICES = 2000
CONCURRENCY = 16


async def _receiver() -> tuple[web.AppRunner, str, list[int]]:
    received: list[int] = []

    async def hook(request: web.Request) -> web.Response:
        await request.read()
        received.append(1)
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/hook", received


async def main() -> None:
    runner, url, received = await _receiver()
    payload = {
        "type": "incident.opened",
        "timestamp": "2026-11-11T00:00:00Z",
        "data": {"kind": "stalled", "facts": {"hours_silent": 96, "last_event_location": "杭州转运中心"}},
    }
    async with scratch_database("dispatch") as dsn:
        pool = await asyncpg.create_pool(dsn, min_size=2, max_size=8, init=init_connection)
        assert pool is not None
        sub_id = uuid.uuid4()
        await pool.execute("INSERT INTO tenants (id, name, created_at) VALUES ('bench', 'Bench', now())")
        vault = PiiVault("bench")
        sealed, key_id = seal_secret(vault, new_secret())
        await pool.execute(
            "INSERT INTO subscriptions (tenant_id, id, url, events, secret_sealed, secret_key_id, created_at)"
            " VALUES ('bench', $1, $2, '{incident.opened}', $3, $4, now())",
            sub_id,
            url,
            sealed,
            key_id,
        )
        await pool.execute(
            """INSERT INTO outbox (tenant_id, id, channel, subscription_id, event_type, payload, next_attempt_at,
                                   created_at)
               SELECT 'bench', gen_random_uuid(), 'webhook', $1, 'incident.opened', $2, now(), now()
               FROM generate_series(1, $3)""",
            sub_id,
            payload,
            NOTICES,
        )
        settings = Settings.model_validate({"notify": {"batch_size": 500, "concurrency": CONCURRENCY}})
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=CONCURRENCY)) as client:
            dispatcher = Dispatcher(pool, client, settings, SystemClock(), vault, Estimator())
            started = time.perf_counter()
            while len(received) < NOTICES:
                await dispatcher.dispatch_once()
            dispatch_s = time.perf_counter() - started
            received.clear()
            body = json.dumps(payload).encode()
            semaphore = asyncio.Semaphore(CONCURRENCY)

            async def bare() -> None:
                async with semaphore:
                    (
                        await client.post(url, content=body, headers={"Content-Type": "application/json"})
                    ).raise_for_status()

            started = time.perf_counter()
            await asyncio.gather(*(bare() for _ in range(NOTICES)))
            bare_s = time.perf_counter() - started
        await pool.close()
    await runner.cleanup()
    report(
        f"dispatch {NOTICES} signed webhooks (c={CONCURRENCY})",
        f"{NOTICES / dispatch_s:,.0f} notices/s",
        f"bare POST {NOTICES / bare_s:,.0f}/s",
        bare_s / dispatch_s,
        "claim+sign+settle overhead shown as ratio",
    )


if __name__ == "__main__":
    asyncio.run(main())
