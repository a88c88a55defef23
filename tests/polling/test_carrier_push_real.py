"""A real carrier's push (Kuaidi100 callback) through HTTP: stored once, replays add nothing, bad sign is 401."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import asyncpg
import httpx
import pytest

from tests.conftest import LiveService, create_key, create_tenant, free_port, make_settings, start_service
from tracking_service.clock import FrozenClock

FIXTURE = Path(__file__).resolve().parent.parent / "contract" / "fixtures" / "kuaidi100" / "delivered.json"


def _callback(salt: str) -> bytes:
    param = json.dumps({"status": "polling", "lastResult": json.loads(FIXTURE.read_text())}, ensure_ascii=False)
    sign = hashlib.md5((param + salt).encode()).hexdigest().upper()
    return urlencode({"param": param, "sign": sign}).encode()


@pytest.fixture
async def k100_service(db_dsn: str, clock: FrozenClock) -> AsyncIterator[LiveService]:
    settings = make_settings(
        db_dsn,
        free_port(),
        carriers={
            "kuaidi100": {
                "enabled": True,
                "base_url": "http://127.0.0.1:9",
                "key": "k",
                "customer": "c",
                "secret": "salt-1",
            }
        },
    )
    live, runner = await start_service(settings, clock)
    yield live
    await runner.cleanup()


async def test_kuaidi100_callback_is_stored_once_and_bad_sign_is_rejected(
    k100_service: LiveService, db_dsn: str
) -> None:
    async with k100_service.client() as admin:
        await create_tenant(admin, "shop-k")
        key = await create_key(admin, "agent", ["shop-k"])
    async with k100_service.client(key) as shop, httpx.AsyncClient(base_url=k100_service.base_url) as carrier:
        created = await shop.post("/v1/shipments", json={"tracking_number": "YT1234567890123"})
        assert created.status_code == 201 and created.json()["carrier"] == "kuaidi100"
        assert created.json()["sub_carrier"] == "yuantong"
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        bad = await carrier.post("/v1/webhooks/carriers/kuaidi100", content=_callback("wrong"), headers=form)
        assert bad.status_code == 401
        for _ in range(2):
            ok = await carrier.post("/v1/webhooks/carriers/kuaidi100", content=_callback("salt-1"), headers=form)
            assert ok.status_code == 200
            assert ok.json() == {"result": True, "returnCode": "200", "message": "成功"}
        shipment = (await shop.get(f"/v1/shipments/{created.json()['id']}")).json()
    assert shipment["status"] == "delivered" and shipment["last_event"]["source"] == "push"
    conn = await asyncpg.connect(db_dsn)
    try:
        assert await conn.fetchval("SELECT count(*) FROM events") == 5
    finally:
        await conn.close()
