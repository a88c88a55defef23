"""The key lifecycle over the API (SPEC §12): list without secrets, revoke, expire, last use, audit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import ADMIN_KEY, LiveService, create_tenant
from tracking_service.auth import generate_key, hash_key, key_prefix


async def _new_key(admin: httpx.AsyncClient, **body: object) -> dict[str, Any]:
    response = await admin.post("/v1/keys", json={"role": "agent", "tenants": ["shop-a"], **body})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _listed(admin: httpx.AsyncClient, key_id: str) -> dict[str, Any]:
    items = (await admin.get("/v1/keys", params={"limit": "200"})).json()["items"]
    return next(dict(item) for item in items if item["id"] == key_id)


@pytest.fixture
async def shop_a(service: LiveService, admin: httpx.AsyncClient) -> httpx.AsyncClient:
    await create_tenant(admin, "shop-a")
    await create_tenant(admin, "shop-b")
    return admin


async def test_the_key_list_shows_prefix_role_tenants_and_times_but_never_the_secret(
    shop_a: httpx.AsyncClient, service: LiveService
) -> None:
    expires = (service.clock.now() + timedelta(days=30)).isoformat()
    created = await _new_key(shop_a, name="packing desk", expires_at=expires)
    response = await shop_a.get("/v1/keys")
    assert response.status_code == 200
    item = next(i for i in response.json()["items"] if i["id"] == created["id"])
    assert item == {
        "id": created["id"],
        "prefix": created["key"][:8],
        "role": "agent",
        "tenants": ["shop-a"],
        "name": "packing desk",
        "created_at": item["created_at"],
        "last_used_at": None,
        "expires_at": item["expires_at"],
        "revoked_at": None,
    }
    assert datetime.fromisoformat(item["created_at"]) == service.clock.now()
    assert datetime.fromisoformat(item["expires_at"]) == service.clock.now() + timedelta(days=30)
    assert created["key"] not in response.text and ADMIN_KEY not in response.text
    assert hash_key(created["key"]).hex() not in response.text


async def test_the_key_list_pages_newest_first_and_filters_by_role_and_tenant(shop_a: httpx.AsyncClient) -> None:
    ids = [(await _new_key(shop_a))["id"] for _ in range(3)]
    ids.append((await _new_key(shop_a, role="service", tenants=["shop-b"]))["id"])
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        body = (await shop_a.get("/v1/keys", params=params)).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5  # four new keys and the bootstrap admin key
    assert set(ids) < set(seen)
    services = (await shop_a.get("/v1/keys", params={"role": "service"})).json()["items"]
    assert [i["id"] for i in services] == [ids[3]]
    of_shop_a = (await shop_a.get("/v1/keys", params={"tenant": "shop-a"})).json()["items"]
    assert sorted(i["id"] for i in of_shop_a) == sorted(ids[:3])


async def test_a_revoked_key_is_refused_at_once_and_listed_as_revoked(
    shop_a: httpx.AsyncClient, service: LiveService
) -> None:
    created = await _new_key(shop_a)
    async with service.client(created["key"]) as agent:
        assert (await agent.get("/v1/shipments")).status_code == 200  # cached by this replica now
        assert (await shop_a.delete(f"/v1/keys/{created['id']}")).status_code == 204
        refused = await agent.get("/v1/shipments")
    assert refused.status_code == 401
    assert (await _listed(shop_a, created["id"]))["revoked_at"] is not None


@pytest.mark.parametrize(
    ("target", "status"),
    [("unknown", 404), ("not-a-uuid", 404), ("revoked", 409), ("itself", 409)],
)
async def test_revocations_that_cannot_be_done_are_refused(
    shop_a: httpx.AsyncClient, service: LiveService, target: str, status: int
) -> None:
    created = await _new_key(shop_a)
    assert (await shop_a.delete(f"/v1/keys/{created['id']}")).status_code == 204
    admin_id = str(await service.services.db.fetchval("SELECT id FROM api_keys WHERE name = 'bootstrap admin'"))
    path = {
        "unknown": "/v1/keys/00000000-0000-4000-8000-000000000000",
        "not-a-uuid": "/v1/keys/not-a-uuid",
        "revoked": f"/v1/keys/{created['id']}",
        "itself": f"/v1/keys/{admin_id}",
    }[target]
    response = await shop_a.delete(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await shop_a.get("/v1/keys")).status_code == 200  # the admin key still works


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


# Counts UPDATE statements on api_keys, those that change no row too (a statement-level trigger fires for each).
COUNT_KEY_UPDATES = """
CREATE TABLE key_updates (n int NOT NULL);
INSERT INTO key_updates VALUES (0);
CREATE FUNCTION count_key_update() RETURNS trigger LANGUAGE plpgsql AS
    $$ BEGIN UPDATE key_updates SET n = n + 1; RETURN NULL; END $$;
CREATE TRIGGER count_key_updates AFTER UPDATE ON api_keys FOR EACH STATEMENT EXECUTE FUNCTION count_key_update();
"""


async def test_last_used_at_is_written_at_most_once_a_minute(shop_a: httpx.AsyncClient, service: LiveService) -> None:
    created = await _new_key(shop_a)
    first_use = service.clock.now()
    db = service.services.db
    await db.execute(COUNT_KEY_UPDATES)

    async def last_used() -> object:
        return await db.fetchval("SELECT last_used_at FROM api_keys WHERE id = $1::uuid", created["id"])

    async with service.client(created["key"]) as agent:
        assert (await agent.get("/v1/shipments")).status_code == 200
        assert await last_used() == first_use
        service.clock.advance(timedelta(seconds=59))
        for _ in range(5):
            assert (await agent.get("/v1/shipments")).status_code == 200
        assert await last_used() == first_use
        service.clock.advance(timedelta(seconds=2))
        for _ in range(5):
            assert (await agent.get("/v1/shipments")).status_code == 200
    assert await last_used() == first_use + timedelta(seconds=61)
    assert await db.fetchval("SELECT n FROM key_updates") == 2, "11 requests in 61 s should cost 2 UPDATEs"
    listed = await _listed(shop_a, created["id"])
    assert datetime.fromisoformat(listed["last_used_at"]) == first_use + timedelta(seconds=61)


async def test_key_creation_and_revocation_are_audited_by_key_id_never_by_secret(
    shop_a: httpx.AsyncClient, service: LiveService
) -> None:
    created = await _new_key(shop_a)
    assert (await shop_a.delete(f"/v1/keys/{created['id']}")).status_code == 204
    await service.services.audit.flush()
    response = await shop_a.get("/v1/audit", params={"limit": "200"})
    admin_id = str(await service.services.db.fetchval("SELECT id FROM api_keys WHERE name = 'bootstrap admin'"))
    about_key = [
        (e["action"], e["key_id"], e["tenant"], e["status"])
        for e in response.json()["items"]
        if e["object_type"] == "key" and e["object_id"] == created["id"]
    ]
    assert sorted(about_key) == [("key.created", admin_id, "shop-a", 201), ("key.revoked", admin_id, "shop-a", 204)]
    assert created["key"] not in response.text


def test_the_prefix_is_eight_characters_and_never_more_than_a_quarter_of_the_secret() -> None:
    generated = generate_key()
    assert key_prefix(generated) == generated[:8] and generated.startswith("tsk_")
    assert key_prefix("short-secret") == "sho"  # an operator-chosen 12-character secret shows 3
