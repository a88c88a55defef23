"""Shared steps of the buyers' page tests: register parcels, push a custom carrier timeline, read a page."""

from __future__ import annotations

import hashlib
import hmac
import io
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


class Browser:
    """A phone's browser on a parcel's page: it keeps the page's form cookie and posts its forms."""

    def __init__(self, service: LiveService, path: str, locale: str = "zh-CN") -> None:
        self.path = path
        self.client = httpx.AsyncClient(base_url=service.base_url, headers={"Accept-Language": locale}, timeout=60)
        self.csrf = ""

    async def __aenter__(self) -> Browser:
        opened = await self.client.get(self.path)
        assert opened.status_code == 200, opened.text
        found = CSRF.search(opened.text)
        self.csrf = found.group(1) if found else ""
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    async def not_received(self, csrf: str | None = None) -> httpx.Response:
        return await self.client.post(f"{self.path}/not-received", data={"csrf": self.csrf if csrf is None else csrf})

    async def damage(
        self, photos: list[tuple[str, bytes, str]], description: str = "外箱压扁了，杯子碎了", csrf: str | None = None
    ) -> httpx.Response:
        fields = {"csrf": self.csrf if csrf is None else csrf, "description": description}
        # A browser sends the empty file input as a part with no file name.
        files = [("photos", photo) for photo in photos] or [("photos", ("", b"", "application/octet-stream"))]
        return await self.client.post(f"{self.path}/damage", data=fields, files=files)  # type: ignore[arg-type]


def jpeg_with_gps(color: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A camera-style JPEG: EXIF with the camera's make and a GPS position, and a comment."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "SecretCamMaker"
    exif[0x0112] = 6  # rotated: stored 64x48, shown 48x64
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG", exif=exif, comment=b"home address comment")
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "SecretAuthorName")
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (10, 120, 200, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()
