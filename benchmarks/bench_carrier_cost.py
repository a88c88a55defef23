"""Carrier cost and push latency (issue 12, SPEC §10).

1. **Calls per delivered parcel.** The whole service (app factory, real PostgreSQL, shared budgets,
   subscription job, poller) follows parcels on a virtual clock against a fake Kuaidi100 on 127.0.0.1
   that answers each parcel's timeline up to the virtual now. Timelines are seeded and shaped like the
   sandbox's DELIVERED scenario (揽收 → 干线 → 到达派件城市 → 派件 → 签收, a third with a long silence in
   the middle). Two runs: **poll only** (no subscriptions, no pushes) and **push on** (subscribed at
   registration, Kuaidi100 pushes every scan, polling as the safety net). Baseline: a fixed hourly
   poll from registration until the look that sees the signature, on the same timelines.
2. **Push → stored event → outbound webhook.** Signed sandbox pushes through HTTP; "stored" is the push
   answer (the event is committed before the 200), "webhook" is its arrival at a local receiver, sent
   by the dispatcher on its tick. Baseline: a bare httpx POST to the same receiver.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import math
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import asyncpg
import httpx
from aiohttp import web
from common import report, scratch_database

from tracking_service.app import create_app
from tracking_service.clock import FrozenClock, SystemClock
from tracking_service.config import Settings
from tracking_service.services import SERVICES

PARCELS = 60
PUSHES = 200
ADMIN = "bench-admin-key-0123456789abcdef"
SALT = "bench-salt"
SANDBOX_SECRET = "bench-sandbox-secret"
START = datetime(2026, 11, 10, 0, 0, tzinfo=UTC)
SHANGHAI = timedelta(hours=8)

# (hours after the previous scan: low, high), Kuaidi100 statusCode, text
STAGES = (
    ((0.5, 6.0), "103", "【杭州市】快件已揽收"),
    ((2.0, 10.0), "1002", "快件已从杭州转运中心发出"),
    ((12.0, 48.0), "1001", "快件已到达深圳转运中心"),
    ((4.0, 14.0), "5", "【深圳市】快递员正在派件"),
    ((1.0, 6.0), "301", "快件已签收，签收人：本人"),
)
STATE_OF = {"103": "1", "1002": "0", "1001": "0", "5": "5", "301": "3"}


def timelines(seed: int = 12) -> dict[str, list[tuple[datetime, str, str]]]:
    rng = random.Random(seed)
    out: dict[str, list[tuple[datetime, str, str]]] = {}
    for i in range(PARCELS):
        at, scans = START, []
        for n, ((low, high), code, text) in enumerate(STAGES):
            hours = rng.uniform(low, high) + (rng.uniform(30, 60) if n == 2 and i % 3 == 0 else 0.0)
            at += timedelta(hours=hours)
            scans.append((at.replace(microsecond=0), code, text))
        out[f"YT75{i:011d}"] = scans
    return out


def hourly_baseline(lines: dict[str, list[tuple[datetime, str, str]]]) -> float:
    """Looks at START, START+1h, … until the first one at or after the signature."""
    looks = [math.ceil((scans[-1][0] - START).total_seconds() / 3600) + 1 for scans in lines.values()]
    return sum(looks) / len(looks)


@dataclass
class FakeKuaidi100:
    lines: dict[str, list[tuple[datetime, str, str]]]
    clock: FrozenClock
    calls: Counter[str] = field(default_factory=Counter)

    def answer(self, number: str) -> dict[str, Any]:
        seen = [s for s in self.lines[number] if s[0] <= self.clock.now()]
        data = [
            {"time": (at + SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"), "context": text, "statusCode": code}
            for at, code, text in reversed(seen)
        ]
        state = STATE_OF[seen[-1][1]] if seen else "0"
        return {"message": "ok", "nu": number, "com": "yuantong", "state": state, "status": "200", "data": data}

    async def query(self, request: web.Request) -> web.Response:
        self.calls["query"] += 1
        number = json.loads(str((await request.post())["param"]))["num"]
        if not any(s[0] <= self.clock.now() for s in self.lines[number]):
            return web.json_response({"result": False, "returnCode": "500", "message": "查询无结果，请隔段时间再查"})
        return web.json_response(self.answer(number))

    async def subscribe(self, request: web.Request) -> web.Response:
        self.calls["subscribe"] += 1
        return web.json_response({"result": True, "returnCode": "200", "message": "提交成功"})

    def callback(self, number: str) -> bytes:
        last = self.answer(number)
        status = "shutdown" if last["state"] == "3" else "polling"
        param = json.dumps({"status": status, "message": "", "autoCheck": "0", "lastResult": last}, ensure_ascii=False)
        sign = hashlib.md5((param + SALT).encode()).hexdigest().upper()  # noqa: S324 - Kuaidi100's scheme
        return urlencode({"param": param, "sign": sign}).encode()


async def serve(app: web.Application) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


def settings(dsn: str, port: int, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": dsn,
        "bootstrap_admin_key": ADMIN,
        "http": {"host": "127.0.0.1", "port": port},
        "polling": {"enabled": False},
        "notify": {"enabled": False},
        "incidents": {"sweep_seconds": 86400},
        "log_level": "WARNING",
        "security": {"rate_limit_per_second": 10_000, "rate_limit_burst": 10_000},
        "db_pool_min": 1,
        "db_pool_max": 6,
    }
    values.update(extra)
    return Settings(**values)


async def start_app(config: Settings, clock: Any) -> web.AppRunner:
    runner = web.AppRunner(create_app(config, clock=clock), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, config.http.host, config.http.port).start()
    return runner


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def lifecycle(push: bool) -> tuple[float, int, int, int]:
    """(carrier calls per delivered parcel, queries, subscriptions, parcels delivered)."""
    lines = timelines()
    clock = FrozenClock(START)
    fake = FakeKuaidi100(lines, clock)
    carrier_app = web.Application()
    carrier_app.router.add_post("/poll/query.do", fake.query)
    carrier_app.router.add_post("/poll", fake.subscribe)
    carrier_runner, carrier_port = await serve(carrier_app)
    async with scratch_database("cost") as dsn:
        port = free_port()
        kuaidi100 = {
            "enabled": True,
            "base_url": f"http://127.0.0.1:{carrier_port}",
            "key": "k",
            "customer": "c",
            "secret": SALT,
            "rate_per_second": 1000,
            "rate_burst": 100,
        }
        config = settings(dsn, port, carriers={"kuaidi100": kuaidi100})
        runner = await start_app(config, clock)
        svc = runner.app[SERVICES]
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {ADMIN}"}) as api:
            await api.post("/v1/tenants", json={"id": "bench", "name": "Bench"})
            for number in lines:
                created = await api.post("/v1/shipments", json={"tracking_number": number, "tenant": "bench"})
                assert created.status_code == 201, created.text
            pushes = sorted((at, number) for number, scans in lines.items() for at, _, _ in scans) if push else []
            conn = await asyncpg.connect(dsn)
            try:
                while True:
                    while pushes and pushes[0][0] <= clock.now():
                        _, number = pushes.pop(0)
                        answer = await api.post(
                            "/v1/webhooks/carriers/kuaidi100",
                            content=fake.callback(number),
                            headers={"Content-Type": "application/x-www-form-urlencoded"},
                        )
                        assert answer.status_code == 200, answer.text
                    assert svc.subscriber is not None and svc.poller is not None
                    if push:
                        while (await svc.subscriber.subscribe_once()).claimed:
                            pass
                    while (await svc.poller.poll_once()).claimed:
                        pass
                    left = await conn.fetchval("SELECT count(*) FROM shipments WHERE status <> 'delivered'")
                    due = await conn.fetchval(
                        "SELECT min(least(next_poll_at, CASE WHEN $1 THEN push_due_at END)) FROM shipments", push
                    )
                    moments = [m for m in (due, pushes[0][0] if pushes else None) if m is not None]
                    if not left or not moments or clock.now() - START > timedelta(days=30):
                        break
                    clock.set(max(min(moments), clock.now() + timedelta(seconds=1)))
                delivered = await conn.fetchval("SELECT count(*) FROM shipments WHERE status = 'delivered'")
            finally:
                await conn.close()
        await runner.cleanup()
    await carrier_runner.cleanup()
    total = fake.calls["query"] + fake.calls["subscribe"]
    return total / max(1, delivered), fake.calls["query"], fake.calls["subscribe"], delivered


async def push_latency() -> tuple[list[float], list[float], list[float], float]:
    """Seconds from a push's start to its 200 (stored) and to its webhook; bare POST round trips."""
    arrived: dict[str, float] = {}
    all_arrived = asyncio.Event()

    async def hook(request: web.Request) -> web.Response:
        body = await request.json()
        arrived.setdefault(body["data"]["tracking_number"], time.perf_counter())
        if len(arrived) >= PUSHES:
            all_arrived.set()
        return web.Response(status=204)

    receiver = web.Application()
    receiver.router.add_post("/hook", hook)
    receiver_runner, receiver_port = await serve(receiver)
    hook_url = f"http://127.0.0.1:{receiver_port}/hook"
    tick = 0.25
    async with scratch_database("pushlat") as dsn:
        port = free_port()
        config = settings(
            dsn,
            port,
            sandbox=True,
            notify={"enabled": True, "tick_seconds": tick},
            carriers={"sandbox": {"secret": SANDBOX_SECRET, "rate_per_second": 1000}},
        )
        runner = await start_app(config, SystemClock())
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {ADMIN}"}) as api:
            await api.post("/v1/tenants", json={"id": "bench", "name": "Bench"})
            made = await api.post(
                "/v1/subscriptions", json={"url": hook_url, "events": ["shipment.status_changed"], "tenant": "bench"}
            )
            assert made.status_code == 201, made.text
            numbers = [f"SBX-IN_TRANSIT-{i:04d}" for i in range(PUSHES)]
            for number in numbers:
                created = await api.post("/v1/shipments", json={"tracking_number": number, "tenant": "bench"})
                assert created.status_code == 201, created.text
            stored: list[float] = []
            started: dict[str, float] = {}
            for number in numbers:
                when = (datetime.now(UTC) + SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
                event = {"time": when, "code": "ARRIVED", "desc": "快件已到达深圳转运中心", "location": "深圳"}
                parcel = {"number": number, "status": "found", "eta": None, "events": [event]}
                body = json.dumps({"code": 0, "data": [parcel]}).encode()
                sign = hmac.new(SANDBOX_SECRET.encode(), body, hashlib.sha256).hexdigest()
                started[number] = time.perf_counter()
                answer = await api.post(
                    "/v1/webhooks/carriers/sandbox",
                    content=body,
                    headers={"X-Sandbox-Signature": sign, "Content-Type": "application/json"},
                )
                assert answer.status_code == 200, answer.text
                stored.append(time.perf_counter() - started[number])
                await asyncio.sleep(0.02)  # 50 pushes/s, spread over the dispatcher's ticks
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(all_arrived.wait(), timeout=30)
        await runner.cleanup()
    webhook = [arrived[n] - started[n] for n in numbers if n in arrived]
    async with httpx.AsyncClient() as bare:
        round_trips = []
        for n in range(PUSHES):
            t0 = time.perf_counter()
            await bare.post(hook_url, json={"data": {"tracking_number": f"bare-{n}"}})
            round_trips.append(time.perf_counter() - t0)
    await receiver_runner.cleanup()
    return stored, webhook, round_trips, tick


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


async def main() -> None:
    hourly = hourly_baseline(timelines())
    poll_only, queries, _, delivered = await lifecycle(push=False)
    report(
        f"calls/delivered parcel, poll only ({delivered}/{PARCELS})",
        f"{poll_only:.1f} ({queries} queries)",
        f"{hourly:.1f} hourly",
        poll_only / hourly,
        "below hourly",
    )
    pushed, queries, subscriptions, delivered = await lifecycle(push=True)
    report(
        f"calls/delivered parcel, push on ({delivered}/{PARCELS})",
        f"{pushed:.1f} ({queries}q+{subscriptions}s)",
        f"{hourly:.1f} hourly",
        pushed / hourly,
        "≤ 5 calls/parcel",
    )
    stored, webhook, bare, tick = await push_latency()
    for name, values in (("push → stored event", stored), (f"push → webhook (dispatch tick {tick}s)", webhook)):
        report(
            f"{name} p50/p99 ({len(values)}/{PUSHES})",
            f"{pct(values, 50) * 1000:.1f}/{pct(values, 99) * 1000:.1f} ms",
            f"{pct(bare, 50) * 1000:.1f}/{pct(bare, 99) * 1000:.1f} ms POST",
            pct(values, 99) / pct(bare, 99),
            "webhook p99 ≤ tick + 1 s",
        )


if __name__ == "__main__":
    asyncio.run(main())
