"""Signing in to the console as a browser does: the login page's CSRF token, then the key in the form."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from tests.conftest import LiveService, create_key, create_tenant

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@asynccontextmanager
async def signed_in(base_url: str, key: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client holding a console session of ``key`` (the ``tracking_console`` cookie)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        page = await client.get("/console/login")
        found = CSRF.search(page.text)
        assert found, "the login page carries no CSRF token"
        response = await client.post("/console/login", data={"key": key, "csrf": found.group(1)})
        assert response.status_code == 303 and response.headers["Location"] == "/console/", response.text
        yield client


async def csrf_of(console: httpx.AsyncClient, path: str) -> str:
    """The CSRF token of a console page the client opens."""
    page = await console.get(path)
    assert page.status_code == 200, page.text
    found = CSRF.search(page.text)
    assert found, "page carries no CSRF token"
    return found.group(1)


async def shop_agent_with_parcel(
    service: LiveService, admin: httpx.AsyncClient, tenant: str, timezone: str, number: str, order_id: str
) -> str:
    """A new shop in ``timezone``, an agent key for it, and one sandbox parcel registered and polled once (so a
    STALLED number has its incident). Answers the key."""
    await create_tenant(admin, tenant, timezone=timezone)
    key = await create_key(admin, "agent", [tenant])
    async with service.client(key) as agent:
        body = {"tracking_number": number, "tenant": tenant, "order_id": order_id}
        assert (await agent.post("/v1/shipments", json=body)).status_code == 201
    await service.services.poller.poll_once()  # type: ignore[union-attr]
    return key
