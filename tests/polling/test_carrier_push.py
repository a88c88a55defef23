"""Carrier push endpoint: a good signature is stored once, a bad one is 401 with nothing stored."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from datetime import timedelta

import asyncpg
import httpx
import pytest

from carriers.sandbox.scenarios import build_parcel
from tests.conftest import SANDBOX_PUSH_SECRET, LiveService
from tracking_service.logging_setup import JsonFormatter


def _signed(body: bytes, secret: str = SANDBOX_PUSH_SECRET) -> dict[str, str]:
    return {
        "X-Sandbox-Signature": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(),
        "Content-Type": "application/json",
    }


async def _events(db_dsn: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(db_dsn)
    try:
        return await conn.fetch("SELECT status, source FROM events")
    finally:
        await conn.close()


@pytest.fixture
async def registered(service: LiveService, shop: httpx.AsyncClient) -> dict[str, object]:
    response = await shop.post("/v1/shipments", json={"tracking_number": "SBX-DELIVERED-0500"})
    return response.json()  # type: ignore[no-any-return]


def _push_body(service: LiveService, number: str) -> bytes:
    parcel = build_parcel(number, service.clock.now() + timedelta(hours=1))
    assert parcel is not None
    return json.dumps({"code": 0, "data": [parcel.to_json()]}).encode()


async def test_signed_push_is_stored_once_and_replay_adds_nothing(
    service: LiveService, registered: dict[str, object], shop: httpx.AsyncClient, db_dsn: str
) -> None:
    body = _push_body(service, "SBX-DELIVERED-0500")
    async with httpx.AsyncClient(base_url=service.base_url) as carrier:
        first = await carrier.post("/v1/webhooks/carriers/sandbox", content=body, headers=_signed(body))
        replay = await carrier.post("/v1/webhooks/carriers/sandbox", content=body, headers=_signed(body))
    assert (first.status_code, replay.status_code) == (200, 200)
    assert first.json() == {"code": 0}
    events = await _events(db_dsn)
    assert len(events) == 5 and {e["source"] for e in events} == {"push"}
    shipment = (await shop.get(f"/v1/shipments/{registered['id']}")).json()
    assert shipment["status"] == "delivered" and shipment["last_event"]["source"] == "push"


@pytest.mark.parametrize(
    ("name", "headers", "status"),
    [
        ("wrong secret", _signed(b"x", "not-the-secret"), 401),
        ("no signature", {"Content-Type": "application/json"}, 401),
    ],
)
async def test_bad_signature_is_401_and_stores_nothing(
    service: LiveService, registered: dict[str, object], db_dsn: str, name: str, headers: dict[str, str], status: int
) -> None:
    body = _push_body(service, "SBX-DELIVERED-0500")
    async with httpx.AsyncClient(base_url=service.base_url) as carrier:
        response = await carrier.post("/v1/webhooks/carriers/sandbox", content=body, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await _events(db_dsn) == []


async def test_signed_garbage_is_400_and_stores_nothing(
    service: LiveService, registered: dict[str, object], db_dsn: str
) -> None:
    body = b'{"code":0,"data":[{"number":'
    async with httpx.AsyncClient(base_url=service.base_url) as carrier:
        response = await carrier.post("/v1/webhooks/carriers/sandbox", content=body, headers=_signed(body))
    assert response.status_code == 400
    assert await _events(db_dsn) == []


async def test_push_for_an_unknown_carrier_is_404(service: LiveService) -> None:
    async with httpx.AsyncClient(base_url=service.base_url) as carrier:
        response = await carrier.post("/v1/webhooks/carriers/pigeon", content=b"{}")
    assert response.status_code == 404


@pytest.mark.parametrize("given", ["trace-7f3a9c", None, "not a token <script>"])
async def test_log_lines_carry_the_request_id_the_response_echoes(
    service: LiveService, caplog: pytest.LogCaptureFixture, given: str | None
) -> None:
    caplog.set_level(logging.WARNING)
    headers = {"Content-Type": "application/json", **({"X-Request-Id": given} if given else {})}
    async with httpx.AsyncClient(base_url=service.base_url) as carrier:
        response = await carrier.post("/v1/webhooks/carriers/sandbox", content=b"{}", headers=headers)
    assert response.status_code == 401
    request_id = response.headers["X-Request-Id"]
    if given == "trace-7f3a9c":
        assert request_id == given
    else:  # none given, or not a plain token: the service makes its own
        assert request_id != given and re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]+", request_id)
    rejected = [r for r in caplog.records if r.getMessage() == "carrier push rejected"]
    assert [r.request_id for r in rejected] == [request_id]  # type: ignore[attr-defined]
    line = json.loads(JsonFormatter().format(rejected[0]))
    assert line["request_id"] == request_id and line["carrier"] == "sandbox"
