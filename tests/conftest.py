"""Shared fixtures: a real PostgreSQL (env DSN or embedded), a clean database per test, a live service."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from aiohttp import web

from tracking_service.app import create_app
from tracking_service.clock import FrozenClock
from tracking_service.config import Settings
from tracking_service.db import migrate, resolve_dsn
from tracking_service.db.core import init_connection
from tracking_service.services import SERVICES, Services

ADMIN_KEY = "test-admin-key-0123456789"
TEMPLATE_DB = "tracking_test_template"
SANDBOX_PUSH_SECRET = "sandbox-push-secret"
ROOT = Path(__file__).resolve().parent.parent


def with_database(dsn: str, name: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path="/" + name))


@pytest.fixture(scope="session")
async def server_dsn() -> AsyncIterator[str]:
    """DSN of a PostgreSQL server: TRACKING_TEST_DATABASE_URL, else the embedded one."""
    dsn = os.environ.get("TRACKING_TEST_DATABASE_URL") or await asyncio.to_thread(
        resolve_dsn, None, ROOT / ".tracking-data" / "test"
    )
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)")
        await conn.execute(f"CREATE DATABASE {TEMPLATE_DB}")
    finally:
        await conn.close()
    template = await asyncpg.connect(with_database(dsn, TEMPLATE_DB))
    try:
        await migrate(template)
    finally:
        await template.close()
    yield dsn


@pytest.fixture
async def db_dsn(server_dsn: str) -> AsyncIterator[str]:
    """A fresh, migrated database for one test (cloned from the template)."""
    name = f"tracking_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_dsn)
    try:
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB}")
    finally:
        await admin.close()
    yield with_database(server_dsn, name)
    admin = await asyncpg.connect(server_dsn)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


@pytest.fixture
async def conn(db_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(db_dsn)
    await init_connection(connection)
    yield connection
    await connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_settings(db_dsn: str, port: int, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": db_dsn,
        "sandbox": True,
        "demo": False,  # `make test` exports make run's TRACKING_DEMO=true; tests make their own shops
        "bootstrap_admin_key": ADMIN_KEY,
        # Peers (webhooks, desks) listen on 127.0.0.1 over http; tests of the URL guard turn this off.
        "allow_private_urls": True,
        "http": {"host": "127.0.0.1", "port": port},
        # Tests drive the poller, dispatcher and sweep themselves; no background ticks.
        "polling": {"enabled": False, "retry_base_seconds": 0.01, "retry_max_wait_seconds": 2.0},
        "notify": {"enabled": False},
        "incidents": {"sweep_seconds": 86400},
        "carriers": {"sandbox": {"secret": SANDBOX_PUSH_SECRET, "concurrency": 8, "rate_per_second": 500}},
        "db_pool_min": 1,
        "db_pool_max": 5,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@dataclass
class LiveService:
    base_url: str
    app: web.Application
    clock: FrozenClock

    @property
    def services(self) -> Services:
        return self.app[SERVICES]

    def client(self, key: str | None = ADMIN_KEY) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=30)


async def start_service(settings: Settings, clock: FrozenClock) -> tuple[LiveService, web.AppRunner]:
    app = create_app(settings, clock=clock)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, settings.http.host, settings.http.port)
    await site.start()
    return LiveService(f"http://{settings.http.host}:{settings.http.port}", app, clock), runner


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def service(db_dsn: str, clock: FrozenClock) -> AsyncIterator[LiveService]:
    """The whole service on a real port, sandbox carrier on, poller driven by the test."""
    live, runner = await start_service(make_settings(db_dsn, free_port()), clock)
    yield live
    await runner.cleanup()


@pytest.fixture
async def admin(service: LiveService) -> AsyncIterator[httpx.AsyncClient]:
    async with service.client() as client:
        yield client


async def create_tenant(admin: httpx.AsyncClient, tenant_id: str, **extra: object) -> dict[str, object]:
    response = await admin.post("/v1/tenants", json={"id": tenant_id, "name": f"Shop {tenant_id}", **extra})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def create_key(admin: httpx.AsyncClient, role: str, tenants: list[str]) -> str:
    response = await admin.post("/v1/keys", json={"role": role, "tenants": tenants})
    assert response.status_code == 201, response.text
    return str(response.json()["key"])


@pytest.fixture
async def shop(service: LiveService, admin: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """An agent client of tenant ``shop-a``."""
    await create_tenant(admin, "shop-a")
    key = await create_key(admin, "agent", ["shop-a"])
    async with service.client(key) as client:
        yield client
