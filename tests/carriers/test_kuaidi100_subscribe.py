"""Kuaidi100 subscription (``POST /poll``, ``schema=json``) and the callback lifecycle (SPEC §10).

Docs: 订阅 https://apifox.com/apidoc/project-514987/api-8567477 (return codes 200/500/501/600/601/700/701/702 as in
https://cloud.tencent.com/developer/article/1828132); 推送 https://apifox.com/apidoc/project-514987/api-8575995.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, urlencode

import httpx
import pytest

from carriers.base import CarrierConfig, SubscribeAdapter
from carriers.errors import AuthError, BadResponse, CarrierUnavailable, NotFound, RateLimited
from carriers.kuaidi100 import Kuaidi100Adapter
from schemas import Status, SubStatus, TrackingQuery, TrackingResult

CONFIG = CarrierConfig(base_url="https://poll.kuaidi100.test", key="k100-key", customer="CUST01", secret="salt-1")
CALLBACK = "https://shop.test/v1/webhooks/carriers/kuaidi100"
SF = TrackingQuery("SF1234567890123", sub_carrier="shunfeng", phone_last4="5678")


def _form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


async def _subscribe(
    answers: list[dict[str, Any]], queries: list[TrackingQuery]
) -> tuple[dict[str, Any], list[httpx.Request]]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=answers[len(sent) - 1])

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        results = await Kuaidi100Adapter(CONFIG).subscribe(client, queries, CALLBACK)
    return dict(results), sent


def test_the_adapter_is_a_batch_subscribe_adapter() -> None:
    adapter = Kuaidi100Adapter(CONFIG)
    assert isinstance(adapter, SubscribeAdapter)
    assert adapter.max_subscribe_batch == 1 and adapter.needs_phone is True


async def test_subscribe_sends_the_documented_shape() -> None:
    results, sent = await _subscribe([{"result": True, "returnCode": "200", "message": "提交成功"}], [SF])
    assert results == {"SF1234567890123": None}
    form = _form(sent[0])
    assert sent[0].method == "POST" and sent[0].url.path == "/poll" and form["schema"] == "json"
    assert json.loads(form["param"]) == {
        "company": "shunfeng",
        "number": "SF1234567890123",
        "key": "k100-key",
        "parameters": {"callbackurl": CALLBACK, "salt": "salt-1", "resultv2": "4", "phone": "5678"},
    }


async def test_without_a_company_kuaidi100_is_asked_to_recognise_it() -> None:
    _, sent = await _subscribe([{"result": True, "returnCode": "200"}], [TrackingQuery("YT1234567890123")])
    param = json.loads(_form(sent[0])["param"])
    assert param["company"] == "" and param["parameters"]["autoCom"] == "1"  # the doc: autoCom=1 wants it empty
    assert "phone" not in param["parameters"]


async def test_one_request_per_number_and_one_answer_each() -> None:
    answers = [
        {"result": True, "returnCode": "200", "message": "提交成功"},
        {"result": False, "returnCode": "501", "message": "重复订阅"},
        {"result": False, "returnCode": "700", "message": "订阅方的订阅数据存在错误"},
        {"result": False, "returnCode": "701", "message": "拒绝订阅的快递公司"},
        {"result": False, "returnCode": "702", "message": "POLL:识别不到该单号对应的快递公司"},
        {"result": False, "returnCode": "799", "message": "?"},
    ]
    queries = [TrackingQuery(f"YT100000000000{i}", sub_carrier="yuantong") for i in range(len(answers))]
    results, sent = await _subscribe(answers, queries)
    assert len(sent) == len(queries)
    assert [json.loads(_form(r)["param"])["number"] for r in sent] == [q.tracking_number for q in queries]
    got = [results[q.tracking_number] for q in queries]
    assert got[0] is None and got[1] is None  # 501 重复订阅: already polling, counts as accepted
    assert [type(e) for e in got[2:]] == [BadResponse, BadResponse, NotFound, BadResponse]
    assert all(e is not None and e.carrier == "kuaidi100" and "returnCode" in e.detail for e in got[2:])


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ({"result": False, "returnCode": "600", "message": "您不是合法的订阅者"}, AuthError),
        ({"result": False, "returnCode": "601", "message": "POLL:KEY已过期"}, AuthError),
        ({"result": False, "returnCode": "500", "message": "服务器错误"}, CarrierUnavailable),
        ({"message": "no codes at all"}, BadResponse),
    ],
)
async def test_account_and_server_failures_raise_for_the_whole_call(answer: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        await _subscribe([answer], [SF])


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(429, headers={"Retry-After": "7"}), RateLimited),
        (httpx.Response(503, text="busy"), CarrierUnavailable),
        (httpx.Response(200, content=b'{"result": tr'), BadResponse),
    ],
)
async def test_transport_failures_stay_typed(response: httpx.Response, error: type) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda r: response)) as client:
        with pytest.raises(error):
            await Kuaidi100Adapter(CONFIG).subscribe(client, [SF], CALLBACK)


# -- callback lifecycle -----------------------------------------------------------------------------------


def _last_result(state: str, traces: list[tuple[str, str, str]], com: str = "yuantong") -> dict[str, Any]:
    data = [{"time": t, "ftime": t, "context": text, "status": "", "statusCode": code} for t, code, text in traces]
    return {"message": "ok", "nu": "YT1234567890123", "ischeck": "0", "com": com, "status": "200", "state": state,
            "condition": "F00", "data": data}  # fmt: skip


TRANSIT = _last_result("0", [("2026-11-19 22:15:03", "1002", "【广州转运中心】已发出，下一站【杭州转运中心】")])
SIGNED = _last_result("301", [("2026-11-20 18:02:11", "301", "【杭州市】您的快件已签收，签收人：本人")])


def _push(last_result: dict[str, Any] | None, **fields: str) -> list[TrackingResult]:
    param: dict[str, Any] = {"status": "polling", "billstatus": "got", "message": "", "autoCheck": "0"}
    param.update({"comOld": "", "comNew": "", **fields})
    if last_result is not None:
        param["lastResult"] = last_result
    text = json.dumps(param, ensure_ascii=False)
    body = urlencode({"param": text, "sign": hashlib.md5((text + "salt-1").encode()).hexdigest().upper()})
    return Kuaidi100Adapter(CONFIG).parse_push({}, body.encode())


def test_polling_push_keeps_the_subscription() -> None:
    (result,) = _push(TRANSIT)
    assert result.push_stopped is False and result.sub_carrier == "yuantong"
    assert [e.status for e in result.events] == [Status.IN_TRANSIT]


def test_updateall_is_a_full_repush_not_an_end() -> None:
    (result,) = _push(TRANSIT, status="updateall")
    assert result.push_stopped is False and len(result.events) == 1


def test_shutdown_ends_the_pushes_of_a_signed_parcel() -> None:
    # The doc: status=shutdown when the parcel is signed; no more pushes come, so push_stopped.
    (result,) = _push(SIGNED, status="shutdown", billstatus="check")
    assert result.push_stopped is True and result.sub_carrier == "yuantong"
    assert result.events[-1].status is Status.DELIVERED


def test_abort_without_traces_is_a_stopped_result_with_no_events() -> None:
    (result,) = _push(_last_result("0", []), status="abort", message="3天查询无记录")
    assert result.tracking_number == "YT1234567890123"
    assert result.events == [] and result.push_stopped is True
    assert result.sub_carrier == "yuantong"  # no correction: the service falls back to polling


def test_abort_with_a_missing_data_field_is_tolerated() -> None:
    last = _last_result("0", [])
    del last["data"]
    (result,) = _push(last, status="abort", message="60天无变化")
    assert result.events == [] and result.push_stopped is True


def test_abort_announcing_a_corrected_company_resubscribes_under_it() -> None:
    # The doc: "status=abort、autoCheck=0、comOld为空、comNew=纠正后的快递公司编码".
    (result,) = _push(_last_result("0", []), status="abort", comNew="zhongtong")
    assert result.push_stopped is True and result.sub_carrier == "zhongtong"


def test_auto_check_pushes_carry_the_corrected_company() -> None:
    last = _last_result("5", [("2026-11-20 08:31:40", "5", "【杭州市】快件正在派送中")], com="zhongtong")
    (result,) = _push(last, autoCheck="1", comOld="yuantong", comNew="zhongtong")
    assert result.sub_carrier == "zhongtong" and result.push_stopped is False
    assert result.sub_carrier_corrected is True
    assert result.events[-1].status is Status.OUT_FOR_DELIVERY


def test_comnew_without_auto_check_on_a_polling_push_is_not_a_correction() -> None:
    (result,) = _push(TRANSIT, comNew="zhongtong")
    assert result.sub_carrier == "yuantong" and result.sub_carrier_corrected is False


def test_the_computed_state_wins_in_a_push_too() -> None:
    last = _last_result("205", [("2026-11-20 09:00:00", "501", "【杭州市】快件已存放至【菜鸟驿站】")])
    (result,) = _push(last)
    newest = max(result.events, key=lambda e: e.occurred_at)
    assert (newest.status, newest.sub_status) == (Status.AVAILABLE_FOR_PICKUP, SubStatus.HELD_AT_CARRIER)
    assert newest.carrier_code == "state:205" and newest.description.startswith("柜或驿站超时未取")


@pytest.mark.parametrize("last_result", [None, {"message": "ok", "data": []}, {"nu": "X", "data": "oops"}])
def test_unreadable_callbacks_are_bad_responses(last_result: dict[str, Any] | None) -> None:
    with pytest.raises(BadResponse):
        _push(last_result, status="abort")
