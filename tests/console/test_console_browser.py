"""The agent console in a real browser (Playwright driving Debian's chromium): search → answer → copy → acknowledge."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest
from playwright.async_api import async_playwright

from tests.conftest import LiveService, create_key, create_tenant
from tests.console.signin import signed_in

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = os.environ.get("TRACKING_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
async def agent_key(service: LiveService, admin: httpx.AsyncClient) -> str:
    await create_tenant(admin, "shop-a")
    await create_tenant(admin, "shop-b")
    key = await create_key(admin, "agent", ["shop-a", "shop-b"])
    async with service.client(key) as agent:
        for tenant, number in (
            ("shop-a", "SBX-STALLED-0001"),
            ("shop-b", "SBX-DAMAGED-0002"),
            ("shop-a", "SBX-DELIVERED-0003"),
        ):
            body = {
                "tracking_number": number,
                "tenant": tenant,
                "order_id": f"TB-{number[-4:]}",
                "buyer": {"name": "张三", "phone": "13812345678"},
            }
            assert (await agent.post("/v1/shipments", json=body)).status_code == 201
        await service.services.poller.poll_once()  # type: ignore[union-attr]
        await agent.post("/v1/answers", json={"text": "SBX-STALLED-0001 我的快递到哪了"})
    return key


@pytest.mark.timeout(180)
async def test_agent_searches_copies_an_answer_and_acknowledges(service: LiveService, agent_key: str) -> None:
    assert Path(CHROMIUM).exists(), f"chromium not found at {CHROMIUM}: `make test` installs Debian's chromium"  # noqa: ASYNC240
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = await browser.new_context(base_url=service.base_url, locale="zh-CN")
        await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=service.base_url)
        page = await context.new_page()

        await page.goto("/console/")
        assert page.url.endswith("/console/login")
        await page.fill("input[name=key]", agent_key)
        await page.click("#sign-in")
        cookie = next(c for c in await context.cookies() if c["name"] == "tracking_console")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

        await page.fill("input[name=q]", "5678")  # phone last 4 finds parcels of both shops
        await page.click("#search")
        rows = page.locator("table tr td a")
        assert await rows.count() == 3
        await page.screenshot(path=str(ARTIFACTS / "console-search.png"), full_page=True)

        await page.get_by_text("SBX-STALLED-0001").click()
        assert await page.locator("#status").inner_text() == "运输中"
        answer = await page.locator("#answer").inner_text()
        assert answer.startswith("张*您好") and "13812345678" not in answer
        await page.locator("#locales").get_by_role("link", name="English", exact=True).click()
        english = await page.locator("#answer").inner_text()
        assert english.startswith("Hi 张*")
        timeline = await page.locator("ul.timeline").inner_text()
        assert " CST" in timeline and "+00:00" not in timeline  # scan times in the shop's zone (Asia/Shanghai)
        await page.click("#copy")
        await page.wait_for_selector("#copied:has-text('已复制')")
        assert (await page.evaluate("navigator.clipboard.readText()")).strip() == english.strip()
        await page.screenshot(path=str(ARTIFACTS / "console-answer.png"), full_page=True)

        await page.goto("/console/incidents")
        assert await page.locator("tr.incident").count() == 2
        await page.locator("tr.incident[data-kind=stalled] button.ack").click()
        await page.goto("/console/incidents?status=acknowledged")
        assert await page.locator("tr.incident[data-kind=stalled]").count() == 1

        await page.goto("/console/stats")
        assert await page.locator("svg rect").count() >= 4
        await page.screenshot(path=str(ARTIFACTS / "console-stats.png"), full_page=True)
        await browser.close()


async def test_console_forms_need_the_csrf_token(service: LiveService, agent_key: str) -> None:
    async with signed_in(service.base_url, agent_key) as browserless:
        incidents = (await browserless.get("/v1/incidents", headers={"Authorization": f"Bearer {agent_key}"})).json()
        target = incidents["items"][0]["id"]
        forged = await browserless.post(f"/console/incidents/{target}/acknowledge", data={"csrf": "forged"})
    assert forged.status_code == 403
