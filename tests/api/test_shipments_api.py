"""Registering, looking up and searching shipments through the API."""

from __future__ import annotations

import httpx

from tests.conftest import LiveService

BUYER = {"name": "张三丰", "phone": "+86 138-1234-5678", "email": "zhangsan@example.com", "locale": "zh-Hans"}


async def test_register_is_idempotent_201_then_200(shop: httpx.AsyncClient) -> None:
    body = {"tracking_number": "SBX-IN_TRANSIT-0001", "order_id": "TB-1"}
    first = await shop.post("/v1/shipments", json=body)
    second = await shop.post("/v1/shipments", json=body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["carrier"] == "sandbox"
    assert first.headers["Location"] == f"/v1/shipments/{first.json()['id']}"


async def test_buyer_is_masked_in_every_response(shop: httpx.AsyncClient) -> None:
    created = (await shop.post("/v1/shipments", json={"tracking_number": "SBX-DELIVERED-7", "buyer": BUYER})).json()
    fetched = (await shop.get(f"/v1/shipments/{created['id']}")).json()
    listed = (await shop.get("/v1/shipments")).json()["items"][0]
    for shown in (created, fetched, listed):
        assert shown["buyer"] == {
            "name": "张**",
            "phone": "138****5678",
            "email": "z****@example.com",
            "locale": "zh-Hans",
        }
    raw = (await shop.get(f"/v1/shipments/{created['id']}")).text
    assert "13812345678" not in raw and "138-1234-5678" not in raw and "zhangsan@" not in raw and "张三丰" not in raw


async def test_buyer_pii_is_sealed_at_rest(shop: httpx.AsyncClient, db_dsn: str) -> None:
    import asyncpg

    await shop.post("/v1/shipments", json={"tracking_number": "SBX-DELIVERED-8", "buyer": BUYER})
    conn = await asyncpg.connect(db_dsn)
    try:
        row = await conn.fetchrow("SELECT row_to_json(s)::text AS j FROM shipments s")
    finally:
        await conn.close()
    assert "5678" not in row["j"].replace("138****5678", "") and "zhangsan" not in row["j"]


async def test_search_by_each_field(service: LiveService, shop: httpx.AsyncClient) -> None:
    a = (
        await shop.post(
            "/v1/shipments",
            json={"tracking_number": "SBX-DELIVERED-1", "order_id": "O-1", "buyer": {"phone": "13900001111"}},
        )
    ).json()
    b = (
        await shop.post(
            "/v1/shipments",
            json={"tracking_number": "SBX-IN_TRANSIT-2", "order_id": "O-2", "buyer": {"phone": "13900002222"}},
        )
    ).json()
    await service.services.poller.poll_once()  # type: ignore[union-attr]

    async def ids(**params: str) -> list[str]:
        response = await shop.get("/v1/shipments", params=params)
        assert response.status_code == 200, response.text
        return [s["id"] for s in response.json()["items"]]

    assert await ids(tracking_number="SBX-DELIVERED-1") == [a["id"]]
    assert await ids(order_id="O-2") == [b["id"]]
    assert await ids(phone_last4="1111") == [a["id"]]
    assert await ids(status="in_transit") == [b["id"]]
    assert sorted(await ids(carrier="sandbox")) == sorted([a["id"], b["id"]])
    assert await ids(status="delivered", order_id="O-2") == []


async def test_search_paginates_with_a_cursor_without_gaps_or_repeats(shop: httpx.AsyncClient) -> None:
    created = []
    for n in range(7):
        created.append((await shop.post("/v1/shipments", json={"tracking_number": f"SBX-IN_TRANSIT-{n}"})).json()["id"])
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        page = (await shop.get("/v1/shipments", params=params)).json()
        seen.extend(s["id"] for s in page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert sorted(seen) == sorted(created) and len(seen) == len(set(seen))


async def test_events_paginate_newest_first(service: LiveService, shop: httpx.AsyncClient) -> None:
    created = (await shop.post("/v1/shipments", json={"tracking_number": "SBX-DELIVERED-3"})).json()
    await shop.post(f"/v1/shipments/{created['id']}/refresh")
    first = (await shop.get(f"/v1/shipments/{created['id']}/events", params={"limit": "2"})).json()
    second = (
        await shop.get(f"/v1/shipments/{created['id']}/events", params={"limit": "10", "cursor": first["next_cursor"]})
    ).json()
    times = [e["occurred_at"] for e in first["items"] + second["items"]]
    assert len(times) == 5 and times == sorted(times, reverse=True)
    assert second["next_cursor"] is None


async def test_unknown_shipment_id_is_404(shop: httpx.AsyncClient) -> None:
    for path in ("/v1/shipments/00000000-0000-0000-0000-000000000000", "/v1/shipments/not-a-uuid"):
        response = await shop.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_health_ready_metrics_and_openapi_need_no_key(service: LiveService) -> None:
    async with httpx.AsyncClient(base_url=service.base_url) as anon:
        assert (await anon.get("/healthz")).json() == {"status": "ok"}
        assert (await anon.get("/readyz")).json()["database"] == "ok"
        assert "tracking_http_request_seconds" in (await anon.get("/metrics")).text
        spec = (await anon.get("/openapi.json")).json()
    assert {"/v1/shipments", "/v1/shipments/{shipment_id}", "/v1/tenants", "/v1/keys"} <= set(spec["paths"])
