"""SF Express contract cases (route query and route push).

Documented payloads are built by ``_routes_reply`` / ``_push_body`` from one table (``DOC_CASES``) in the
wire format of the SF open platform: query answer ``apiResultData`` → ``msgData.routeResps[].routes[]``
(``acceptTime``, ``acceptAddress``, ``remark``, ``opCode``, optional ``firstStatusCode``/``firstStatusName``/
``secondaryStatusCode``/``secondaryStatusName``), push ``msgData`` = ``{"Body":{"WaybillRoute":[…]}}`` with
``mailno``, ``acceptTime``, ``acceptAddress``, ``remark``, ``opCode``, ``id``, ``orderid``, optional ``reasonCode``/
``reasonName``. Codes and texts: see the sources cited in ``carriers/sf_express_codes.py``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlencode

import httpx

from carriers.base import CarrierConfig
from carriers.errors import AuthError, BadResponse
from schemas import Status, SubStatus, TrackingQuery
from tests.contract.framework import Parcel, PullCase, PushCase, Reply, fixture_reply, http_error_cases

S, SS = Status, SubStatus
PUSHED_AT_MS = 1763546700000  # the recorded pushes' signed timestamp; the adapter's clock is a minute later
CONFIG = CarrierConfig(
    base_url="https://bspgw.sf.test",
    partner_id="PARTNER",
    check_word="CHECKWORD",
    clock=lambda: PUSHED_AT_MS / 1000 + 60,
)
NUMBER = "SF1234567890123"
ONE = [TrackingQuery(NUMBER, phone_last4="5678")]
TWO = [TrackingQuery("SF1234567890123"), TrackingQuery("SF1234567890124")]
PICKED_UP = {"opCode": "54", "remark": "顺丰速运 已收取快件", "acceptAddress": "深圳市"}
SIGNED = {"opCode": "80", "remark": "已签收,感谢使用顺丰,期待再次为您服务"}
SIGNED_LOCKER = {"opCode": "80", "remark": "您的快件已派送至【丰巢智能柜(华景新城3栋)】，感谢使用顺丰"}
BACK = {"opCode": "99", "remark": "收方客户拒收，快件正在退回寄件人"}
SIGN_INFO = '在官网"运单资料&签收图",可查看签收人信息'


def _digest(msg_data: str, timestamp: str, check_word: str = "CHECKWORD") -> str:
    # Independent of the adapter: Java URLEncoder keeps A-Za-z0-9 . - * _ and writes spaces as '+'.
    encoded = quote_plus(msg_data + timestamp + check_word, safe="*")
    return base64.b64encode(hashlib.md5(encoded.encode()).digest()).decode()


def _signed_by_the_doc(request: httpx.Request) -> None:
    form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
    assert form["serviceCode"] == "EXP_RECE_SEARCH_ROUTES" and form["partnerID"] == "PARTNER"
    assert json.loads(form["msgData"])["checkPhoneNo"] == "5678"
    assert form["msgDigest"] == _digest(form["msgData"], form["timestamp"])


def _case(name: str, file: str, expect: object, queries: list[TrackingQuery] = ONE, **extra: object) -> PullCase:
    return PullCase("sf_express", name, CONFIG, queries, fixture_reply("sf_express", file), expect, **extra)  # type: ignore[arg-type]


# (name, routes before the documented one, the documented route, expected newest status, sub-status)
Row = tuple[str, list[dict[str, Any]], dict[str, Any], Status, SubStatus | None]
DOC_CASES: list[Row] = [
    # pickup / hand-over by the sender
    ("op50", [], {"opCode": "50", "remark": "顺丰速运 已收取快件"}, S.IN_TRANSIT, None),
    ("op54", [], PICKED_UP, S.IN_TRANSIT, None),
    (
        "op655_partner_point",
        [],
        {"opCode": "655", "remark": "顺丰合作点【名居广场驿站店】已代收"},
        S.INFO_RECEIVED,
        None,
    ),
    # line haul
    (
        "op30",
        [PICKED_UP],
        {"opCode": "30", "remark": "快件在【深圳华南陆运枢纽】完成分拣，准备发往 【广州白云中转场】"},
        S.IN_TRANSIT,
        None,
    ),
    ("op31", [PICKED_UP], {"opCode": "31", "remark": "快件到达 【广州白云中转场】"}, S.IN_TRANSIT, None),
    (
        "op36",
        [PICKED_UP],
        {"opCode": "36", "remark": "快件离开 【深圳华南陆运枢纽】，已在发往 【广州白云中转场】 的路上"},
        S.IN_TRANSIT,
        None,
    ),
    (
        "op3036",
        [PICKED_UP],
        {"opCode": "3036", "remark": "快件在【深圳华南陆运枢纽】已装车，准备发往 【北京顺义集散中心】"},
        S.IN_TRANSIT,
        None,
    ),
    ("op105", [PICKED_UP], {"opCode": "105", "remark": "快件已从【深圳宝安国际机场】起飞"}, S.IN_TRANSIT, None),
    ("op106", [PICKED_UP], {"opCode": "106", "remark": "快件已到达【北京首都国际机场】"}, S.IN_TRANSIT, None),
    ("op310", [PICKED_UP], {"opCode": "310", "remark": "快件到达 【北京顺义集散中心】"}, S.IN_TRANSIT, None),
    ("op407", [PICKED_UP], {"opCode": "407", "remark": "快件已发往【上海浦东康桥店】"}, S.IN_TRANSIT, None),
    ("op501", [PICKED_UP], {"opCode": "501", "remark": "快件运输中"}, S.IN_TRANSIT, None),
    ("op123", [PICKED_UP], {"opCode": "123", "remark": "快件正送往【广州天河华景营业点】"}, S.IN_TRANSIT, None),
    ("op130", [PICKED_UP], {"opCode": "130", "remark": "快件到达【广州天河华景营业点】"}, S.IN_TRANSIT, None),
    ("op605_customs", [PICKED_UP], {"opCode": "605", "remark": "快件清关中"}, S.IN_TRANSIT, SS.CUSTOMS_HOLD),
    ("op606_cleared", [PICKED_UP], {"opCode": "606", "remark": "快件已清关"}, S.IN_TRANSIT, None),
    ("op607_inspection", [PICKED_UP], {"opCode": "607", "remark": "海关查验，清关异常"}, S.EXCEPTION, SS.CUSTOMS_HOLD),
    # last mile
    (
        "op44",
        [PICKED_UP],
        {"opCode": "44", "remark": "正在派送途中,请您准备签收(派件人:王师傅,电话:13800000000)"},
        S.OUT_FOR_DELIVERY,
        None,
    ),
    (
        "op204",
        [PICKED_UP],
        {"opCode": "204", "remark": "快件交给王师傅，正在派送途中（联系电话：13800000000）"},
        S.OUT_FOR_DELIVERY,
        None,
    ),
    ("op634", [PICKED_UP], {"opCode": "634", "remark": "快件正在派送途中"}, S.OUT_FOR_DELIVERY, None),
    # waiting at a locker / 驿站 / pickup point
    (
        "op125_locker",
        [PICKED_UP],
        {"opCode": "125", "remark": "快件已存放至【丰巢智能柜(华景新城3栋)】，请凭取件码取件"},
        S.AVAILABLE_FOR_PICKUP,
        None,
    ),
    (
        "op125_station",
        [PICKED_UP],
        {"opCode": "125", "remark": "快件已暂存至【华景新城菜鸟驿站】，请及时取件"},
        S.AVAILABLE_FOR_PICKUP,
        None,
    ),
    ("op126", [PICKED_UP], {"opCode": "126", "remark": "快件在【顺丰自助柜】待取件"}, S.AVAILABLE_FOR_PICKUP, None),
    (
        "op218",
        [PICKED_UP],
        {"opCode": "218", "remark": "快件已到达【顺丰驿站华景店】，请凭取件码取件"},
        S.AVAILABLE_FOR_PICKUP,
        None,
    ),
    ("op642", [PICKED_UP], {"opCode": "642", "remark": "快件到达指定自取点"}, S.AVAILABLE_FOR_PICKUP, None),
    # signed
    ("op80", [PICKED_UP], SIGNED, S.DELIVERED, None),
    ("op80_self", [PICKED_UP], {"opCode": "80", "remark": "您的快件已派送至本人，感谢使用顺丰"}, S.DELIVERED, None),
    ("op80_locker", [PICKED_UP], SIGNED_LOCKER, S.DELIVERED, SS.DELIVERED_TO_LOCKER),
    (
        "op80_selfservice_locker",
        [PICKED_UP],
        {"opCode": "80", "remark": "已派送至（顺丰自助柜）"},
        S.DELIVERED,
        SS.DELIVERED_TO_LOCKER,
    ),
    (
        "op80_station",
        [PICKED_UP],
        {"opCode": "80", "remark": "您的快件已由【华景新城菜鸟驿站】代收"},
        S.DELIVERED,
        SS.DELIVERED_TO_LOCKER,
    ),
    (
        "op80_doorman",
        [PICKED_UP],
        {"opCode": "80", "remark": "已签收,签收人是：门卫"},
        S.DELIVERED,
        SS.DELIVERED_TO_NEIGHBOR,
    ),
    ("op8000_after_sign", [PICKED_UP, SIGNED], {"opCode": "8000", "remark": SIGN_INFO}, S.DELIVERED, None),
    (
        "op8000_after_locker",
        [PICKED_UP, SIGNED_LOCKER],
        {"opCode": "8000", "remark": SIGN_INFO},
        S.DELIVERED,
        SS.DELIVERED_TO_LOCKER,
    ),
    ("op8000_after_return", [PICKED_UP, BACK], {"opCode": "8000", "remark": "订单结束"}, S.RETURNED, SS.REFUSED),
    (
        "op8000_reason6_lost",
        [PICKED_UP],
        {"opCode": "8000", "remark": "订单结束", "reasonCode": "6"},
        S.EXCEPTION,
        SS.LOST,
    ),
    # failed attempts and problem parcels
    (
        "op33_not_home",
        [PICKED_UP],
        {"opCode": "33", "remark": "派件不成功，收方客户不在，待再次派送"},
        S.ATTEMPT_FAILED,
        SS.RECIPIENT_UNAVAILABLE,
    ),
    (
        "op33_address",
        [PICKED_UP],
        {"opCode": "33", "remark": "快件派送不成功(收方地址不详)，正在联系收件人"},
        S.ATTEMPT_FAILED,
        SS.ADDRESS_ISSUE,
    ),
    (
        "op33_refused",
        [PICKED_UP],
        {"opCode": "33", "remark": "快件派送不成功，收方客户拒收"},
        S.ATTEMPT_FAILED,
        SS.REFUSED,
    ),
    (
        "op70_refused",
        [PICKED_UP],
        {"opCode": "70", "remark": "因收方客户拒收，快件派送不成功"},
        S.ATTEMPT_FAILED,
        SS.REFUSED,
    ),
    (
        "op70_unreachable",
        [PICKED_UP],
        {"opCode": "70", "remark": "收方电话无人接听，快件派送不成功，待再次派送"},
        S.ATTEMPT_FAILED,
        SS.RECIPIENT_UNAVAILABLE,
    ),
    ("op70_generic", [PICKED_UP], {"opCode": "70", "remark": "快件派送不成功，待再次派送"}, S.ATTEMPT_FAILED, SS.OTHER),
    ("op70_problem", [PICKED_UP], {"opCode": "70", "remark": "问题件处理中"}, S.EXCEPTION, SS.OTHER),
    ("op70_damaged", [PICKED_UP], {"opCode": "70", "remark": "快件外包装破损，正在处理"}, S.EXCEPTION, SS.DAMAGED),
    ("op70_lost", [PICKED_UP], {"opCode": "70", "remark": "快件遗失，我们正在核实处理"}, S.EXCEPTION, SS.LOST),
    (
        "op70_bad_address",
        [PICKED_UP],
        {"opCode": "70", "remark": "收件地址错误，无法派送，正在联系寄件人"},
        S.EXCEPTION,
        SS.ADDRESS_ISSUE,
    ),
    ("op70_weather", [PICKED_UP], {"opCode": "70", "remark": "因天气原因，快件延误派送"}, S.EXCEPTION, SS.DELAYED),
    (
        "op70_reason46_cancel",
        [PICKED_UP],
        {"opCode": "70", "remark": "客户取消寄件", "reasonCode": "46"},
        S.EXCEPTION,
        SS.CANCELLED,
    ),
    (
        "op70_reason83_self_pickup",
        [PICKED_UP],
        {"opCode": "70", "remark": "快件转自取，请凭取件码取件", "reasonCode": "83"},
        S.AVAILABLE_FOR_PICKUP,
        None,
    ),
    (
        "op33_reason85_self_pickup",
        [PICKED_UP],
        {"opCode": "33", "remark": "客户要求自取", "reasonCode": "85"},
        S.AVAILABLE_FOR_PICKUP,
        None,
    ),
    # returns and forwarding
    ("op99_return", [PICKED_UP], {"opCode": "99", "remark": "应客户要求，快件正在退回中"}, S.RETURNING, None),
    ("op99_refused", [PICKED_UP], BACK, S.RETURNING, SS.REFUSED),
    ("op99_forward", [PICKED_UP], {"opCode": "99", "remark": "应客户要求，快件正在转寄中"}, S.IN_TRANSIT, None),
    (
        "op648_return",
        [PICKED_UP],
        {"opCode": "648", "remark": "快件已退回，新单号为：SF1400000000001"},
        S.RETURNING,
        None,
    ),
    (
        "op648_refused",
        [PICKED_UP],
        {"opCode": "648", "remark": "收方拒收，快件已退回，新单号为：SF1400000000001"},
        S.RETURNING,
        SS.REFUSED,
    ),
    (
        "op631_new_number",
        [PICKED_UP],
        {"opCode": "631", "remark": "快件退回，新单号：SF1400000000001"},
        S.RETURNING,
        None,
    ),
    ("op517_forward", [PICKED_UP], {"opCode": "517", "remark": "客户申请转寄，新地址已确认"}, S.IN_TRANSIT, None),
    ("op517_return", [PICKED_UP], {"opCode": "517", "remark": "客户申请退回寄件人"}, S.RETURNING, None),
]

# firstStatusCode / secondaryStatusCode on the newest route: they win where they say more (SPEC §2).
STATE_CASES: list[tuple[str, dict[str, Any], Status, SubStatus | None, bool]] = [
    (
        "state_in_transit_same",
        {
            "opCode": "31",
            "remark": "快件到达 【广州白云中转场】",
            "firstStatusCode": "2",
            "firstStatusName": "运送中",
            "secondaryStatusCode": "201",
            "secondaryStatusName": "运送中",
        },
        S.IN_TRANSIT,
        None,
        False,
    ),
    (
        "state_customs",
        {
            "opCode": "31",
            "remark": "快件到达 【上海浦东国际机场】",
            "firstStatusCode": "2",
            "firstStatusName": "运送中",
            "secondaryStatusCode": "204",
            "secondaryStatusName": "清关中",
        },
        S.IN_TRANSIT,
        SS.CUSTOMS_HOLD,
        False,
    ),
    (
        "state_pickup_wait",
        {
            "opCode": "70",
            "remark": "快件派送不成功，待再次派送",
            "firstStatusCode": "11",
            "firstStatusName": "待取件",
            "secondaryStatusCode": "1101",
            "secondaryStatusName": "待取件",
        },
        S.AVAILABLE_FOR_PICKUP,
        None,
        False,
    ),
    (
        "state_out_for_delivery_unknown_op",
        {
            "opCode": "9999",
            "remark": "快件正在派送途中",
            "firstStatusCode": "3",
            "firstStatusName": "派送中",
            "secondaryStatusCode": "301",
            "secondaryStatusName": "派送中",
        },
        S.OUT_FOR_DELIVERY,
        None,
        True,
    ),
    (
        "state_delivered",
        {
            **SIGNED,
            "firstStatusCode": "4",
            "firstStatusName": "已签收",
            "secondaryStatusCode": "401",
            "secondaryStatusName": "已签收",
        },
        S.DELIVERED,
        None,
        False,
    ),
    (
        "state_awaiting_pickup",
        {
            "opCode": "655",
            "remark": "顺丰合作点【名居广场驿站店】已代收",
            "firstStatusCode": "7",
            "firstStatusName": "待揽收",
            "secondaryStatusCode": "701",
            "secondaryStatusName": "待揽收",
        },
        S.INFO_RECEIVED,
        None,
        False,
    ),
    (
        "state_returned_name",
        {
            "opCode": "31",
            "remark": "快件到达 【深圳华南陆运枢纽】",
            "firstStatusCode": "-",
            "firstStatusName": "已退回",
            "secondaryStatusCode": "-",
            "secondaryStatusName": "-",
        },
        S.RETURNING,
        None,
        False,
    ),
]


def _route(at: int, route: dict[str, Any]) -> dict[str, Any]:
    return {"acceptTime": f"2026-11-19 {8 + at:02d}:00:00", "acceptAddress": "广州市", **route}


def _routes_reply(routes: list[dict[str, Any]], number: str = NUMBER) -> Reply:
    data = {
        "success": True,
        "errorCode": "S0000",
        "errorMsg": None,
        "msgData": {"routeResps": [{"mailNo": number, "routes": routes}]},
    }
    body = {
        "apiErrorMsg": "",
        "apiResponseID": "000001",
        "apiResultCode": "A1000",
        "apiResultData": json.dumps(data, ensure_ascii=False),
    }
    return Reply(200, body)


def _doc_pull(
    name: str,
    before: list[dict[str, Any]],
    route: dict[str, Any],
    status: Status,
    sub: SubStatus | None,
    unmapped: bool = False,
) -> PullCase:
    routes = [_route(i, r) for i, r in enumerate([*before, route])]
    return PullCase(
        "sf_express",
        f"doc_{name}",
        CONFIG,
        ONE,
        _routes_reply(routes),
        {NUMBER: Parcel(status, sub, unmapped=unmapped)},
    )


PULL_CASES = [
    _case("delivered", "delivered.json", {NUMBER: Parcel(S.DELIVERED, events=5)}, check_request=_signed_by_the_doc),
    _case(
        "in_transit",
        "in_transit.json",
        {NUMBER: Parcel(S.IN_TRANSIT), "SF1234567890124": Parcel(S.IN_TRANSIT, SS.CUSTOMS_HOLD)},
        TWO,
    ),
    _case("exception", "exception.json", {NUMBER: Parcel(S.EXCEPTION, SS.CUSTOMS_HOLD)}),
    _case("not_found", "not_found.json", {NUMBER: "not_found"}),
    _case("unmapped_code", "unmapped.json", {NUMBER: Parcel(S.UNKNOWN, unmapped=True)}),
    PullCase(
        "sf_express",
        "bad_digest_A1006",
        CONFIG,
        ONE,
        Reply(200, {"apiResultCode": "A1006", "apiErrorMsg": "数字签名无效"}),
        AuthError,
    ),
    PullCase(
        "sf_express",
        "truncated_result_data",
        CONFIG,
        ONE,
        Reply(200, {"apiResultCode": "A1000", "apiResultData": '{"success": true, "msgData": {"rou'}),
        BadResponse,
    ),
    PullCase(
        "sf_express",
        "route_without_time",
        CONFIG,
        ONE,
        _routes_reply([{"opCode": "80", "remark": "已签收"}]),
        BadResponse,
    ),
    *http_error_cases("sf_express", CONFIG, ONE),
    *[_doc_pull(*row) for row in DOC_CASES],
    *[_doc_pull(name, [PICKED_UP], route, status, sub, unmapped) for name, route, status, sub, unmapped in STATE_CASES],
]


def _push_body(
    routes: list[dict[str, Any]], check_word: str = "CHECKWORD", stamp: str = str(PUSHED_AT_MS)
) -> tuple[dict[str, str], bytes]:
    msg = json.dumps({"Body": {"WaybillRoute": routes}}, ensure_ascii=False)
    form = {
        "partnerID": "PARTNER",
        "requestID": "r1",
        "serviceCode": "RoutePushService",
        "timestamp": stamp,
        "msgData": msg,
        "msgDigest": _digest(msg, stamp, check_word),
    }
    return {"Content-Type": "application/x-www-form-urlencoded"}, urlencode(form).encode()


def _waybill(at: int, route: dict[str, Any], number: str = NUMBER) -> dict[str, Any]:
    return {"mailno": number, "orderid": "ORDER-1", "id": f"{number}-{at}", **_route(at, route)}


def _push(name: str, routes: list[dict[str, Any]], expect: dict[str, Parcel]) -> PushCase:
    return PushCase("sf_express", name, CONFIG, *_push_body(routes), expect)


def _push_family(name: str, route: dict[str, Any], status: Status, sub: SubStatus | None) -> PushCase:
    return _push(f"family_{name}", [_waybill(0, PICKED_UP), _waybill(1, route)], {NUMBER: Parcel(status, sub)})


PUSH_CASES = [
    _push("good_signature", [_waybill(9, SIGNED)], {NUMBER: Parcel(S.DELIVERED)}),
    PushCase("sf_express", "bad_signature", CONFIG, *_push_body([_waybill(9, SIGNED)], "WRONG"), AuthError),
    PushCase(
        "sf_express",
        "garbage",
        CONFIG,
        {},
        urlencode(
            {"msgData": "{x", "timestamp": str(PUSHED_AT_MS), "msgDigest": _digest("{x", str(PUSHED_AT_MS))}
        ).encode(),
        BadResponse,
    ),
    # A correctly signed push replayed later than the window (an hour after it was signed), or signed for the
    # future, or with a timestamp that is not a number: refused like a bad signature.
    PushCase(
        "sf_express",
        "replayed_an_hour_later",
        CONFIG,
        *_push_body([_waybill(9, SIGNED)], stamp=str(PUSHED_AT_MS - 3_600_000)),
        AuthError,
    ),
    PushCase(
        "sf_express",
        "signed_for_the_future",
        CONFIG,
        *_push_body([_waybill(9, SIGNED)], stamp=str(PUSHED_AT_MS + 3_600_000)),
        AuthError,
    ),
    PushCase(
        "sf_express", "timestamp_not_a_number", CONFIG, *_push_body([_waybill(9, SIGNED)], stamp="soon"), AuthError
    ),
    _push(
        "two_waybills",
        [_waybill(1, PICKED_UP), _waybill(2, SIGNED, "SF1234567890124")],
        {NUMBER: Parcel(S.IN_TRANSIT), "SF1234567890124": Parcel(S.DELIVERED)},
    ),
    _push(
        "unknown_code",
        [_waybill(1, {"opCode": "9999", "remark": "未知操作"})],
        {NUMBER: Parcel(S.UNKNOWN, unmapped=True)},
    ),
    _push_family(
        "info_received", {"opCode": "655", "remark": "顺丰合作点【名居广场驿站店】已代收"}, S.INFO_RECEIVED, None
    ),
    _push_family("in_transit", {"opCode": "31", "remark": "快件到达 【广州白云中转场】"}, S.IN_TRANSIT, None),
    _push_family(
        "out_for_delivery", {"opCode": "204", "remark": "快件交给王师傅，正在派送途中"}, S.OUT_FOR_DELIVERY, None
    ),
    _push_family(
        "pickup_point",
        {"opCode": "125", "remark": "快件已存放至【丰巢智能柜】，请凭取件码取件"},
        S.AVAILABLE_FOR_PICKUP,
        None,
    ),
    _push_family("delivered_locker", SIGNED_LOCKER, S.DELIVERED, SS.DELIVERED_TO_LOCKER),
    _push_family(
        "attempt_failed",
        {"opCode": "33", "remark": "派件不成功", "reasonName": "收方客户不在"},
        S.ATTEMPT_FAILED,
        SS.RECIPIENT_UNAVAILABLE,
    ),
    _push_family("damaged", {"opCode": "70", "remark": "快件异常", "reasonName": "快件破损"}, S.EXCEPTION, SS.DAMAGED),
    _push_family("cancelled", {"opCode": "70", "remark": "订单取消", "reasonCode": "46"}, S.EXCEPTION, SS.CANCELLED),
    _push_family("returning_refused", BACK, S.RETURNING, SS.REFUSED),
    _push(
        "family_returned",
        [_waybill(0, PICKED_UP), _waybill(1, BACK), _waybill(2, {"opCode": "8000", "remark": "订单结束"})],
        {NUMBER: Parcel(S.RETURNED, SS.REFUSED)},
    ),
]
