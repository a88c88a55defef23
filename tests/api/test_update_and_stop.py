"""PATCH /v1/shipments/{id} changes what the shop knows of a parcel; DELETE stops tracking it: no more polls,
carrier pushes or notices (SPEC §12)."""

from __future__ import annotations

import json
from datetime import timedelta

import asyncpg
import httpx

from carriers.sandbox.scenarios import build_parcel
from tests.conftest import LiveService, create_key, create_tenant
from tests.polling.test_carrier_push import _signed
from tracking_service.incidents.service import sweep_once


async def test_patch_changes_only_the_fields_sent(
    service: LiveService, admin: httpx.AsyncClient, shop: httpx.AsyncClient
) -> None:
    body = {"tracking_number": "SBX-IN_TRANSIT-300", "order_id": "TB-1", "metadata": {"sku": "A"}}
    created = (await shop.post("/v1/shipments", json=body)).json()
    url = f"/v1/shipments/{created['id']}"
    changed = await shop.patch(url, json={"buyer": {"name": "李雷", "phone": "13912345678"}, "metadata": {"sku": "B"}})
    assert changed.status_code == 200, changed.text
    data = changed.json()
    assert data["order_id"] == "TB-1"  # not sent: unchanged
    assert data["metadata"] == {"sku": "B"}
    assert data["buyer"]["phone"] == "139****5678" and "13912345678" not in changed.text
    found = (await shop.get("/v1/shipments", params={"phone_last4": "5678"})).json()["items"]
    assert [s["id"] for s in found] == [created["id"]]
    cleared = (await shop.patch(url, json={"order_id": None, "destination": {"country": "CN", "city": "杭州"}})).json()
    assert cleared["order_id"] is None and cleared["destination"] == {"country": "CN", "city": "杭州"}
    for bad in ({}, {"tracking_number": "X"}, {"buyer": {"phone": "abc"}}, {"promised_delivery_at": "soon"}):
        response = await shop.patch(url, json=bad)
        assert response.status_code == 422, (bad, response.text)
    await create_tenant(admin, "shop-b")
    other = await create_key(admin, "agent", ["shop-b"])
    async with service.client(other) as b:
        assert (await b.patch(url, json={"order_id": "MINE"})).status_code == 404
        assert (await b.delete(url)).status_code == 404
    assert (await shop.get(url)).json()["order_id"] is None


async def test_a_promise_moved_into_the_past_is_looked_at_by_the_next_sweep(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    created = (await shop.post("/v1/shipments", json={"tracking_number": "SBX-IN_TRANSIT-301"})).json()
    await service.services.poller.poll_once()  # type: ignore[union-attr]
    svc = service.services
    assert (await sweep_once(svc.db, svc.clock.now(), svc.estimator)).opened == []
    promised = (svc.clock.now() - timedelta(hours=2)).isoformat()
    patched = await shop.patch(f"/v1/shipments/{created['id']}", json={"promised_delivery_at": promised})
    assert patched.status_code == 200, patched.text
    opened = (await sweep_once(svc.db, svc.clock.now(), svc.estimator)).opened
    assert [i["kind"] for i in opened] == ["delayed"]


async def test_delete_stops_polls_pushes_and_notices(
    service: LiveService, shop: httpx.AsyncClient, db_dsn: str
) -> None:
    hook = {"url": "http://127.0.0.1:9/hook", "events": ["shipment.status_changed", "incident.opened"]}
    assert (await shop.post("/v1/subscriptions", json=hook)).status_code == 201
    created = (await shop.post("/v1/shipments", json={"tracking_number": "SBX-DAMAGED-302"})).json()
    await service.services.poller.poll_once()  # type: ignore[union-attr]
    url = f"/v1/shipments/{created['id']}"
    assert (await shop.delete(url)).status_code == 204
    assert (await shop.delete(url)).status_code == 204  # already stopped: the same answer
    shown = (await shop.get(url)).json()
    assert shown["stopped_at"] is not None and shown["next_poll_at"] is None
    refresh = await shop.post(f"{url}/refresh")
    assert refresh.status_code == 409 and "stopped" in refresh.json()["detail"]
    service.clock.advance(timedelta(days=3))
    report = await service.services.poller.poll_once()  # type: ignore[union-attr]
    assert report.claimed == 0
    parcel = build_parcel("SBX-DAMAGED-302", service.clock.now() + timedelta(hours=1))
    assert parcel is not None
    push = json.dumps({"code": 0, "data": [parcel.to_json()]}).encode()
    async with httpx.AsyncClient(base_url=service.base_url) as carrier:
        pushed = await carrier.post("/v1/webhooks/carriers/sandbox", content=push, headers=_signed(push))
    assert pushed.status_code == 200
    conn = await asyncpg.connect(db_dsn)
    try:
        notices = await conn.fetch("SELECT status, last_error FROM outbox WHERE shipment_id = $1", created["id"])
        events = await conn.fetchval("SELECT count(*) FROM events WHERE source = 'push'")
    finally:
        await conn.close()
    assert notices and {(n["status"], n["last_error"]) for n in notices} == {("dead", "tracking stopped")}
    assert events == 0
