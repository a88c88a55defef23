"""Known keys are cached for a few seconds; a key revoked in the database stops working within that time."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.conftest import create_key, create_tenant, free_port, make_settings, start_service
from tracking_service.auth import KeyCache, hash_key
from tracking_service.clock import FrozenClock


@pytest.mark.parametrize("ttl", [0.0, 0.3])
async def test_revoked_key_is_refused_within_the_cache_time(db_dsn: str, clock: FrozenClock, ttl: float) -> None:
    live, runner = await start_service(make_settings(db_dsn, free_port(), security={"key_cache_seconds": ttl}), clock)
    try:
        async with live.client() as admin:
            await create_tenant(admin, "shop-a")
            key = await create_key(admin, "agent", ["shop-a"])
        async with live.client(key) as agent:
            assert (await agent.get("/v1/shipments")).status_code == 200
            await live.services.db.execute("UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1", hash_key(key))
            await asyncio.sleep(ttl + 0.05)
            refused = await agent.get("/v1/shipments")
    finally:
        await runner.cleanup()
    assert refused.status_code == 401
    assert refused.json()["detail"] == "the API key is unknown, revoked or expired"


def test_cache_expires_entries_and_stays_bounded() -> None:
    cache = KeyCache(ttl_seconds=60, max_entries=3)
    for n in range(3):
        cache.put(bytes([n]), {"n": n})
    assert cache.get(b"\x01") == {"n": 1}
    cache.put(b"\x09", {"n": 9})  # full: emptied, then the new entry
    assert cache.get(b"\x01") is None and cache.get(b"\x09") == {"n": 9}
    short = KeyCache(ttl_seconds=0.01)
    short.put(b"x", {"n": 0})
    assert short.get(b"x") == {"n": 0}
    time.sleep(0.02)
    assert short.get(b"x") is None
    disabled = KeyCache(ttl_seconds=0)
    disabled.put(b"x", {"n": 0})
    assert disabled.get(b"x") is None


@pytest.mark.timeout(60)
async def test_a_key_revoked_through_one_replica_is_refused_by_another_within_the_cache_time(
    db_dsn: str, clock: FrozenClock
) -> None:
    """Two services on one database, each with its own key cache of 1 s: replica A forgets the key at once,
    replica B honours its cached copy for at most those 1 s and then refuses it."""
    ttl = 1.0
    settings = {"security": {"key_cache_seconds": ttl}}
    a, runner_a = await start_service(make_settings(db_dsn, free_port(), **settings), clock)
    b, runner_b = await start_service(make_settings(db_dsn, free_port(), **settings), clock)
    try:
        async with a.client() as admin:
            await create_tenant(admin, "shop-a")
            created = (await admin.post("/v1/keys", json={"role": "agent", "tenants": ["shop-a"]})).json()
        async with a.client(created["key"]) as on_a, b.client(created["key"]) as on_b, a.client() as admin:
            assert (await on_a.get("/v1/shipments")).status_code == 200
            assert (await on_b.get("/v1/shipments")).status_code == 200  # B caches the key from now on
            assert (await admin.delete(f"/v1/keys/{created['id']}")).status_code == 204
            revoked = time.monotonic()
            assert (await on_a.get("/v1/shipments")).status_code == 401
            assert (await on_b.get("/v1/shipments")).status_code == 200, "B should still serve its cached copy"
            while time.monotonic() - revoked < 5 * ttl:
                if (await on_b.get("/v1/shipments")).status_code == 401:
                    break
                await asyncio.sleep(0.01)
            delay = time.monotonic() - revoked
            assert (await on_b.get("/v1/shipments")).status_code == 401
    finally:
        await runner_a.cleanup()
        await runner_b.cleanup()
    print(f"revocation through replica A refused by replica B after {delay:.3f} s (key_cache_seconds={ttl})")
    assert delay <= ttl + 0.1, f"replica B honoured a revoked key for {delay:.3f} s, beyond {ttl} s"
