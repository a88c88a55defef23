"""Stage (e) of issue 16: the buyer's photos are evidence agents can see — ``GET /v1/claims/{id}`` links them
(key-authenticated, shop-isolated) and the console's claim page shows them."""

from __future__ import annotations

import io

import httpx
from PIL import Image

from tests.buyer_page.helpers import BUYER, Browser, jpeg_with_gps, path_of, png_with_text, register_and_poll
from tests.conftest import LiveService, create_key, create_tenant
from tests.console.signin import signed_in


async def damaged_claim(service: LiveService, shop: httpx.AsyncClient) -> dict[str, object]:
    shipment = await register_and_poll(service, shop, "SBX-DELIVERED-1640", buyer=BUYER)
    async with Browser(service, path_of(shipment)) as phone:
        sent = await phone.damage([("a.jpg", jpeg_with_gps(), "image/jpeg"), ("b.png", png_with_text(), "image/png")])
        assert sent.status_code == 200, sent.text
    [listed] = (await shop.get("/v1/claims", params={"kind": "damaged"})).json()["items"]
    return (await shop.get(f"/v1/claims/{listed['id']}")).json()  # type: ignore[no-any-return]


async def test_the_claim_links_its_photos_for_keys_of_its_shop_only(
    service: LiveService, shop: httpx.AsyncClient, admin: httpx.AsyncClient
) -> None:
    claim = await damaged_claim(service, shop)
    photos = claim["photos"]
    assert isinstance(photos, list) and [p["content_type"] for p in photos] == ["image/jpeg", "image/png"]
    assert claim["evidence"] == [p["url"] for p in photos]
    for photo in photos:
        path = photo["url"][photo["url"].index("/v1/") :]
        got = await shop.get(path)
        assert got.status_code == 200 and got.headers["Content-Type"] == photo["content_type"]
        assert Image.open(io.BytesIO(got.content)).size == (photo["width"], photo["height"])
        async with httpx.AsyncClient(base_url=service.base_url) as anonymous:
            assert (await anonymous.get(path)).status_code == 401
    await create_tenant(admin, "shop-b")
    other = await create_key(admin, "agent", ["shop-b"])
    async with service.client(other) as stranger:
        path = photos[0]["url"][photos[0]["url"].index("/v1/") :]
        assert (await stranger.get(path)).status_code == 404
        assert (await stranger.get(f"/v1/claims/{claim['id']}")).status_code == 404


async def test_the_console_claim_page_shows_the_photos(
    service: LiveService, shop: httpx.AsyncClient, admin: httpx.AsyncClient
) -> None:
    claim = await damaged_claim(service, shop)
    key = await create_key(admin, "agent", ["shop-a"])
    async with signed_in(service.base_url, key) as console:
        page = await console.get("/console/claims")
        assert page.status_code == 200
        photos = [p["id"] for p in claim["photos"]]  # type: ignore[union-attr]
        for photo_id in photos:
            src = f"/console/claims/{claim['id']}/photos/{photo_id}"
            assert f'src="{src}"' in page.text
            assert (await console.get(src)).headers["Content-Type"].startswith("image/")
        assert "外箱压扁了" in page.text
    await create_tenant(admin, "shop-b")
    stranger = await create_key(admin, "agent", ["shop-b"])
    async with signed_in(service.base_url, stranger) as console:
        assert (await console.get(f"/console/claims/{claim['id']}/photos/{photos[0]}")).status_code == 404
