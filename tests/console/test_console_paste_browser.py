"""The agent console as an agent at Double-11 uses it, in Chromium at desktop size: paste the buyer's message,
read the parcel, the question (in Chinese) and the drafted answer, copy it; a parcel page and the incident queue
with no codes, dumps or UTC times left; the English switch."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright

from schemas.status import Status, SubStatus
from schemas.vocabulary import IncidentKind, IncidentState, Intent
from tests.conftest import LiveService
from tests.console.signin import csrf_of, signed_in
from tests.console.test_console_browser import ARTIFACTS, CHROMIUM, FLAGS, agent_key

__all__ = ["agent_key"]  # the fixture: shop-a STALLED-0001 / DELIVERED-0003, shop-b DAMAGED-0002, all phone …5678

CODES = sorted(
    {str(c) for enum in (Status, SubStatus, Intent, IncidentKind, IncidentState) for c in enum} - {"other"},
    key=len,
    reverse=True,
)
RAW = re.compile(r"\b(" + "|".join(CODES) + r"|False|True|None)\b|\d{2}:\d{2}:\d{2}|\+00:00|\bUTC\b|\b[a-z_]{3,}: ")


def raw_words(text: str) -> list[str]:
    """Codes, Python values, UTC/ISO times and ``key: value`` pairs in what an agent reads."""
    return [m.group(0) for m in RAW.finditer(text)]


@pytest.fixture
async def page(service: LiveService, agent_key: str) -> AsyncIterator[Page]:
    assert Path(CHROMIUM).exists(), f"chromium not found at {CHROMIUM}"  # noqa: ASYNC240
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = await browser.new_context(
            base_url=service.base_url, locale="zh-CN", viewport={"width": 1366, "height": 900}
        )
        await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=service.base_url)
        tab = await context.new_page()
        await tab.goto("/console/login")
        await tab.fill("input[name=key]", agent_key)
        await tab.click("#sign-in")
        yield tab
        await browser.close()


async def _paste(page: Page, text: str) -> None:
    await page.goto("/console/")
    await page.fill("#paste-text", text)
    async with page.expect_navigation():
        await page.click("#paste-go")


@pytest.mark.timeout(180)
async def test_a_pasted_message_finds_the_parcel_and_the_answer_is_one_click_away(page: Page) -> None:
    await _paste(page, "SBX-STALLED-0001 我的快递到哪了？都好几天了")
    assert "SBX-STALLED-0001" in await page.locator("#paste-parcel").inner_text()
    assert await page.locator("#paste-intents").inner_text() == "查物流"
    answer = await page.locator("#paste-answer").inner_text()
    assert answer.startswith("张*您好") and "13812345678" not in answer
    assert await page.locator("#paste-copy").get_attribute("data-target") == "paste-answer"
    await page.click("#paste-copy")
    await page.wait_for_selector("#paste-copied:has-text('已复制')")
    assert (await page.evaluate("navigator.clipboard.readText()")).strip() == answer.strip()
    assert raw_words(await page.locator("#paste-result").inner_text()) == []
    await page.screenshot(path=str(ARTIFACTS / "console_paste.png"), full_page=True)

    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    await page.reload()  # the result's page is the search page now: nothing is posted again
    assert posts == [] and page.url.endswith("/console/")
    assert await page.locator("#paste-result").count() == 0 and await page.locator("#paste-text").count() == 1

    await _paste(page, "订单号TB-0003 显示签收了但我没收到")
    assert "SBX-DELIVERED-0003" in await page.locator("#paste-parcel").inner_text()
    assert "显示签收没收到" in await page.locator("#paste-intents").inner_text()
    assert "签收争议" in await page.locator("#dispute").inner_text()
    await page.goto("/console/incidents")
    assert await page.locator("tr.incident[data-kind=delivery_disputed]").count() == 1

    await _paste(page, "手机尾号5678 我的快递什么时候到")
    assert await page.locator("#paste-matches tr.match").count() == 3  # the same last 4 in both shops
    assert "什么时候到" in await page.locator("#paste-intents").inner_text()
    assert await page.locator("#dispute").count() == 0

    await _paste(page, "我的快递到哪了")  # names nothing, and the agent works for two shops
    assert "请选择店铺" in await page.locator("#paste-error").inner_text()
    await page.select_option("#paste-tenant", "shop-a")
    async with page.expect_navigation():
        await page.click("#paste-go")
    assert "没有找到包裹" in await page.locator("#paste-none").inner_text()
    assert await page.locator("#paste-answer").inner_text()


async def test_an_empty_paste_is_a_clear_400_page(page: Page) -> None:
    await page.goto("/console/")
    await page.evaluate("document.getElementById('paste-text').removeAttribute('required')")
    async with page.expect_navigation() as nav:
        await page.click("#paste-go")
    response = await nav.value
    assert response is not None and response.status == 400
    assert "请先粘贴" in await page.locator("#paste-error").inner_text()


@pytest.mark.timeout(180)
async def test_a_damaged_parcel_opens_on_its_answer_in_chinese_words(page: Page) -> None:
    await page.goto("/console/?q=SBX-DAMAGED-0002")
    await page.locator("#results a.parcel").click()
    assert await page.locator("#intent-on").inner_text() == "包裹破损"
    assert "破损" in await page.locator("#answer").inner_text()
    assert await page.locator("#status").inner_text() == "异常 · 破损"
    assert "破损 · 待处理" in await page.locator("span.incident").inner_text()
    assert raw_words(await page.locator("main").inner_text()) == []
    assert " CST" in await page.locator("ul.timeline").inner_text()
    await page.screenshot(path=str(ARTIFACTS / "console_parcel_zh.png"), full_page=True)


@pytest.mark.timeout(180)
async def test_the_incident_queue_names_parcel_shop_and_local_time(page: Page) -> None:
    await page.goto("/console/incidents")
    stalled = page.locator("tr.incident[data-kind=stalled]")
    assert await stalled.locator("a.parcel").inner_text() == "SBX-STALLED-0001"
    assert "Shop shop-a" in await stalled.locator("td.shop").inner_text()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} CST", await stalled.locator("td.opened").inner_text())
    facts = await stalled.locator("ul.facts").inner_text()
    assert re.search(r"已经\d+(\.\d)?天没有新轨迹（超过\d+天算停滞）", facts), facts
    assert "最后一条轨迹" in facts
    assert raw_words(await page.locator("main").inner_text()) == []
    await page.screenshot(path=str(ARTIFACTS / "console_incidents.png"), full_page=True)


@pytest.mark.timeout(180)
async def test_an_agent_who_picks_english_reads_english_until_switching_back(page: Page) -> None:
    await page.goto("/console/?q=SBX-STALLED-0001")
    async with page.expect_navigation():
        await page.click("#lang-en")
    assert "/console/?q=SBX-STALLED-0001" in page.url  # back where the agent was
    assert "In transit" in await page.locator("#results").inner_text()
    await page.goto("/console/incidents")  # remembered on the next page
    stalled = page.locator("tr.incident[data-kind=stalled]")
    assert "No movement" in await stalled.inner_text() and "No new scan for" in await stalled.inner_text()
    await _paste(page, "SBX-STALLED-0001 where is my parcel?")
    assert await page.locator("#paste-intents").inner_text() == "Where is my parcel"
    async with page.expect_navigation():
        await page.click("#lang-zh-Hans")
    assert "运输中" in await page.locator("main").inner_text() or await page.locator("#paste-box").count() == 1
    await page.goto("/console/incidents")
    assert "物流停滞" in await page.locator("tr.incident[data-kind=stalled]").inner_text()


async def test_a_paste_without_the_consoles_csrf_token_is_refused(service: LiveService, agent_key: str) -> None:
    async with signed_in(service.base_url, agent_key) as console:
        forged = await console.post(
            "/console/answer", data={"csrf": "forged", "text": "显示签收了没收到 订单号TB-0003"}
        )
        token = await csrf_of(console, "/console/")
        done = await console.post("/console/answer", data={"csrf": token, "text": "SBX-STALLED-0001 到哪了"})
    assert forged.status_code == 403
    assert done.status_code == 200 and "paste-answer" in done.text
    disputes = await service.services.db.fetchval("SELECT count(*) FROM incidents WHERE kind = 'delivery_disputed'")
    assert disputes == 0  # the forged post changed nothing
