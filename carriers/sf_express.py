"""SF Express (顺丰) open platform: route query ``EXP_RECE_SEARCH_ROUTES`` and route push.

Followed: SF open platform docs (https://open.sf-express.com/Api/ApiDetails?apiServiceCode=EXP_RECE_SEARCH_ROUTES
and the 路由推送 RoutePushService page): form fields ``partnerID``, ``requestID``, ``serviceCode``,
``timestamp``, ``msgData``, ``msgDigest`` = Base64(MD5(urlencode(msgData + timestamp + checkWord)))
with Java URLEncoder semantics; ``apiResultCode`` A1000 is success and ``apiResultData`` is a JSON
string carrying ``msgData.routeResps[].routes[]`` (``acceptTime``, ``acceptAddress``, ``remark``, ``opCode``).
Times are naive Asia/Shanghai. ``checkPhoneNo`` carries the buyer phone's last 4 digits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, quote_plus

import httpx

from carriers.base import SHANGHAI, CarrierConfig, decode_json, parse_local_time, send
from carriers.errors import AuthError, BadResponse, CarrierUnavailable, NotFound, RateLimited
from schemas import CarrierEvent, Status, SubStatus, TrackingQuery, TrackingResult

S, SS = Status, SubStatus
# Route opCodes (路由操作码) → canonical.
CODE_TABLE: dict[str, tuple[Status, SubStatus | None]] = {
    "50": (S.IN_TRANSIT, None),  # 顺丰已收取快件
    "54": (S.IN_TRANSIT, None),  # 上门收件
    "30": (S.IN_TRANSIT, None),  # 快件在中转/已发车
    "31": (S.IN_TRANSIT, None),  # 快件到达中转场
    "36": (S.IN_TRANSIT, None),  # 快件装车
    "3036": (S.IN_TRANSIT, None),
    "105": (S.IN_TRANSIT, None),  # 航空起飞
    "106": (S.IN_TRANSIT, None),  # 航空落地
    "44": (S.OUT_FOR_DELIVERY, None),  # 正在派送途中
    "204": (S.OUT_FOR_DELIVERY, None),  # 派件员已派件
    "125": (S.AVAILABLE_FOR_PICKUP, None),  # 快件已存放至丰巢/驿站
    "130": (S.AVAILABLE_FOR_PICKUP, None),  # 快件到达顺丰店/站
    "80": (S.DELIVERED, None),  # 已签收
    "8000": (S.DELIVERED, None),  # 签收(快递柜/驿站取件)
    "33": (S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE),  # 派件不成功, 收方客户不在
    "70": (S.EXCEPTION, SS.OTHER),  # 问题件
    "99": (S.RETURNING, None),  # 应客户要求退回
    "648": (S.RETURNING, None),  # 退回件
    "605": (S.IN_TRANSIT, SS.CUSTOMS_HOLD),  # 清关中
    "606": (S.IN_TRANSIT, None),  # 清关完成
    "607": (S.EXCEPTION, SS.CUSTOMS_HOLD),  # 海关查验/清关异常
}
_AUTH = {"A1002", "A1003", "A1004", "A1006", "A1008"}
_BUSY = {"A1009", "A1099"}


def java_urlencode(text: str) -> str:
    """Java's URLEncoder.encode(text, "UTF-8"): space → '+', keeps ``A-Za-z0-9.-*_``."""
    return quote_plus(text, safe="*")


def digest(msg_data: str, timestamp: str, check_word: str) -> str:
    md5 = hashlib.md5(java_urlencode(msg_data + timestamp + check_word).encode()).digest()  # noqa: S324
    return base64.b64encode(md5).decode()


class SfExpressAdapter:
    code = "sf_express"
    zone = SHANGHAI
    max_batch = 10
    needs_phone = True

    def __init__(self, config: CarrierConfig) -> None:
        self._url = config.base_url.rstrip("/") + "/std/service"
        self._partner = config.partner_id or ""
        self._check_word = config.check_word or ""

    def query_form(self, queries: Sequence[TrackingQuery], timestamp: str | None = None) -> dict[str, str]:
        msg: dict[str, Any] = {
            "language": "zh-CN",
            "trackingType": "1",
            "methodType": "1",
            "trackingNumber": [q.tracking_number for q in queries],
        }
        phone = next((q.phone_last4 for q in queries if q.phone_last4), None)
        if phone:
            msg["checkPhoneNo"] = phone
        msg_data = json.dumps(msg, ensure_ascii=False, separators=(",", ":"))
        stamp = timestamp or str(int(time.time() * 1000))
        return {
            "partnerID": self._partner,
            "requestID": str(uuid.uuid4()),
            "serviceCode": "EXP_RECE_SEARCH_ROUTES",
            "timestamp": stamp,
            "msgData": msg_data,
            "msgDigest": digest(msg_data, stamp, self._check_word),
        }

    async def track(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> Mapping[str, TrackingResult | NotFound]:
        response = await send(self.code, client, client.build_request("POST", self._url, data=self.query_form(queries)))
        results = self.parse(response.content)
        for query in queries:
            results.setdefault(query.tracking_number, NotFound(self.code, f"{query.tracking_number}: no routes"))
        return results

    def parse(self, content: bytes) -> dict[str, TrackingResult | NotFound]:
        body = decode_json(self.code, content)
        try:
            code = body["apiResultCode"]
            if code in _AUTH:
                raise AuthError(self.code, f"{code}: {body.get('apiErrorMsg', '')}")
            if code == "A1005":
                raise RateLimited(self.code, "A1005 flow controlled")
            if code in _BUSY:
                raise CarrierUnavailable(self.code, f"{code}: {body.get('apiErrorMsg', '')}")
            if code != "A1000":
                raise BadResponse(self.code, f"{code}: {body.get('apiErrorMsg', '')}")
            data = decode_json(self.code, body["apiResultData"].encode())
            if not data.get("success"):
                raise BadResponse(self.code, f"{data.get('errorCode')}: {data.get('errorMsg')}")
            out: dict[str, TrackingResult | NotFound] = {}
            for resp in data["msgData"]["routeResps"]:
                number = resp["mailNo"]
                routes = resp.get("routes") or []
                out[number] = (
                    TrackingResult(number, [self._event(r) for r in routes])
                    if routes
                    else NotFound(self.code, f"{number}: no routes")
                )
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(self.code, f"unexpected shape: {exc}") from exc
        return out

    def _event(self, route: dict[str, Any]) -> CarrierEvent:
        code = str(route.get("opCode", ""))
        status, sub_status = CODE_TABLE.get(code, (Status.UNKNOWN, None))
        return CarrierEvent(
            occurred_at=parse_local_time(route["acceptTime"], self.zone, self.code),
            status=status,
            sub_status=sub_status,
            carrier_code=code or "none",
            description=route.get("remark", ""),
            location=route.get("acceptAddress") or None,
        )

    def parse_push(self, headers: Mapping[str, str], body: bytes) -> list[TrackingResult]:
        """Route push: the signed envelope with ``serviceCode=RoutePushService``, ``{"Body":{"WaybillRoute":[…]}}``."""
        try:
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        except UnicodeDecodeError as exc:
            raise BadResponse(self.code, "push is not form-encoded text") from exc
        msg_data, stamp = form.get("msgData", ""), form.get("timestamp", "")
        expected = digest(msg_data, stamp, self._check_word)
        if not self._check_word or not hmac.compare_digest(expected, form.get("msgDigest", "")):
            raise AuthError(self.code, "route push msgDigest does not verify")
        payload = decode_json(self.code, msg_data.encode())
        try:
            by_number: dict[str, list[CarrierEvent]] = {}
            for route in payload["Body"]["WaybillRoute"]:
                by_number.setdefault(route["mailno"], []).append(self._event(route))
        except (KeyError, TypeError) as exc:
            raise BadResponse(self.code, f"unexpected push shape: {exc}") from exc
        return [TrackingResult(number, events) for number, events in by_number.items()]

    def push_reply(self) -> tuple[int, str, bytes]:
        return (
            200,
            "application/json",
            json.dumps({"return_code": "0000", "return_msg": "成功"}, ensure_ascii=False).encode(),
        )
