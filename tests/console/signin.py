"""Signing in to the console as a browser does: the login page's CSRF token, then the key in the form."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

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
