"""Webhook signing secrets are sealed at rest like desk credentials: the database never holds one in clear,
and rows written before sealing are sealed at start-up."""

from __future__ import annotations

import uuid

import asyncpg

from tests.conftest import create_key, create_tenant, free_port, make_settings, start_service
from tracking_service.clock import FrozenClock
from tracking_service.notify.webhooks import new_secret
from tracking_service.pii import open_secret


async def test_a_new_subscriptions_secret_is_stored_sealed(db_dsn: str, clock: FrozenClock) -> None:
    live, runner = await start_service(make_settings(db_dsn, free_port()), clock)
    try:
        async with live.client() as admin:
            await create_tenant(admin, "shop-a")
            key = await create_key(admin, "service", ["shop-a"])
        async with live.client(key) as shop:
            body = {"url": "http://127.0.0.1:9/hook", "events": ["incident.opened"]}
            created = (await shop.post("/v1/subscriptions", json=body)).json()
        secret = created["secret"]
        conn = await asyncpg.connect(db_dsn)
        try:
            row = await conn.fetchrow("SELECT * FROM subscriptions WHERE id = $1", uuid.UUID(created["id"]))
            dump = await conn.fetchval("SELECT string_agg(s::text, '') FROM subscriptions s")
        finally:
            await conn.close()
        assert row["secret"] is None
        assert secret.encode() not in row["secret_sealed"] and secret not in dump
        assert open_secret(live.services.vault, row["secret_sealed"], row["secret_key_id"]) == secret
    finally:
        await runner.cleanup()


async def test_secrets_stored_in_clear_before_are_sealed_at_start_up(db_dsn: str, clock: FrozenClock) -> None:
    settings = make_settings(db_dsn, free_port())
    live, runner = await start_service(settings, clock)
    async with live.client() as admin:
        await create_tenant(admin, "shop-a")
    await runner.cleanup()
    secret, sub_id = new_secret(), uuid.uuid4()
    conn = await asyncpg.connect(db_dsn)
    try:
        await conn.execute(
            "INSERT INTO subscriptions (tenant_id, id, url, events, secret, created_at)"
            " VALUES ('shop-a', $1, 'http://127.0.0.1:9/hook', '{incident.opened}', $2, now())",
            sub_id,
            secret,
        )
        live, runner = await start_service(settings, clock)
        await runner.cleanup()
        row = await conn.fetchrow("SELECT * FROM subscriptions WHERE id = $1", sub_id)
    finally:
        await conn.close()
    assert row["secret"] is None
    assert open_secret(live.services.vault, row["secret_sealed"], row["secret_key_id"]) == secret
