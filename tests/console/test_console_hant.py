"""Agents in Taiwan and Hong Kong read the console in zh-Hant: the page's own words and the incident facts are
converted, labels use their zh-Hant names, and what the page shows of a buyer (the drafted answer in the buyer's
script) is left as it is."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import LiveService
from tests.console.signin import csrf_of, shop_agent_with_parcel, signed_in
from tracking_service import labels


@pytest.fixture
async def console(service: LiveService, admin: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    key = await shop_agent_with_parcel(service, admin, "shop-tw", "Asia/Taipei", "SBX-STALLED-0002", "TW-1")
    async with signed_in(service.base_url, key) as client:
        csrf = await csrf_of(client, "/console/")
        chosen = await client.post("/console/language", data={"csrf": csrf, "lang": "zh-Hant", "next": "/console/"})
        assert chosen.status_code == 303
        yield client


async def test_the_incident_queue_reads_in_traditional_characters(console: httpx.AsyncClient) -> None:
    page = (await console.get("/console/incidents")).text
    assert 'lang="zh-Hant"' in page and 'id="lang-zh-Hant" class="on"' in page
    assert "異常" in page and "异常" not in page  # the page's own words (the nav)
    assert "當時狀態：" in page and "当时状态" not in page  # the facts, made at render time
    assert labels.label("incident", "stalled", "zh-Hant") in page
    assert "最後一條軌跡" in page and "最后一条轨迹" not in page


async def test_a_drafted_answer_stays_in_the_buyers_script(console: httpx.AsyncClient) -> None:
    csrf = await csrf_of(console, "/console/")
    page = (await console.post("/console/answer", data={"csrf": csrf, "text": "SBX-STALLED-0002 我的快递到哪了"})).text
    assert "建議回覆" in page  # the heading, in the agent's script
    answer = page.split('id="paste-answer"', 1)[1].split("</", 1)[0]
    assert "快递" in answer or "包裹" in answer, answer
    assert not any(ch in answer for ch in "遞後這個們讓記錄轉運發"), answer  # the zh-Hans buyer gets zh-Hans


async def test_an_unknown_language_is_refused(console: httpx.AsyncClient) -> None:
    csrf = await csrf_of(console, "/console/")
    refused = await console.post("/console/language", data={"csrf": csrf, "lang": "zh-HK"})
    assert refused.status_code == 400 and "zh-Hant" in refused.text
