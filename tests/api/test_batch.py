"""`POST /v1/shipments/batch`: up to 1,000 registrations in a request, each answered like the single POST,
good items landing when others fail, idempotent."""

from __future__ import annotations

import asyncpg
import httpx

from tests.conftest import LiveService, create_key, create_tenant


async def test_good_items_land_and_bad_ones_say_why(
    service: LiveService, admin: httpx.AsyncClient, shop: httpx.AsyncClient, db_dsn: str
) -> None:
    await create_tenant(admin, "shop-b")
    first = (await shop.post("/v1/shipments", json={"tracking_number": "SBX-IN_TRANSIT-900"})).json()
    items = [
        {"tracking_number": "SBX-IN_TRANSIT-901", "order_id": "TB-901", "buyer": {"phone": "13812345678"}},
        {"tracking_number": "bad number with spaces"},  # fails its own validation
        {"tracking_number": "SBX-IN_TRANSIT-900"},  # already registered → 200, same shipment
        {"tracking_number": "SBX-IN_TRANSIT-902", "tenant": "shop-b"},  # another tenant's → 404
        {"tracking_number": "SBX-IN_TRANSIT-903", "carrier": "nope"},  # unknown carrier → 422
        {"tracking_number": "SBX-IN_TRANSIT-901"},  # a repeat inside the batch → 200, the row made above
        {"tracking_number": "SBX-RETURN-904", "linked_shipment_id": first["id"]},
        {"tracking_number": "SBX-RETURN-905", "linked_shipment_id": "00000000-0000-4000-8000-000000000000"},
    ]
    response = await shop.post("/v1/shipments/batch", json={"items": items})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [r["index"] for r in body["results"]] == list(range(len(items)))
    assert [r["status"] for r in body["results"]] == [201, 422, 200, 404, 422, 200, 201, 422]
    assert (body["created"], body["existing"], body["failed"]) == (2, 2, 4)
    made = body["results"][0]["shipment"]
    assert made["order_id"] == "TB-901" and made["buyer"]["phone"] == "138****5678"
    assert body["results"][2]["shipment"]["id"] == first["id"]
    assert body["results"][5]["shipment"]["id"] == made["id"]
    assert body["results"][1]["error"]["errors"][0]["loc"][:2] == ["item", "tracking_number"]
    assert body["results"][3]["error"]["title"] == "Not Found"
    assert body["results"][4]["error"]["errors"][0]["type"] == "unknown_carrier"
    assert body["results"][6]["shipment"]["linked_shipment_id"] == first["id"]
    assert body["results"][7]["error"]["errors"][0]["loc"] == ["body", "linked_shipment_id"]
    again = (await shop.post("/v1/shipments/batch", json={"items": items})).json()
    assert [r["status"] for r in again["results"]] == [200, 422, 200, 404, 422, 200, 200, 422]
    conn = await asyncpg.connect(db_dsn)
    try:
        numbers = await conn.fetch("SELECT tenant_id, tracking_number FROM shipments ORDER BY tracking_number")
    finally:
        await conn.close()
    assert [(r["tenant_id"], r["tracking_number"]) for r in numbers] == [
        ("shop-a", "SBX-IN_TRANSIT-900"),
        ("shop-a", "SBX-IN_TRANSIT-901"),
        ("shop-a", "SBX-RETURN-904"),
    ]


async def test_a_batch_of_a_thousand_in_one_request(
    service: LiveService, admin: httpx.AsyncClient, shop: httpx.AsyncClient
) -> None:
    items = [{"tracking_number": f"SBX-IN_TRANSIT-{n:05d}", "order_id": f"D11-{n}"} for n in range(1000)]
    body = (await shop.post("/v1/shipments/batch", json={"items": items})).json()
    assert (body["created"], body["failed"]) == (1000, 0)
    found = (await shop.get("/v1/shipments", params={"order_id": "D11-999"})).json()["items"]
    assert [s["tracking_number"] for s in found] == ["SBX-IN_TRANSIT-00999"]


async def test_the_batch_itself_must_be_well_formed(service: LiveService, admin: httpx.AsyncClient) -> None:
    await create_tenant(admin, "shop-c")
    key = await create_key(admin, "service", ["shop-c"])
    async with service.client(key) as client:
        for bad in ({}, {"items": []}, {"items": [{}] * 1001}, {"items": ["SBX-1"]}, {"items": [], "extra": 1}):
            response = await client.post("/v1/shipments/batch", json=bad)
            assert response.status_code == 422, (bad, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
    async with service.client(None) as anonymous:
        assert (await anonymous.post("/v1/shipments/batch", json={"items": [{}]})).status_code == 401
