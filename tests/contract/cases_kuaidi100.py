"""Kuaidi100 contract cases, from the documented query and callback payloads.

Sources: 实时快递单号查询技术文档 §1.6 运单快递状态 (https://api.kuaidi100.com/document/5f0ffb5ebc8da837cbd8aefc,
mirrored at https://apifox.com/apidoc/project-514987/api-8562559) for the 37 ``state`` / ``statusCode`` values;
推送接口 (https://apifox.com/apidoc/project-514987/api-8575995) for the callback ``param``.

One table row per documented code; the answers are built in the documented wire format (``resultv2=4``:
every trace carries ``status`` name + ``statusCode``, newest first) by ``_answer`` below rather than kept as
60 fixture files. The expected pairs are this file's own reading of the doc, written before the adapter's.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, urlencode

import httpx

from carriers.base import CarrierConfig
from carriers.errors import AuthError, BadResponse
from schemas import Status, SubStatus, TrackingQuery
from tests.contract.framework import Parcel, PullCase, PushCase, Reply, fixture, fixture_reply, http_error_cases

S, SS = Status, SubStatus
CONFIG = CarrierConfig(base_url="https://poll.kuaidi100.test", key="k100-key", customer="CUST01", secret="salt-1")
NUMBER = "YT1234567890123"
YT = [TrackingQuery(NUMBER, sub_carrier="yuantong", phone_last4="5678")]
ZT = [TrackingQuery("75123456789012", sub_carrier="zhongtong", phone_last4="1234")]

# (code, 高级物流状态名称, expected canonical pair, a realistic trace text)
DOCUMENTED: list[tuple[str, str, tuple[Status, SubStatus | None], str]] = [
    ("1", "揽收", (S.IN_TRANSIT, None), "【广州市白云区公司】圆通速递 已揽收"),
    ("101", "已下单", (S.INFO_RECEIVED, None), "商家已下单，电子面单已打印，等待快递公司揽收"),
    ("102", "待揽收", (S.INFO_RECEIVED, None), "快递员已接单，预计今日17:00前上门揽收"),
    ("103", "已揽收", (S.IN_TRANSIT, None), "【广州市白云区公司】已揽收"),
    ("0", "在途", (S.IN_TRANSIT, None), "【广州转运中心】已发出，下一站【杭州转运中心】"),
    ("1001", "到达派件城市", (S.IN_TRANSIT, None), "【杭州市】快件已到达【杭州转运中心】"),
    ("1002", "干线", (S.IN_TRANSIT, None), "【广州转运中心】已装车，发往【杭州转运中心】"),
    ("1003", "转递", (S.IN_TRANSIT, None), "应收件人要求更改地址，快件已转发至新地址【上海市浦东新区】"),
    (
        "5",
        "派件",
        (S.OUT_FOR_DELIVERY, None),
        "【杭州市】【西湖区文三路营业部】派件员王师傅（13800001111）正在为您派件",
    ),
    (
        "501",
        "投柜或驿站",
        (S.AVAILABLE_FOR_PICKUP, None),
        "【杭州市】快件已存放至【菜鸟驿站文三路店】，请凭取件码8-2-3021领取",
    ),
    ("3", "签收", (S.DELIVERED, None), "【杭州市】快件已签收，如有疑问请联系派件员"),
    ("301", "本人签收", (S.DELIVERED, None), "【杭州市】您的快件已签收，签收人：本人"),
    ("302", "派件异常后签收", (S.DELIVERED, None), "【杭州市】快件前次派送未成功，现已由收件人本人签收"),
    ("303", "代签", (S.DELIVERED, SS.DELIVERED_TO_NEIGHBOR), "【杭州市】您的快件已由【小区门卫】代签收"),
    ("304", "投柜或站签收", (S.DELIVERED, SS.DELIVERED_TO_LOCKER), "【杭州市】您的快件已从【丰巢智能柜】取出签收"),
    ("6", "退回", (S.RETURNING, None), "【杭州转运中心】快件退回中，下一站【广州转运中心】"),
    ("4", "退签", (S.RETURNED, SS.REFUSED), "【广州市白云区公司】退回件已由寄件人签收"),
    ("401", "已销单", (S.EXCEPTION, SS.CANCELLED), "此快件单已撤销"),
    ("14", "拒签", (S.RETURNED, SS.REFUSED), "【广州市白云区公司】收件人拒签，退回件已由寄件人签收"),
    ("7", "转投", (S.IN_TRANSIT, None), "快件已转交【中国邮政】继续投递，新单号9876543210123"),
    ("2", "疑难", (S.EXCEPTION, SS.OTHER), "【杭州市】快件存在疑难，网点正在处理"),
    ("201", "超时未签收", (S.EXCEPTION, SS.DELAYED), "【杭州市】快件派送后长时间未签收"),
    ("202", "超时未更新", (S.EXCEPTION, SS.DELAYED), "快件长时间没有派件或签收记录"),
    ("203", "拒收", (S.ATTEMPT_FAILED, SS.REFUSED), "【杭州市】收件人拒收快件，待寄件方确认处理方式"),
    ("204", "派件异常", (S.ATTEMPT_FAILED, SS.OTHER), "【杭州市】派件异常，派件员将再次派送"),
    ("205", "柜或驿站超时未取", (S.AVAILABLE_FOR_PICKUP, SS.HELD_AT_CARRIER), "【杭州市】快件在驿站存放超3天未取"),
    ("206", "无法联系", (S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE), "【杭州市】多次电联收件人未接通，无法联系"),
    ("207", "超区", (S.EXCEPTION, SS.ADDRESS_ISSUE), "【杭州市】收件地址超出快递公司服务范围"),
    ("208", "滞留", (S.EXCEPTION, SS.HELD_AT_CARRIER), "【杭州市西湖区营业部】快件滞留在网点，暂未派送"),
    ("209", "破损", (S.EXCEPTION, SS.DAMAGED), "【杭州转运中心】快件外包装破损，已登记异常"),
    ("210", "销单", (S.EXCEPTION, SS.CANCELLED), "寄件人已申请撤销寄件"),
    ("8", "清关", (S.IN_TRANSIT, SS.CUSTOMS_HOLD), "【上海浦东国际机场】快件清关"),
    ("10", "待清关", (S.IN_TRANSIT, SS.CUSTOMS_HOLD), "【上海海关】快件已到达海关，等待清关"),
    ("11", "清关中", (S.IN_TRANSIT, SS.CUSTOMS_HOLD), "【上海海关】快件正在清关"),
    ("12", "已清关", (S.IN_TRANSIT, None), "【上海海关】快件已完成清关，已放行"),
    ("13", "清关异常", (S.EXCEPTION, SS.CUSTOMS_HOLD), "【上海海关】清关异常：需补充申报资料"),
]
EXPECT = {code: pair for code, _, pair, _ in DOCUMENTED}
NAME = {code: name for code, name, _, _ in DOCUMENTED}
TEXT = {code: text for code, _, _, text in DOCUMENTED}
PICKED_UP = ("2026-11-18 16:05:12", "103", "【广州市白云区公司】已揽收")


def _trace(time: str, code: str | None, text: str, *, name: str | None = None) -> dict[str, Any]:
    trace: dict[str, Any] = {"time": time, "ftime": time, "context": text, "location": "", "areaCode": None}
    trace["areaName"] = "浙江,杭州市" if code != "103" else "广东,广州市"
    if name is not None or code is not None:
        trace["status"] = name if name is not None else NAME.get(code or "", "未知")
    if code is not None:
        trace["statusCode"] = code
    return trace


def _answer(state: str, traces: list[dict[str, Any]], number: str = NUMBER, com: str = "yuantong") -> dict[str, Any]:
    """A ``query.do`` answer (or a callback ``lastResult``) as documented: traces newest first."""
    return {
        "message": "ok",
        "nu": number,
        "ischeck": "1" if state.startswith("3") else "0",
        "condition": "F00",
        "com": com,
        "status": "200",
        "state": state,
        "data": traces,
        "routeInfo": {"from": {"name": "广东,广州市"}, "cur": {"name": "浙江,杭州市"}, "to": {"name": "浙江,杭州市"}},
    }


def _scan_answer(code: str) -> dict[str, Any]:
    """The newest trace carries ``code``; ``state`` (resultv2=4) names the same high-level state."""
    newest = _trace("2026-11-20 09:30:00", code, TEXT[code])
    return _answer(code, [newest, _trace(*PICKED_UP)])


def _state_answer(state: str, newest_code: str) -> dict[str, Any]:
    """Only the computed ``state`` carries the news: the newest trace is a plain 派件 / 在途 scan."""
    newest = _trace("2026-11-20 09:30:00", newest_code, TEXT[newest_code])
    return _answer(state, [newest, _trace(*PICKED_UP)])


def _parcel(pair: tuple[Status, SubStatus | None], **extra: Any) -> dict[str, Parcel | str]:
    return {NUMBER: Parcel(pair[0], pair[1], **extra)}


def _signed_by_the_doc(request: httpx.Request) -> None:
    form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
    param = json.loads(form["param"])
    assert request.url.path == "/poll/query.do"
    assert param == {"com": "yuantong", "num": "YT1234567890123", "resultv2": "4", "phone": "5678"}
    expected = hashlib.md5((form["param"] + "k100-key" + "CUST01").encode()).hexdigest().upper()
    assert form["sign"] == expected and form["customer"] == "CUST01"


def _case(name: str, file: str, expect: object, queries: list[TrackingQuery] = YT, **extra: object) -> PullCase:
    return PullCase("kuaidi100", name, CONFIG, queries, fixture_reply("kuaidi100", file), expect, **extra)  # type: ignore[arg-type]


def _built(name: str, body: dict[str, Any], expect: Any) -> PullCase:
    return PullCase("kuaidi100", name, CONFIG, YT, Reply(200, body), expect)


def _generic(pair: tuple[Status, SubStatus | None]) -> bool:
    return pair[0] in (S.IN_TRANSIT, S.INFO_RECEIVED) and pair[1] is None


# Every documented code as the newest trace's statusCode (state agrees: no extra event).
SCAN_CASES = [_built(f"code_{code}", _scan_answer(code), _parcel(EXPECT[code], events=2)) for code in EXPECT]
# Every computed state that says more than the newest trace: the state wins, as one extra event.
# Customs states only add detail to an 在途 scan; everything else outdoes a 派件 scan.
STATE_CASES = [
    _built(f"state_{code}_over_{base}", _state_answer(code, base), _parcel(EXPECT[code], events=3))
    for code in EXPECT
    if not _generic(EXPECT[code])
    for base in (("0",) if EXPECT[code][0] is S.IN_TRANSIT or code == "5" else ("5", "0"))
]
PRECEDENCE_CASES = [
    # A generic state never hides a more specific scan.
    _built("state_0_under_locker_scan", _state_answer("0", "304"), _parcel(EXPECT["304"], events=2)),
    _built("state_3_under_locker_scan", _state_answer("3", "304"), _parcel(EXPECT["304"], events=2)),
    _built("state_101_under_transit_scan", _state_answer("101", "0"), _parcel(EXPECT["0"], events=2)),
    # A basic state never outdoes a trace of its own group (派件 over 投柜或驿站, 退签 over 已销单).
    _built("state_5_under_station_scan", _state_answer("5", "501"), _parcel(EXPECT["501"], events=2)),
    _built("state_4_under_cancelled_scan", _state_answer("4", "401"), _parcel(EXPECT["401"], events=2)),
    # An undocumented state adds nothing (and nothing unknown).
    _built("state_unmapped_ignored", _state_answer("99", "5"), _parcel(EXPECT["5"], events=2)),
    # resultv2=1: traces carry only the state name, the top-level state stays basic.
    _built(
        "names_only_resultv2_1",
        _answer(
            "0",
            [
                _trace("2026-11-20 09:30:00", None, TEXT["5"], name="派件"),
                _trace("2026-11-19 22:15:03", None, TEXT["1001"], name="在途"),
            ],
        ),
        _parcel(EXPECT["5"], events=2),
    ),
]

PULL_CASES = [
    _case(
        "delivered",
        "delivered.json",
        {NUMBER: Parcel(Status.DELIVERED, events=5, sub_carrier="yuantong")},
        check_request=_signed_by_the_doc,
    ),
    _case("in_transit", "in_transit.json", {"75123456789012": Parcel(Status.IN_TRANSIT, sub_carrier="zhongtong")}, ZT),
    _case("exception", "exception_damaged.json", {NUMBER: Parcel(Status.EXCEPTION, SubStatus.DAMAGED)}),
    _case("overdue_unsigned_201", "timeout_unsigned.json", {NUMBER: Parcel(Status.EXCEPTION, SubStatus.DELAYED)}),
    _case("no_update_202", "timeout_no_update.json", {NUMBER: Parcel(Status.EXCEPTION, SubStatus.DELAYED)}),
    _case("at_station_501", "locker.json", {NUMBER: Parcel(Status.AVAILABLE_FOR_PICKUP)}),
    _case("not_found", "not_found.json", {NUMBER: "not_found"}),
    _case("unmapped_code", "unmapped.json", {NUMBER: Parcel(Status.UNKNOWN, unmapped=True)}),
    _case("bad_sign_503", "bad_sign.json", AuthError),
    _built("key_expired_601", {"result": False, "returnCode": "601", "message": "POLL:KEY已过期"}, AuthError),
    *SCAN_CASES,
    *STATE_CASES,
    *PRECEDENCE_CASES,
    *http_error_cases("kuaidi100", CONFIG, YT),
]


def _callback(
    last_result: dict[str, Any] | None = None, salt: str = "salt-1", **fields: str
) -> tuple[dict[str, str], bytes]:
    """A callback form as documented: ``param`` JSON and ``sign`` = upper(MD5(param + salt))."""
    payload: dict[str, Any] = {"status": "polling", "billstatus": "got", "message": "", "autoCheck": "0"}
    payload.update({"comOld": "", "comNew": "", **fields})
    payload["lastResult"] = (
        last_result if last_result is not None else json.loads(fixture("kuaidi100", "delivered.json"))
    )
    param = json.dumps(payload, ensure_ascii=False)
    sign = hashlib.md5((param + salt).encode()).hexdigest().upper()
    return {"Content-Type": "application/x-www-form-urlencoded"}, urlencode({"param": param, "sign": sign}).encode()


def _push(name: str, headers_body: tuple[dict[str, str], bytes], expect: Any) -> PushCase:
    return PushCase("kuaidi100", name, CONFIG, *headers_body, expect)


PUSH_CASES = [
    _push("good_signature", _callback(), {NUMBER: Parcel(Status.DELIVERED, events=5)}),
    _push("bad_signature", _callback(salt="wrong-salt"), AuthError),
    PushCase(
        "kuaidi100",
        "garbage",
        CONFIG,
        {},
        urlencode({"param": "{oops", "sign": hashlib.md5(b"{oopssalt-1").hexdigest().upper()}).encode(),
        BadResponse,
    ),
    _push(
        "shutdown_when_signed",
        _callback(_scan_answer("301"), status="shutdown", billstatus="check"),
        _parcel(EXPECT["301"], events=2),
    ),
    _push(
        "state_201_wins_in_push",
        _callback(_state_answer("201", "5")),
        _parcel(EXPECT["201"], events=3),
    ),
    _push(
        "auto_check_corrected_company",
        _callback(_scan_answer("5"), autoCheck="1", comOld="yuantong", comNew="zhongtong"),
        _parcel(EXPECT["5"], sub_carrier="zhongtong"),
    ),
    _push(
        "abort_with_traces",
        _callback(_scan_answer("0"), status="abort", message="60天无变化"),
        _parcel(EXPECT["0"], events=2),
    ),
]
