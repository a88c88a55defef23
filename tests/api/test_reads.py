"""The reads SPEC §12 adds: one incident, the claims and subscriptions lists (cursor-paginated, filtered,
tenant-scoped) and a tenant's settings without its credentials."""

from __future__ import annotations

from datetime import timedelta

import httpx

from tests.conftest import LiveService, create_key, create_tenant


async def test_one_incident_and_the_claims_list(
    service: LiveService, admin: httpx.AsyncClient, shop: httpx.AsyncClient
) -> None:
    created = []
    for n in range(3):
        body = {"tracking_number": f"SBX-DAMAGED-61{n}"}
        created.append((await shop.post("/v1/shipments", json=body)).json())
        service.clock.advance(timedelta(seconds=1))
    await service.services.poller.poll_once()  # type: ignore[union-attr]
    [first, *_] = (await shop.get("/v1/incidents")).json()["items"]
    one = await shop.get(f"/v1/incidents/{first['id']}")
    assert one.status_code == 200 and one.json() == first
    assert (await shop.get("/v1/incidents/00000000-0000-4000-8000-000000000000")).status_code == 404
    assert (await shop.get("/v1/incidents/not-a-uuid")).status_code == 404
    for shipment, kind in zip(created, ["damaged", "damaged", "lost"], strict=True):
        made = await shop.post("/v1/claims", json={"shipment_id": shipment["id"], "kind": kind, "description": "x"})
        assert made.status_code == 201, made.text
    page1 = (await shop.get("/v1/claims", params={"limit": 2})).json()
    page2 = (await shop.get("/v1/claims", params={"limit": 2, "cursor": page1["next_cursor"]})).json()
    assert len(page1["items"]) == 2 and len(page2["items"]) == 1 and page2["next_cursor"] is None
    shipments = {c["shipment_id"] for c in page1["items"] + page2["items"]}
    assert shipments == {s["id"] for s in created}
    damaged = (await shop.get("/v1/claims", params={"kind": "damaged", "status": "open"})).json()["items"]
    assert sorted(c["kind"] for c in damaged) == ["damaged", "damaged"]
    assert (await shop.get("/v1/claims", params={"status": "lost"})).status_code == 422
    await create_tenant(admin, "shop-z")
    assert (await shop.get("/v1/claims", params={"tenant": "shop-z"})).status_code == 404
    async with service.client(await create_key(admin, "agent", ["shop-z"])) as z:
        assert (await z.get("/v1/claims")).json()["items"] == []
        assert (await z.get(f"/v1/incidents/{first['id']}")).status_code == 404


async def test_the_subscriptions_list_hides_secrets_and_deleted_ones(
    service: LiveService, admin: httpx.AsyncClient, shop: httpx.AsyncClient
) -> None:
    ids = []
    for n in range(3):
        body = {"url": f"http://127.0.0.1:9/hook{n}", "events": ["incident.opened"]}
        ids.append((await shop.post("/v1/subscriptions", json=body)).json()["id"])
        service.clock.advance(timedelta(seconds=1))  # newest first is by creation time
    assert (await shop.delete(f"/v1/subscriptions/{ids[1]}")).status_code == 204
    listed = (await shop.get("/v1/subscriptions")).json()
    assert [s["id"] for s in listed["items"]] == [ids[2], ids[0]]
    assert all("secret" not in s for s in listed["items"])
    await create_tenant(admin, "shop-y")
    other = await create_key(admin, "agent", ["shop-y"])
    async with service.client(other) as y:
        assert (await y.get("/v1/subscriptions")).json()["items"] == []


async def test_settings_read_back_without_credentials(
    service: LiveService, admin: httpx.AsyncClient, shop: httpx.AsyncClient
) -> None:
    desk = {"kind": "chatwoot", "base_url": "http://127.0.0.1:9", "credentials": {"api_access_token": "tok-SECRET"}}
    put = await admin.put("/v1/tenants/shop-a/settings", json={"desk": desk, "channels": ["email"]})
    assert put.status_code == 200, put.text
    got = await admin.get("/v1/tenants/shop-a/settings")
    assert got.status_code == 200, got.text
    assert got.json() == put.json()
    assert got.json()["settings"]["desk"]["credentials"] == {"configured": ["api_access_token"]}
    assert "tok-SECRET" not in got.text
    assert got.json()["settings"]["thresholds"]["lost_days"] == 10  # defaults filled in
    assert (await admin.get("/v1/tenants/nobody/settings")).status_code == 404
    assert (await shop.get("/v1/tenants/shop-a/settings")).status_code == 403
