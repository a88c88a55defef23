"""Keys: hashed at rest, roles enforced, tenants isolated (other tenants' objects are 404)."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from tests.conftest import ADMIN_KEY, LiveService, create_key, create_tenant
from tests.keys_at_rest import assert_is_hash_of, assert_plaintext_nowhere


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Basic YWxhZGRpbjpvcGVu"},
        {"Authorization": "Bearer  x y"},
    ],
)
async def test_requests_without_a_valid_key_get_401_problem(service: LiveService, headers: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=service.base_url, headers=headers) as anon:
        response = await anon.get("/v1/shipments")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"]


async def test_keys_are_stored_only_as_hashes(service: LiveService, admin: httpx.AsyncClient, db_dsn: str) -> None:
    await create_tenant(admin, "shop-h")
    key = await create_key(admin, "agent", ["shop-h"])
    conn = await asyncpg.connect(db_dsn)
    try:
        agent_hash = await conn.fetchval("SELECT key_hash FROM api_keys WHERE tenant_ids = ARRAY['shop-h']")
        admin_hash = await conn.fetchval("SELECT key_hash FROM api_keys WHERE name = 'bootstrap admin'")
        assert_is_hash_of(agent_hash, key)
        assert_is_hash_of(admin_hash, ADMIN_KEY)
        await assert_plaintext_nowhere(conn, key, ADMIN_KEY)
    finally:
        await conn.close()


async def test_agent_cannot_use_admin_routes(service: LiveService, shop: httpx.AsyncClient) -> None:
    response = await shop.post("/v1/tenants", json={"id": "evil", "name": "x"})
    assert response.status_code == 403
    response = await shop.post("/v1/keys", json={"role": "admin"})
    assert response.status_code == 403


async def test_other_tenants_shipments_are_404_and_invisible(service: LiveService, admin: httpx.AsyncClient) -> None:
    await create_tenant(admin, "shop-a")
    await create_tenant(admin, "shop-b")
    key_a = await create_key(admin, "agent", ["shop-a"])
    key_b = await create_key(admin, "service", ["shop-b"])
    async with service.client(key_a) as a, service.client(key_b) as b:
        mine = (await b.post("/v1/shipments", json={"tracking_number": "SBX-IN_TRANSIT-9", "order_id": "B-1"})).json()
        assert (await a.get(f"/v1/shipments/{mine['id']}")).status_code == 404
        assert (await a.get(f"/v1/shipments/{mine['id']}/events")).status_code == 404
        assert (await a.post(f"/v1/shipments/{mine['id']}/refresh")).status_code == 404
        assert (await a.get("/v1/shipments", params={"order_id": "B-1"})).json()["items"] == []
        # Naming another tenant is 404 on every read that takes `tenant=` (SPEC §12), not an empty 200.
        for path, extra in [
            ("/v1/shipments", {}),
            ("/v1/incidents", {}),
            ("/v1/deliveries", {}),
            ("/v1/stats", {}),
            ("/v1/estimates", {"carrier": "sandbox"}),
        ]:
            foreign = await a.get(path, params={"tenant": "shop-b", **extra})
            assert foreign.status_code == 404, (path, foreign.status_code, foreign.text)
            assert foreign.headers["content-type"].startswith("application/problem+json")
        named = await a.post("/v1/shipments", json={"tracking_number": "SBX-IN_TRANSIT-10", "tenant": "shop-b"})
        assert named.status_code == 404
        assert (await b.get(f"/v1/shipments/{mine['id']}")).status_code == 200


async def test_key_spanning_two_shops_searches_both_and_must_name_the_tenant_to_write(
    service: LiveService, admin: httpx.AsyncClient
) -> None:
    await create_tenant(admin, "shop-a")
    await create_tenant(admin, "shop-b")
    both = await create_key(admin, "agent", ["shop-a", "shop-b"])
    async with service.client(both) as agent:
        unnamed = await agent.post("/v1/shipments", json={"tracking_number": "SBX-DELIVERED-1"})
        assert unnamed.status_code == 422
        for tenant in ("shop-a", "shop-b"):
            response = await agent.post("/v1/shipments", json={"tracking_number": "SBX-DELIVERED-1", "tenant": tenant})
            assert response.status_code == 201
        found = (await agent.get("/v1/shipments", params={"tracking_number": "SBX-DELIVERED-1"})).json()["items"]
    assert sorted(s["tenant"] for s in found) == ["shop-a", "shop-b"]


async def test_bootstrap_admin_key_works_and_creates_keys_shown_once(admin: httpx.AsyncClient) -> None:
    await create_tenant(admin, "shop-k")
    response = await admin.post("/v1/keys", json={"role": "agent", "tenants": ["shop-k"]})
    assert response.status_code == 201
    assert response.json()["key"].startswith("tsk_")
