"""SF Express (顺丰) open platform: route query ``EXP_RECE_SEARCH_ROUTES`` and route push.

Followed: SF open platform docs (https://open.sf-express.com/Api/ApiDetails?apiServiceCode=EXP_RECE_SEARCH_ROUTES
and the 路由推送 RoutePushService page): form fields ``partnerID``, ``requestID``, ``serviceCode``,
``timestamp``, ``msgData``, ``msgDigest`` = Base64(MD5(urlencode(msgData + timestamp + checkWord)))
with Java URLEncoder semantics; ``apiResultCode`` A1000 is success and ``apiResultData`` is a JSON
string carrying ``msgData.routeResps[].routes[]`` (``acceptTime``, ``acceptAddress``, ``remark``, ``opCode``).
Times are naive Asia/Shanghai. ``checkPhoneNo`` carries the buyer phone's last 4 digits.
The opCode table, reason codes and the ``firstStatusCode``/``secondaryStatusCode`` fields of newer answers
live in ``carriers/sf_express_codes.py`` (sources cited there); a route's status fields win where they say
more than its opCode (``with_carrier_state``), and 8000 (order closed) takes the outcome it closes.
A route push is refused unless its signed ``timestamp`` is within ``push_max_age_seconds`` (15 min) of now: a
captured push cannot be replayed later. (The other carriers sign only the body; their replays are absorbed by
event dedupe.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, quote_plus

import httpx

from carriers.base import SHANGHAI, CarrierConfig, decode_json, parse_local_time, send, with_carrier_state
from carriers.errors import AuthError, BadResponse, CarrierUnavailable, NotFound, RateLimited
from carriers.sf_express_codes import classify, route_state
from schemas import CarrierEvent, Status, SubStatus, TrackingQuery, TrackingResult

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
    needs_phone = True  # checkPhoneNo: routes of a waybill not on our monthly account need a phone's last 4

    def __init__(self, config: CarrierConfig) -> None:
        self._url = config.base_url.rstrip("/") + "/std/service"
        self._partner = config.partner_id or ""
        self._check_word = config.check_word or ""
        self._max_age = config.push_max_age_seconds
        self._clock = config.clock

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
                out[number] = self._result(number, routes) if routes else NotFound(self.code, f"{number}: no routes")
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(self.code, f"unexpected shape: {exc}") from exc
        return out

    def _result(self, number: str, routes: list[dict[str, Any]]) -> TrackingResult:
        """Events of one waybill; 8000 closes the outcome before it; the newest route's status fields may add one."""
        events = _close_orders([self._event(r) for r in routes])
        newest, route = max(zip(events, routes, strict=True), key=lambda pair: pair[0].occurred_at)
        state = route_state(route)
        if state is not None and state[1] is None and newest.sub_status not in (None, SubStatus.OTHER):
            state = None  # the scan's reason (damaged, refused …) says more than a bare phase
        elif state == (Status.RETURNING, None) and newest.status is Status.DELIVERED:
            state = (Status.RETURNED, None)  # 已退回 and signed: the sender has it back
        code = str(route.get("secondaryStatusCode") or route.get("firstStatusCode") or "")
        if code in ("", "-"):
            code = str(route.get("firstStatusName") or "")
        name = str(route.get("secondaryStatusName") or route.get("firstStatusName") or "")
        return TrackingResult(number, with_carrier_state(events, state, code, name if name != "-" else ""))

    def _event(self, route: dict[str, Any]) -> CarrierEvent:
        code = str(route.get("opCode") or route.get("opcode") or "")
        remark = str(route.get("remark") or "")
        pair = classify(code, remark, str(route.get("reasonCode") or ""), str(route.get("reasonName") or ""))
        status, sub_status = pair if pair is not None else (Status.UNKNOWN, None)
        return CarrierEvent(
            occurred_at=parse_local_time(route["acceptTime"], self.zone, self.code),
            status=status,
            sub_status=sub_status,
            carrier_code=code or "none",
            description=remark,
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
        # The digest signs the timestamp: a push older (or newer) than the window is a replay, refused.
        try:
            age = abs(self._clock() - int(stamp) / 1000)
        except ValueError as exc:
            raise AuthError(self.code, f"route push timestamp {stamp!r} is not epoch milliseconds") from exc
        if age > self._max_age:
            raise AuthError(
                self.code, f"route push timestamp is {age:.0f} s away from now (window {self._max_age:.0f} s)"
            )
        payload = decode_json(self.code, msg_data.encode())
        try:
            by_number: dict[str, list[dict[str, Any]]] = {}
            for route in payload["Body"]["WaybillRoute"]:
                by_number.setdefault(route["mailno"], []).append(route)
            return [self._result(number, routes) for number, routes in by_number.items()]
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(self.code, f"unexpected push shape: {exc}") from exc

    def push_reply(self) -> tuple[int, str, bytes]:
        return (
            200,
            "application/json",
            json.dumps({"return_code": "0000", "return_msg": "成功"}, ensure_ascii=False).encode(),
        )


def _close_orders(events: list[CarrierEvent]) -> list[CarrierEvent]:
    """8000 closes the order: after 80 it is the delivery (same sub-status), after 99/648 the return is done.

    Without an earlier outcome in the same answer or push it stays 已签收 (its remark names the signer).
    """
    out = []
    for event in events:
        if event.carrier_code == "8000" and (event.status, event.sub_status) == (Status.DELIVERED, None):
            before = [e for e in events if e.carrier_code != "8000" and e.occurred_at <= event.occurred_at]
            last = max(before, key=lambda e: e.occurred_at, default=None)
            if last is not None and last.status is Status.DELIVERED:
                event = replace(event, sub_status=last.sub_status)
            elif last is not None and last.status in (Status.RETURNING, Status.RETURNED):
                event = replace(event, status=Status.RETURNED, sub_status=last.sub_status)
        out.append(event)
    return out
