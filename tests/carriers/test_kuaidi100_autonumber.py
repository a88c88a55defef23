"""Kuaidi100 智能单号识别 (https://api.kuaidi100.com/document/5f1106542977d50a94e10241).

``http://www.kuaidi100.com/autonumber/auto?num=[单号]&key=[key]`` answers ``[{lengthPre, comCode, name}, …]``
best first, or ``{returnCode, message, result: false}`` (601 KEY已过期, 701 KEY缺失, 201 不是有效的快递单号).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from carriers.base import CarrierConfig
from carriers.errors import AuthError, BadResponse, CarrierUnavailable
from carriers.kuaidi100 import Kuaidi100Adapter

TEST = CarrierConfig(base_url="https://poll.kuaidi100.test", key="k100-key", customer="CUST01", secret="salt-1")
OFFICIAL = CarrierConfig(base_url="https://poll.kuaidi100.com", key="k100-key", customer="CUST01", secret="s")


async def _ask(answer: httpx.Response, config: CarrierConfig = TEST) -> tuple[list[str], httpx.Request]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answer

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        found = await Kuaidi100Adapter(config).autonumber(client, "YT9693083639795")
    return found, sent[0]


async def test_candidates_come_back_best_first() -> None:
    body = [
        {"lengthPre": 15, "comCode": "yuantong", "name": "圆通速递"},
        {"lengthPre": 15, "comCode": "yuantongguoji", "name": "圆通国际"},
        {"lengthPre": 15, "comCode": "yuantong", "name": "圆通速递"},
    ]
    found, request = await _ask(httpx.Response(200, json=body))
    assert found == ["yuantong", "yuantongguoji"]
    assert request.url.path == "/autonumber/auto"
    assert dict(request.url.params) == {"num": "YT9693083639795", "key": "k100-key"}


async def test_the_official_account_asks_the_documented_host() -> None:
    _, request = await _ask(httpx.Response(200, json=[]), OFFICIAL)
    assert (request.url.host, request.url.path) == ("www.kuaidi100.com", "/autonumber/auto")


async def test_no_candidates_is_an_empty_list() -> None:
    assert (await _ask(httpx.Response(200, json=[])))[0] == []
    invalid = {"returnCode": "201", "message": "不是有效的快递单号", "result": False}
    assert (await _ask(httpx.Response(200, json=invalid)))[0] == []


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (httpx.Response(200, json={"returnCode": "601", "message": "POLL: KEY 已过期", "result": False}), AuthError),
        (httpx.Response(200, json={"returnCode": "701", "message": "key缺失", "result": False}), AuthError),
        (httpx.Response(200, json={"returnCode": "999", "message": "?", "result": False}), BadResponse),
        (httpx.Response(200, json=["yuantong"]), BadResponse),
        (httpx.Response(200, content=b'[{"comCode": "yuan'), BadResponse),
        (httpx.Response(502, text="Bad Gateway"), CarrierUnavailable),
    ],
)
async def test_failures_are_typed(answer: httpx.Response, error: type[Exception]) -> None:
    with pytest.raises(error) as raised:
        await _ask(answer)
    assert getattr(raised.value, "carrier", None) == "kuaidi100"


def test_parse_skips_entries_without_a_code() -> None:
    body: list[dict[str, Any]] = [{"lengthPre": 12, "name": "?"}, {"comCode": "zhongtong", "name": "中通快递"}]
    assert Kuaidi100Adapter(TEST).parse_autonumber(json.dumps(body).encode()) == ["zhongtong"]
