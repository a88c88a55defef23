"""The buyers' page in a real phone-sized browser (Playwright driving Debian's chromium at 390×844): open the link
of a real notice (an e-mail caught by a local SMTP server, a signed webhook), read the timeline and the incident
in each language, file a dispute and a damage report with two photos, then see both as the agent in the console.
Screenshots: tests/artifacts/buyer_page_<locale>.png, buyer_page_dispute.png, buyer_page_damage.png,
buyer_page_console_claims.png."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import async_playwright

from tests.buyer_page.helpers import BUYER, jpeg_with_gps, png_with_text
from tests.conftest import LiveService, create_key
from tests.console.test_console_browser import ARTIFACTS, CHROMIUM, FLAGS
from tests.notify.conftest import Peers
from tests.notify.test_outbox import dispatcher, register_and_poll, subscribe

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/t/[A-Za-z0-9_-]{43})")
PHONE = {"width": 390, "height": 844}


async def mailed_link(service: LiveService, shop: httpx.AsyncClient, admin: httpx.AsyncClient, peers: Peers) -> str:
    assert (await admin.put("/v1/tenants/shop-n/settings", json={"channels": ["email"]})).status_code == 200
    await register_and_poll(service, shop, "SBX-STALLED-1650", order_id="TB-1650", buyer=BUYER)
    await dispatcher(service).dispatch_once()
    [mail] = peers.mails
    text = next(p.get_content() for p in mail.walk() if p.get_content_type() == "text/plain")
    found = LINK.search(text)
    assert found, text
    return found.group(1)


async def webhook_link(service: LiveService, shop: httpx.AsyncClient, peers: Peers) -> str:
    await subscribe(shop, peers, ["shipment.status_changed"])
    await register_and_poll(service, shop, "SBX-DELIVERED-1651", order_id="TB-1651", buyer=BUYER)
    await dispatcher(service).dispatch_once()
    [hook] = [h for h in peers.webhooks if h["body"]["data"]["tracking_number"] == "SBX-DELIVERED-1651"]
    return str(hook["body"]["data"]["tracking_url"])


@pytest.mark.timeout(240)
async def test_a_buyer_reads_the_page_reports_not_received_and_damage_and_the_agent_sees_both(
    notify_service: LiveService,
    notify_shop: httpx.AsyncClient,
    notify_admin: httpx.AsyncClient,
    peers: Peers,
    tmp_path: object,
) -> None:
    assert CHROMIUM and __import__("pathlib").Path(CHROMIUM).exists(), "chromium missing: `make chromium`"
    ARTIFACTS.mkdir(exist_ok=True)
    stalled = await mailed_link(notify_service, notify_shop, notify_admin, peers)
    delivered = await webhook_link(notify_service, notify_shop, peers)
    photo_dir = __import__("pathlib").Path(str(tmp_path))
    (photo_dir / "box.jpg").write_bytes(jpeg_with_gps())
    (photo_dir / "cup.png").write_bytes(png_with_text())
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        phone = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="zh-CN")
        page = await phone.new_page()
        expected = {
            "zh-Hans": ("运输中", "物流停滞"),
            "zh-Hant": ("運送中", "物流停滯"),
            "en": ("In transit", "No movement"),
        }
        for locale, (status, incident) in expected.items():
            await page.goto(f"{stalled}?lang={locale}")
            assert await page.get_attribute("html", "lang") == locale
            assert (await page.locator("#status").inner_text()).startswith(status)
            assert incident in await page.locator("#incident").inner_text()
            assert await page.locator("#timeline li").count() == 2
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
            await page.screenshot(path=str(ARTIFACTS / f"buyer_page_{locale}.png"), full_page=True)

        await page.goto(delivered)
        assert (await page.locator("#status").inner_text()).startswith("已签收")
        await page.locator("#not-received button").click()
        assert (await page.locator("#done").inner_text()).startswith("已登记您没收到包裹")
        await page.screenshot(path=str(ARTIFACTS / "buyer_page_dispute.png"), full_page=True)
        await page.set_input_files(
            "#damage input[name=photos]", [str(photo_dir / "box.jpg"), str(photo_dir / "cup.png")]
        )
        await page.fill("#damage textarea[name=description]", "外箱压扁了，杯子碎了")
        await page.locator("#damage button").click()
        assert (await page.locator("#done").inner_text()).startswith("已收到您的破损反馈（2张照片）")
        await page.screenshot(path=str(ARTIFACTS / "buyer_page_damage.png"), full_page=True)

        key = await create_key(notify_admin, "agent", ["shop-n"])
        desk = await browser.new_context(base_url=notify_service.base_url, locale="zh-CN")
        agent = await desk.new_page()
        await agent.goto("/console/login")
        await agent.fill("input[name=key]", key)
        await agent.click("#sign-in")
        await agent.goto("/console/incidents")
        assert await agent.locator("tr.incident[data-kind=delivery_disputed]").count() == 1
        await agent.goto("/console/claims")
        photos = agent.locator("tr.evidence img.photo")
        assert await photos.count() == 2
        await agent.wait_for_function("[...document.querySelectorAll('img.photo')].every(i => i.naturalWidth > 0)")
        assert "外箱压扁了" in await agent.locator("tr.evidence").inner_text()
        await agent.screenshot(path=str(ARTIFACTS / "buyer_page_console_claims.png"), full_page=True)
        await browser.close()
