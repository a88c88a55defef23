"""Shared steps of the buyers' page tests: register parcels, push a custom carrier timeline, read a page."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import httpx

from tests.conftest import SANDBOX_PUSH_SECRET, LiveService

BUYER = {"name": "张三", "phone": "13812345678", "email": "zhangsan@example.test", "locale": "zh-Hans"}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SHANGHAI = ZoneInfo("Asia/Shanghai")
TIME = "%Y-%m-%d %H:%M:%S"  # the sandbox carrier's naive Shanghai times


async def register(shop: httpx.AsyncClient, number: str, **body: object) -> dict[str, object]:
    created = await shop.post("/v1/shipments", json={"tracking_number": number, **body})
    assert created.status_code == 201, created.text
    return created.json()  # type: ignore[no-any-return]


async def register_and_poll(
    service: LiveService, shop: httpx.AsyncClient, number: str, **body: object
) -> dict[str, object]:
    created = await register(shop, number, **body)
    await service.services.poller.poll_once()  # type: ignore[union-attr]
    return (await shop.get(f"/v1/shipments/{created['id']}")).json()  # type: ignore[no-any-return]


def path_of(shipment: dict[str, object]) -> str:
    """The page's path of a shipment's tracking_url (the tests' service runs on the public URL's host)."""
    url = str(shipment["tracking_url"])
    return url[url.index("/t/") :]


async def push(
    service: LiveService, number: str, steps: list[tuple[float, str, str, str]], eta: datetime | None = None
) -> None:
    """The sandbox carrier pushes this timeline: (hours from now, code, description, location)."""
    now = service.clock.now().astimezone(SHANGHAI)
    events = [
        {"time": (now + timedelta(hours=h)).strftime(TIME), "code": c, "desc": d, "location": loc}
        for h, c, d, loc in steps
    ]
    parcel = {
        "number": number,
        "status": "found",
        "eta": eta.astimezone(SHANGHAI).strftime(TIME) if eta else None,
        "events": events,
    }
    body = json.dumps({"code": 0, "data": [parcel]}).encode()
    signature = hmac.new(SANDBOX_PUSH_SECRET.encode(), body, hashlib.sha256).hexdigest()
    async with httpx.AsyncClient(base_url=service.base_url) as carrier:
        pushed = await carrier.post(
            "/v1/webhooks/carriers/sandbox",
            content=body,
            headers={"X-Sandbox-Signature": signature, "Content-Type": "application/json"},
        )
    assert pushed.status_code == 200, pushed.text


def text_of(html: str) -> str:
    """What a reader sees: the page without tags, entities read."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def main_text(html: str) -> str:
    """The page's own text (the language links name every language in its own script)."""
    return text_of(html.split("<main>", 1)[1].split("</main>", 1)[0])


def section(html: str, element_id: str) -> str:
    found = re.search(rf'<(section|p|ol|h1)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert found, f"no #{element_id} on the page"
    return text_of(found.group(2)).strip()
