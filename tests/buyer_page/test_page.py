"""Stage (b) of issue 16: ``GET /t/<token>`` — the parcel's page in the buyer's language, status in plain words,
timeline in local time, the ETA with its source (never a past one as still ahead), the open incident in the
prepared answer's words, the pickup code, the shop's branding; a 404 page for every link that opens nothing."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.buyer_page.helpers import BUYER, main_text, path_of, push, register, register_and_poll, section
from tests.conftest import LiveService
from tracking_service.tracking_links import LinkKeys

SIMPLIFIED_ONLY = "运递这时间达预计签们请简"


async def page(service: LiveService, path: str, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=service.base_url) as browser:
        return await browser.get(path, headers=headers)


async def test_a_parcel_in_transit_reads_in_plain_words_with_its_eta_source(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    shipment = await register_and_poll(service, shop, "SBX-IN_TRANSIT-1610", order_id="TB-1610", buyer=BUYER)
    response = await page(service, path_of(shipment))
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    html = response.text
    assert section(html, "status").startswith("运输中")
    eta = section(html, "eta")
    assert "快递公司预计" in eta and "来源：快递公司预计" in eta and "已超过" not in eta
    events = (await shop.get(f"/v1/shipments/{shipment['id']}/events")).json()["items"]
    assert html.count("<time ") == len(events) == 3
    timeline = section(html, "timeline")
    assert "时间为北京时间" in timeline and "快件已到达" in timeline and "+00:00" not in html
    assert "TB-1610" in html and "张三" not in html and "13812345678" not in html and "zhangsan" not in html


async def test_a_missed_eta_is_said_as_missed(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment = await register_and_poll(service, shop, "SBX-DELAYED-1611", buyer=BUYER)
    eta = section((await page(service, path_of(shipment))).text, "eta")
    assert "已超过预计送达时间" in eta and "原预计" in eta
    assert "快递公司预计" not in eta.replace("来源：快递公司预计", "")


@pytest.mark.parametrize(
    ("buyer_locale", "accept", "status", "incident"),
    [
        ("zh-Hans", "en", "物流停滞", "物流停滞"),
        ("zh-Hant", "zh-CN", "運送中", "物流停滯"),
        (None, "en-GB,en;q=0.9,zh;q=0.5", "In transit", "No movement"),
        (None, "zh-TW", "運送中", "物流停滯"),
    ],
)
async def test_the_open_incident_is_explained_as_the_prepared_answer_in_the_buyers_language(
    service: LiveService, shop: httpx.AsyncClient, buyer_locale: str | None, accept: str, status: str, incident: str
) -> None:
    buyer = {**BUYER, "locale": buyer_locale} if buyer_locale else None
    shipment = await register_and_poll(service, shop, f"SBX-STALLED-16{len(accept):02d}", buyer=buyer)
    html = (await page(service, path_of(shipment), **{"Accept-Language": accept})).text
    locale = buyer_locale or ("en" if accept.startswith("en") else "zh-Hant")
    assert f'<html lang="{locale}">' in html
    answer = (
        await shop.get(
            f"/v1/shipments/{shipment['id']}/answer", params={"intent": "where_is_my_parcel", "locale": locale}
        )
    ).json()["text"]
    shown = section(html, "incident")
    assert incident in shown and answer in shown
    if locale == "zh-Hant":
        assert not set(SIMPLIFIED_ONLY) & set(main_text(html)), "simplified characters on a zh-Hant page"
    assert status in section(html, "status") or locale == "zh-Hans"


async def test_the_lang_link_switches_language(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment = await register_and_poll(service, shop, "SBX-IN_TRANSIT-1612", buyer=BUYER)
    html = (await page(service, path_of(shipment) + "?lang=en")).text
    assert section(html, "status").startswith("In transit") and "the carrier expects to deliver by" in html


async def test_a_parcel_at_a_pickup_point_shows_its_pickup_code(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment = await register(shop, "SBX-IN_TRANSIT-1613", buyer={**BUYER, "locale": "zh-Hant"})
    await push(
        service,
        "SBX-IN_TRANSIT-1613",
        [(-30, "COLLECTED", "快件已揽收", "杭州"), (-1, "AT_PICKUP_POINT", "已到达菜鸟驿站，取件码 5-2-1034", "上海")],
    )
    html = (await page(service, path_of(shipment))).text
    assert section(html, "pickup").startswith("取件碼 5-2-1034")
    assert "取貨點" in section(html, "timeline") or "驛站" in section(html, "timeline")


async def test_a_parcel_with_no_scan_yet_says_so(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment = await register_and_poll(service, shop, "SBX-NOT_FOUND-1614", buyer={**BUYER, "locale": "en"})
    response = await page(service, path_of(shipment))
    assert response.status_code == 200
    assert section(response.text, "status") == "Awaiting pickup"
    assert section(response.text, "no-events").startswith("The carrier hasn't scanned this parcel yet")


async def test_the_page_wears_the_shops_branding_and_loads_nothing_external(
    service: LiveService, shop: httpx.AsyncClient, admin: httpx.AsyncClient
) -> None:
    branding = {"display_name": "小熊杂货铺", "logo_url": "https://cdn.example.com/bear.png", "color": "#aa3300"}
    assert (await admin.put("/v1/tenants/shop-a/settings", json={"branding": branding})).status_code == 200
    shipment = await register_and_poll(service, shop, "SBX-IN_TRANSIT-1615")
    response = await page(service, path_of(shipment))
    html = response.text
    assert "小熊杂货铺" in html and 'src="https://cdn.example.com/bear.png"' in html and "--brand: #aa3300" in html
    assert "<script" not in html and html.count("https://") == 1  # the logo, nothing else external
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert response.headers["Referrer-Policy"] == "no-referrer"
    css = await page(service, html.split('rel="stylesheet" href="')[1].split('"')[0])
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css") and len(css.content) < 8000


@pytest.mark.parametrize(
    "branding",
    [
        {"logo_url": "http://cdn.example.com/bear.png"},
        {"logo_url": "javascript:alert(1)"},
        {"logo_url": 'https://cdn.example.com/a"onerror="x'},
        {"color": "red"},
        {"color": "#abc;}body{display:none"},
        {"display_name": "<script>"},
    ],
)
async def test_bad_branding_is_refused(
    admin: httpx.AsyncClient, shop: httpx.AsyncClient, branding: dict[str, str]
) -> None:
    response = await admin.put("/v1/tenants/shop-a/settings", json={"branding": branding})
    assert response.status_code == 422, response.text


async def test_every_link_that_opens_nothing_is_the_same_404_page(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    live = await register_and_poll(service, shop, "SBX-IN_TRANSIT-1616")
    token = path_of(live)[3:]
    revoked = await register_and_poll(service, shop, "SBX-IN_TRANSIT-1617")
    await shop.post(f"/v1/shipments/{revoked['id']}/tracking-link/revoke")
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    unknown = LinkKeys.of(service.services.settings).token(uuid.uuid4(), 0)
    for bad in ("garbage", "A" * 43, tampered, unknown, path_of(revoked)[3:], "%00", "x" * 5000):
        response = await page(service, f"/t/{bad}", **{"Accept-Language": "en"})
        assert response.status_code == 404, bad
        assert response.headers["Content-Type"].startswith("text/html")
        assert section(response.text, "message").startswith("Parcel not found")
    assert (await page(service, f"/t/{token}")).status_code == 200
