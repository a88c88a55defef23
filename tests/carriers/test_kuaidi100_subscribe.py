"""Kuaidi100 subscription request shape (``POST /poll``, ``schema=json``)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import pytest

from carriers.base import CarrierConfig
from carriers.errors import AuthError
from carriers.kuaidi100 import Kuaidi100Adapter
from schemas import TrackingQuery

CONFIG = CarrierConfig(base_url="https://poll.kuaidi100.test", key="k100-key", customer="CUST01", secret="salt-1")


async def test_subscribe_sends_the_documented_shape() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"result": True, "returnCode": "200", "message": "提交成功"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        await Kuaidi100Adapter(CONFIG).subscribe(
            client,
            TrackingQuery("SF1234567890123", sub_carrier="shunfeng", phone_last4="5678"),
            "https://shop.test/v1/webhooks/carriers/kuaidi100",
        )
    form = {k: v[0] for k, v in parse_qs(sent[0].content.decode()).items()}
    param = json.loads(form["param"])
    assert sent[0].url.path == "/poll" and form["schema"] == "json"
    assert param == {
        "company": "shunfeng",
        "number": "SF1234567890123",
        "key": "k100-key",
        "parameters": {
            "callbackurl": "https://shop.test/v1/webhooks/carriers/kuaidi100",
            "salt": "salt-1",
            "resultv2": "4",
            "phone": "5678",
        },
    }


async def test_subscribe_refused_for_a_bad_key_is_an_auth_error() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json={"result": False, "returnCode": "601"}))
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(AuthError):
            await Kuaidi100Adapter(CONFIG).subscribe(client, TrackingQuery("SF1234567890123"), "https://x.test/cb")
