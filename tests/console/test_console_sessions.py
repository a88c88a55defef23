"""Console sign-in opens a server-side session: the cookie is a random token, never the key; the session ends
at logout, after 12 hours, and as soon as its key is revoked or expires."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import httpx
import pytest

from tests.conftest import LiveService, create_tenant
from tests.console.signin import CSRF, signed_in
from tracking_service.auth import hash_key
from tracking_service.db.console_sessions import purge_sessions


@pytest.fixture
async def agent(service: LiveService, admin: httpx.AsyncClient) -> dict[str, str]:
    """A new agent key of shop-a: its id and secret."""
    await create_tenant(admin, "shop-a")
    return await _agent_key(admin)


async def _agent_key(admin: httpx.AsyncClient, **body: object) -> dict[str, str]:
    response = await admin.post("/v1/keys", json={"role": "agent", "tenants": ["shop-a"], **body})
    assert response.status_code == 201, response.text
    return {"id": response.json()["id"], "key": response.json()["key"]}


def _sha256(token: str) -> bytes:
    """What the table must hold of a token: its SHA-256, computed here rather than by the code under test."""
    return hashlib.sha256(token.encode()).digest()


def _cookie(console: httpx.AsyncClient) -> str:
    value = console.cookies.get("tracking_console")
    assert value, "no session cookie"
    return str(value)


async def _refused(service: LiveService, cookie: str) -> bool:
    """Whether a browser holding ``cookie`` is sent back to the login page."""
    async with httpx.AsyncClient(base_url=service.base_url, cookies={"tracking_console": cookie}) as browser:
        response = await browser.get("/console/")
    if response.status_code == 200:
        return False
    assert response.status_code == 303, response.text
    return bool(response.headers["Location"] == "/console/login")


async def test_the_cookie_is_a_random_session_token_not_the_key(service: LiveService, agent: dict[str, str]) -> None:
    async with signed_in(service.base_url, agent["key"]) as console:
        cookie = _cookie(console)
        assert (await console.get("/console/")).status_code == 200
    assert cookie != agent["key"] and agent["key"] not in cookie and hash_key(agent["key"]).hex() not in cookie
    assert not await _refused(service, cookie)
    rows = await service.services.db.fetch("SELECT token_hash, key_id, created_at, expires_at FROM console_sessions")
    assert [(r["token_hash"], str(r["key_id"])) for r in rows] == [(_sha256(cookie), agent["id"])]
    assert rows[0]["expires_at"] - rows[0]["created_at"] == timedelta(hours=12)
    assert await _refused(service, agent["key"]), "the raw key is not a session"


async def test_after_logout_the_old_cookie_is_refused(service: LiveService, agent: dict[str, str]) -> None:
    async with signed_in(service.base_url, agent["key"]) as console:
        cookie = _cookie(console)
        page = await console.get("/console/")
        found = CSRF.search(page.text)
        assert found
        out = await console.post("/console/logout", data={"csrf": found.group(1)})
        assert out.status_code == 303 and out.headers["Location"] == "/console/login"
    assert await _refused(service, cookie)
    revoked = await service.services.db.fetchval(
        "SELECT revoked_at FROM console_sessions WHERE token_hash = $1", _sha256(cookie)
    )
    assert revoked == service.clock.now()


async def test_revoking_the_key_ends_its_console_sessions(
    service: LiveService, admin: httpx.AsyncClient, agent: dict[str, str]
) -> None:
    async with signed_in(service.base_url, agent["key"]) as console:
        cookie = _cookie(console)
    assert not await _refused(service, cookie)
    assert (await admin.delete(f"/v1/keys/{agent['id']}")).status_code == 204
    assert await _refused(service, cookie)


async def test_a_key_that_expires_ends_its_console_sessions(service: LiveService, admin: httpx.AsyncClient) -> None:
    await create_tenant(admin, "shop-a")
    agent = await _agent_key(admin, expires_at=(service.clock.now() + timedelta(hours=1)).isoformat())
    async with signed_in(service.base_url, agent["key"]) as console:
        cookie = _cookie(console)
    service.clock.advance(timedelta(minutes=59))
    assert not await _refused(service, cookie)
    service.clock.advance(timedelta(minutes=1))
    assert await _refused(service, cookie)


async def test_a_session_ends_after_twelve_hours(service: LiveService, agent: dict[str, str]) -> None:
    async with signed_in(service.base_url, agent["key"]) as console:
        cookie = _cookie(console)
    service.clock.advance(timedelta(hours=11, minutes=59))
    assert not await _refused(service, cookie)
    service.clock.advance(timedelta(minutes=1))
    assert await _refused(service, cookie)


async def test_ended_sessions_are_purged(service: LiveService, agent: dict[str, str]) -> None:
    for _ in range(2):
        async with signed_in(service.base_url, agent["key"]):
            pass
    db = service.services.db
    assert await purge_sessions(db, service.clock.now()) == 0
    assert await purge_sessions(db, service.clock.now() + timedelta(hours=12)) == 2
    assert await db.fetchval("SELECT count(*) FROM console_sessions") == 0
