"""The key lifecycle over the API (SPEC §12): list without secrets, revoke, expire, last use, audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import LiveService, create_tenant


async def _new_key(admin: httpx.AsyncClient, **body: object) -> dict[str, Any]:
    response = await admin.post("/v1/keys", json={"role": "agent", "tenants": ["shop-a"], **body})
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
async def shop_a(service: LiveService, admin: httpx.AsyncClient) -> httpx.AsyncClient:
    await create_tenant(admin, "shop-a")
    await create_tenant(admin, "shop-b")
    return admin


async def test_an_admin_key_with_a_tenant_list_is_refused(shop_a: httpx.AsyncClient, service: LiveService) -> None:
    before = await service.services.db.fetchval("SELECT count(*) FROM api_keys")
    response = await shop_a.post("/v1/keys", json={"role": "admin", "tenants": ["shop-a"]})
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error["loc"] == ["body", "tenants"]
    assert "admin keys act for every tenant" in response.json()["detail"]
    assert await service.services.db.fetchval("SELECT count(*) FROM api_keys") == before
    assert (await shop_a.post("/v1/keys", json={"role": "admin"})).status_code == 201


async def test_an_expiry_in_the_past_is_refused(shop_a: httpx.AsyncClient, service: LiveService) -> None:
    response = await shop_a.post(
        "/v1/keys",
        json={"role": "agent", "tenants": ["shop-a"], "expires_at": service.clock.now().isoformat()},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", "expires_at"]


async def test_a_key_past_its_expiry_is_refused(shop_a: httpx.AsyncClient, service: LiveService) -> None:
    created = await _new_key(shop_a, expires_at=(service.clock.now() + timedelta(hours=1)).isoformat())
    service.clock.advance(timedelta(hours=1))
    async with service.client(created["key"]) as agent:
        refused = await agent.get("/v1/shipments")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "the API key is unknown, revoked or expired"


async def test_a_key_in_use_is_refused_once_it_expires_though_cached(
    shop_a: httpx.AsyncClient, service: LiveService
) -> None:
    created = await _new_key(shop_a, expires_at=(service.clock.now() + timedelta(hours=1)).isoformat())
    async with service.client(created["key"]) as agent:
        assert (await agent.get("/v1/shipments")).status_code == 200
        service.clock.advance(timedelta(minutes=59, seconds=59))
        assert (await agent.get("/v1/shipments")).status_code == 200
        service.clock.advance(timedelta(seconds=1))
        refused = await agent.get("/v1/shipments")
    assert refused.status_code == 401


async def test_last_used_at_is_written_at_most_once_a_minute(shop_a: httpx.AsyncClient, service: LiveService) -> None:
    created = await _new_key(shop_a)
    first_use = service.clock.now()

    async def last_used() -> object:
        return await service.services.db.fetchval(
            "SELECT last_used_at FROM api_keys WHERE id = $1::uuid", created["id"]
        )

    async with service.client(created["key"]) as agent:
        assert (await agent.get("/v1/shipments")).status_code == 200
        assert await last_used() == first_use
        service.clock.advance(timedelta(seconds=59))
        for _ in range(5):
            assert (await agent.get("/v1/shipments")).status_code == 200
        assert await last_used() == first_use  # no UPDATE within the minute
        service.clock.advance(timedelta(seconds=2))
        assert (await agent.get("/v1/shipments")).status_code == 200
    assert await last_used() == first_use + timedelta(seconds=61)
