"""The desk apps in a real browser (Playwright driving Debian's chromium), framed by a simulated desk on another
origin: Chatwoot's appContext message, Zendesk's ZAF client, the paste box, sign-in and a wrong key."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, ConsoleMessage, Frame, Page, async_playwright

from tests.conftest import LiveService
from tests.console.test_console_browser import ARTIFACTS, CHROMIUM, FLAGS
from tests.desk_apps.conftest import DeskHost, running_desk_host
from tracking_service.labels import labels

ZH = labels("zh-Hans")

CHATWOOT_PARENT = """<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>Chatwoot (simulated)</title></head>
<body><h1>Conversation #42</h1>
<iframe id="app" src="{src}" width="440" height="820" allow="clipboard-read; clipboard-write"></iframe>
<script>
const context = {context};
const frame = document.getElementById("app");
window.fetchInfoRequests = 0;
function send() {{
  frame.contentWindow.postMessage(JSON.stringify({{event: "appContext", data: context}}), "{app_origin}");
}}
window.addEventListener("message", (event) => {{
  if (event.source === frame.contentWindow && event.data === "chatwoot-dashboard-app:fetch-info") {{
    window.fetchInfoRequests += 1;
    send();
  }}
}});
frame.addEventListener("load", send);
</script></body></html>"""

ZENDESK_PARENT = """<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>Zendesk (simulated)</title></head>
<body><h1>Ticket #1234</h1>
<iframe id="app" src="{src}" width="340" height="820" allow="clipboard-read; clipboard-write"></iframe>
</body></html>"""

# A stand-in for Zendesk's ZAF SDK: the same client surface, answering from a fixed ticket.
FAKE_ZAF_SDK = """window.ZAFClient = {{
  init() {{
    return {{
      get(paths) {{
        const ticket = {ticket};
        window.zafAsked = paths;
        return Promise.resolve(Object.fromEntries(paths.map((p) => [p, ticket[p] ?? null])));
      }},
    }};
  }},
}};"""


def chatwoot_context(*messages: tuple[int, str], attributes: dict[str, str] | None = None) -> dict[str, Any]:
    """Chatwoot's appContext data: the conversation (``message_type`` 0 incoming, 1 outgoing), contact, agent."""
    return {
        "conversation": {
            "id": 42,
            "inbox_id": 1,
            "status": "open",
            "custom_attributes": attributes or {},
            "meta": {"sender": {"id": 9, "name": "张三"}, "channel": "Channel::WebWidget"},
            "messages": [
                {"id": 100 + i, "content": text, "message_type": kind, "created_at": 1_765_000_000 + 60 * i}
                for i, (kind, text) in enumerate(messages)
            ],
        },
        "contact": {"id": 9, "name": "张三", "phone_number": "+8613812345678", "custom_attributes": {}},
        "currentAgent": {"id": 1, "name": "Agent Li", "email": "li@shop.example"},
    }


@dataclass
class Desk:
    """A browser page showing a simulated desk that frames one of our apps."""

    page: Page
    errors: list[str] = field(default_factory=list)

    def app(self) -> Frame:
        """The frame of our app (the page itself when it was opened directly)."""
        frames = [frame for frame in self.page.frames if "/apps/" in frame.url]
        assert frames, [frame.url for frame in self.page.frames]
        return frames[-1]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    assert Path(CHROMIUM).exists(), f"chromium not found at {CHROMIUM}: `make test` installs Debian's chromium"  # noqa: ASYNC240
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        await launched.close()


async def open_desk(browser: Browser, service: LiveService, desk_host: DeskHost, url: str) -> Desk:
    context = await browser.new_context(locale="zh-CN", viewport={"width": 900, "height": 900})
    for origin in (service.base_url, desk_host.origin):
        await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    desk = Desk(await context.new_page())

    def noted(message: ConsoleMessage) -> None:
        if message.type == "error":
            desk.errors.append(message.text)

    desk.page.on("console", noted)
    desk.page.on("pageerror", lambda error: desk.errors.append(str(error)))
    await desk.page.goto(url)
    return desk


async def api_answer(service: LiveService, key: str, text: str, **extra: str) -> dict[str, Any]:
    """What ``POST /v1/answers`` drafts for ``text``: the page must show the same."""
    async with service.client(key) as agent:
        response = await agent.post("/v1/answers", json={"text": text, **extra})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def framed_by_chatwoot(
    browser: Browser, service: LiveService, desk_host: DeskHost, fragment: str, context: dict[str, Any]
) -> tuple[Desk, Frame]:
    """The simulated Chatwoot conversation framing ``/apps/chatwoot#<fragment>``, once the answer is shown."""
    src = f"{service.base_url}/apps/chatwoot#{fragment}"
    page = CHATWOOT_PARENT.format(src=src, context=json.dumps(context), app_origin=service.base_url)
    desk = await open_desk(browser, service, desk_host, desk_host.serve("/chatwoot", page))
    app = desk.app()
    await app.wait_for_selector("#answer-card:not([hidden])")
    return desk, app


async def copy_answer(desk: Desk, app: Frame, copied: str, screenshot: str) -> None:
    """Copy the drafted answer with the app's button: the clipboard holds it; then the screenshot."""
    answer = await app.locator("#answer").inner_text()
    await app.click("#copy")
    await app.wait_for_selector(f"#copied:has-text('{copied}')")
    assert (await desk.page.evaluate("navigator.clipboard.readText()")).strip() == answer.strip()
    await desk.page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)


@pytest.mark.timeout(180)
async def test_chatwoot_app_shows_the_parcel_and_the_answer_to_the_last_incoming_message(
    browser: Browser, service: LiveService, desk_host: DeskHost, agent_key: str
) -> None:
    last = "SBX-STALLED-0001 我的快递到哪了 怎么好几天都不动"
    context = chatwoot_context(
        (0, "你好 在吗"),
        (1, "您好，请问有什么可以帮您？"),
        (0, last),
        (1, "我帮您查一下 SBX-DELIVERED-0003"),  # the agent's own later message is not the buyer's question
    )
    desk, app = await framed_by_chatwoot(browser, service, desk_host, f"key={agent_key}", context)

    assert await app.locator("#message").inner_text() == last
    assert await app.locator("#tracking-number").inner_text() == "SBX-STALLED-0001"
    assert await app.locator("#order-id").inner_text() == "TB-0001"
    assert await app.locator("#status").inner_text() == ZH["status"]["in_transit"]
    incident = await app.locator("#incident").inner_text()
    assert incident.startswith(f"{ZH['incident']['stalled']} · {ZH['incident_state']['open']} · ")
    assert await app.locator("#intent").inner_text() == ZH["intent"]["where_is_my_parcel"]
    expected = await api_answer(service, agent_key, last)
    answer = await app.locator("#answer").inner_text()
    assert answer.strip() == expected["text"].strip() and "13812345678" not in answer
    assert await app.locator("#no-parcel").is_hidden()
    assert await desk.page.evaluate("window.fetchInfoRequests") >= 1  # the app asked Chatwoot for the context

    assert await app.evaluate("location.hash") == ""  # the key left the address once read
    assert await app.evaluate("sessionStorage.getItem('tracking-desk-key')") == agent_key
    await copy_answer(desk, app, "已复制", "desk_chatwoot.png")
    assert desk.errors == []


@pytest.mark.timeout(180)
async def test_chatwoot_message_naming_no_parcel_gets_the_presale_answer(
    browser: Browser, service: LiveService, desk_host: DeskHost, agent_key: str
) -> None:
    question = "还没发货吗 能发顺丰不"
    context = chatwoot_context((0, question))
    desk, app = await framed_by_chatwoot(browser, service, desk_host, f"key={agent_key}&tenant=shop-a", context)
    assert await app.locator("#no-parcel").is_visible()
    assert await app.locator("#no-parcel h3").inner_text() == "没有找到对应的包裹"
    assert await app.locator("#parcel-card").is_hidden() and await app.locator("#error").is_hidden()
    expected = await api_answer(service, agent_key, question, tenant="shop-a")
    assert expected["shipment"] is None and expected["intent"] == "shipping_time"
    assert (await app.locator("#answer").inner_text()).strip() == expected["text"].strip()
    assert await app.locator("#intent").inner_text() == ZH["intent"]["shipping_time"]
    assert desk.errors == []


@pytest.mark.timeout(180)
async def test_chatwoot_parcel_from_the_contact_s_attributes_when_the_message_names_none(
    browser: Browser, service: LiveService, desk_host: DeskHost, agent_key: str
) -> None:
    context = chatwoot_context((0, "什么时候能到啊"), attributes={"order_id": "TB-0003"})
    desk, app = await framed_by_chatwoot(browser, service, desk_host, f"key={agent_key}", context)
    assert await app.locator("#tracking-number").inner_text() == "SBX-DELIVERED-0003"
    assert await app.locator("#status").inner_text() == ZH["status"]["delivered"]
    assert desk.errors == []


@pytest.mark.timeout(180)
async def test_without_a_key_the_app_asks_for_one_and_says_when_it_is_wrong(
    browser: Browser, service: LiveService, desk_host: DeskHost, agent_key: str
) -> None:
    desk = await open_desk(browser, service, desk_host, f"{service.base_url}/apps/zendesk")
    page = desk.page
    assert await page.locator("#sign-in").is_visible() and await page.locator("#work").is_hidden()
    await page.fill("#key", "tsk_not-a-key-of-ours")
    await page.click("#sign-in button[type=submit]")
    await page.wait_for_selector("#sign-in-error:not([hidden])")
    assert "密钥无效" in await page.locator("#sign-in-error").inner_text()
    assert await page.evaluate("sessionStorage.getItem('tracking-desk-key')") is None

    await page.fill("#key", agent_key)
    await page.click("#sign-in button[type=submit]")
    await page.wait_for_selector("#work:not([hidden])")
    await page.fill("#paste", "SBX-DAMAGED-0002 收到的时候盒子是破的")
    await page.click("#paste-form button[type=submit]")
    await page.wait_for_selector("#answer-card:not([hidden])")
    assert await page.locator("#tracking-number").inner_text() == "SBX-DAMAGED-0002"
    assert await page.locator("#intent").inner_text() == ZH["intent"]["damaged"]
    assert [e for e in desk.errors if "401" not in e] == []  # the wrong key's 401 is the only console error


@pytest.mark.timeout(180)
async def test_a_wrong_key_in_the_fragment_gets_the_sign_in_box_with_a_clear_message(
    browser: Browser, service: LiveService, desk_host: DeskHost
) -> None:
    desk = await open_desk(browser, service, desk_host, f"{service.base_url}/apps/chatwoot#key=tsk_revoked")
    await desk.page.wait_for_selector("#sign-in-error:not([hidden])")
    assert "密钥无效" in await desk.page.locator("#sign-in-error").inner_text()


@pytest.mark.timeout(180)
async def test_zendesk_app_reads_the_ticket_through_zaf(
    browser: Browser, service: LiveService, desk_host: DeskHost, agent_key: str
) -> None:
    ticket = {
        "ticket.requester": {"id": 7, "name": "李四", "email": "li@example.com"},
        "ticket.comments": [
            {
                "id": 3,
                "author": {"id": 5, "role": "agent"},
                "value": "<p>请提供单号</p>",
                "createdAt": "2026-12-07T02:10:00Z",
            },
            {
                "id": 2,
                "author": {"id": 7, "role": "end-user"},
                "value": "<p>請問什麼時候會到貨？</p>",
                "createdAt": "2026-12-07T02:05:00Z",
            },
            {
                "id": 1,
                "author": {"id": 7, "role": "end-user"},
                "value": "<p>你好</p>",
                "createdAt": "2026-12-07T02:00:00Z",
            },
        ],
        "ticket.customField:custom_field_360": "TB-0001",
    }
    desk_host.serve("/zaf_sdk.js", FAKE_ZAF_SDK.format(ticket=json.dumps(ticket)), "text/javascript")
    query = httpx.QueryParams({"origin": desk_host.origin, "app_guid": "5a6b7c8d-0000-4000-8000-000000000001"})
    src = f"{service.base_url}/apps/zendesk?{query}#key={agent_key}&fields=360"
    desk = await open_desk(browser, service, desk_host, desk_host.serve("/zendesk", ZENDESK_PARENT.format(src=src)))
    app = desk.app()
    await app.wait_for_selector("#answer-card:not([hidden])")
    asked = await app.evaluate("window.zafAsked")
    assert asked == ["ticket.requester", "ticket.comments", "ticket.customField:custom_field_360"]
    assert await app.locator("#message").inner_text() == "請問什麼時候會到貨？"
    assert await app.locator("#tracking-number").inner_text() == "SBX-STALLED-0001"  # from the order field
    zh_hant = labels("zh-Hant")
    assert await app.evaluate("document.documentElement.lang") == "zh-Hant"  # the buyer's script
    assert await app.locator("#status").inner_text() == zh_hant["status"]["in_transit"]
    assert await app.locator("#intent").inner_text() == zh_hant["intent"]["when_will_it_arrive"]
    answer = await app.locator("#answer").inner_text()
    assert answer.strip() and "张三" not in answer
    await copy_answer(desk, app, "已複製", "desk_zendesk.png")
    assert desk.errors == []


@pytest.mark.timeout(180)
async def test_zendesk_app_takes_a_posted_ticket_and_the_agent_s_language(
    browser: Browser, service: LiveService, desk_host: DeskHost, agent_key: str
) -> None:
    """Outside Zendesk (no ZAF), a parent posting ``client.get``'s shape; the agent picks English."""
    src = f"{service.base_url}/apps/zendesk#key={agent_key}&lang=en"
    desk = await open_desk(browser, service, desk_host, desk_host.serve("/zendesk", ZENDESK_PARENT.format(src=src)))
    app = desk.app()
    await app.wait_for_selector("#work:not([hidden])")
    ticket = {
        "ticket.requester": {"id": 7},
        "ticket.comments": [
            {"author": {"id": 7, "role": "end-user"}, "value": "<p>SBX-DELIVERED-0003 显示签收了但我没收到</p>"}
        ],
    }
    await desk.page.evaluate(
        "([ticket, origin]) => document.getElementById('app').contentWindow.postMessage(ticket, origin)",
        [ticket, service.base_url],
    )
    await app.wait_for_selector("#answer-card:not([hidden])")
    assert await app.locator("#tracking-number").inner_text() == "SBX-DELIVERED-0003"
    english = labels("en")
    assert await app.locator("#status").inner_text() == english["status"]["delivered"]
    assert await app.locator("#intent").inner_text() == english["intent"]["not_received"]
    assert await app.locator("#answer").get_attribute("lang") == "zh-Hans"  # the reply stays in the buyer's script
    assert desk.errors == []


@pytest.mark.timeout(180)
async def test_a_site_that_is_not_a_configured_desk_cannot_frame_the_app(
    browser: Browser, service: LiveService, agent_key: str
) -> None:
    async with running_desk_host() as stranger:
        src = f"{service.base_url}/apps/chatwoot#key={agent_key}"
        parent = stranger.serve("/chatwoot", CHATWOOT_PARENT.format(src=src, context="{}", app_origin=service.base_url))
        desk = await open_desk(browser, service, stranger, parent)
        await desk.page.wait_for_load_state("load")
        framed = [frame.url for frame in desk.page.frames if frame is not desk.page.main_frame]
        assert framed and not any(url.startswith(service.base_url) for url in framed), framed
        assert any("frame-ancestors" in error for error in desk.errors), desk.errors
