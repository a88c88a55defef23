"""Kuaidi100 (快递100) aggregator: real-time query, subscription and callback.

Followed: Kuaidi100 API docs — 实时快递查询接口 ``POST https://poll.kuaidi100.com/poll/query.do``
(https://api.kuaidi100.com/document/5f0ffb5ebc8da837cbd8aefc), 订阅推送 ``POST /poll`` and the
callback (https://api.kuaidi100.com/document/5f0ffa8f2977d50a94e1023c): ``sign`` =
upper(MD5(param + key + customer)) for queries, upper(MD5(param + salt)) for callbacks;
``resultv2=4`` adds the high-level sub-state ``statusCode`` to every trace.
Times are naive Asia/Shanghai. The ``com`` code (e.g. ``shunfeng``) is kept as the sub-carrier.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs

import httpx

from carriers.base import SHANGHAI, CarrierConfig, decode_json, parse_local_time, send
from carriers.errors import AuthError, BadResponse, CarrierUnavailable, NotFound, RateLimited
from schemas import CarrierEvent, Status, SubStatus, TrackingQuery, TrackingResult

S, SS = Status, SubStatus
# Top-level ``state`` and resultv2=4 ``statusCode`` → canonical. statusCode wins when present.
CODE_TABLE: dict[str, tuple[Status, SubStatus | None]] = {
    "0": (S.IN_TRANSIT, None),
    "1001": (S.IN_TRANSIT, None),
    "1002": (S.IN_TRANSIT, None),
    "1003": (S.IN_TRANSIT, None),
    "1": (S.IN_TRANSIT, None),
    "101": (S.INFO_RECEIVED, None),
    "102": (S.INFO_RECEIVED, None),
    "103": (S.IN_TRANSIT, None),
    "5": (S.OUT_FOR_DELIVERY, None),
    "501": (S.AVAILABLE_FOR_PICKUP, None),
    "3": (S.DELIVERED, None),
    "301": (S.DELIVERED, None),
    "302": (S.DELIVERED, None),
    "303": (S.DELIVERED, SS.DELIVERED_TO_NEIGHBOR),
    "304": (S.DELIVERED, SS.DELIVERED_TO_LOCKER),
    "6": (S.RETURNING, None),
    "4": (S.RETURNED, SS.REFUSED),
    "401": (S.EXCEPTION, SS.CANCELLED),
    "14": (S.RETURNING, SS.REFUSED),
    "7": (S.IN_TRANSIT, None),
    "2": (S.EXCEPTION, SS.OTHER),
    "201": (S.EXCEPTION, SS.DELAYED),
    "202": (S.EXCEPTION, SS.DELAYED),
    "203": (S.RETURNING, SS.REFUSED),
    "204": (S.ATTEMPT_FAILED, SS.OTHER),
    "205": (S.AVAILABLE_FOR_PICKUP, SS.HELD_AT_CARRIER),
    "206": (S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE),
    "207": (S.EXCEPTION, SS.ADDRESS_ISSUE),
    "208": (S.EXCEPTION, SS.HELD_AT_CARRIER),
    "209": (S.EXCEPTION, SS.DAMAGED),
    "210": (S.EXCEPTION, SS.CANCELLED),
    "8": (S.IN_TRANSIT, SS.CUSTOMS_HOLD),
    "10": (S.IN_TRANSIT, SS.CUSTOMS_HOLD),
    "11": (S.IN_TRANSIT, SS.CUSTOMS_HOLD),
    "12": (S.IN_TRANSIT, None),
    "13": (S.EXCEPTION, SS.CUSTOMS_HOLD),
}
_AUTH_CODES = {"503", "601"}  # bad sign / key expired or out of balance
_BUSY_CODES = {"501", "502"}
_NOT_FOUND_CODES = {"500"}  # 查询无结果，请隔段时间再查


def _md5_upper(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest().upper()  # noqa: S324 - the carrier's signing scheme


class Kuaidi100Adapter:
    code = "kuaidi100"
    zone = SHANGHAI
    max_batch = 1
    needs_phone = True

    def __init__(self, config: CarrierConfig) -> None:
        self._base = config.base_url.rstrip("/")
        self._key = config.key or ""
        self._customer = config.customer or ""
        self._salt = config.secret or ""

    def query_form(self, query: TrackingQuery) -> dict[str, str]:
        param: dict[str, Any] = {"com": query.sub_carrier or "auto", "num": query.tracking_number, "resultv2": "4"}
        if query.phone_last4:
            param["phone"] = query.phone_last4
        text = json.dumps(param, ensure_ascii=False, separators=(",", ":"))
        return {"customer": self._customer, "sign": _md5_upper(text + self._key + self._customer), "param": text}

    async def track(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> Mapping[str, TrackingResult | NotFound]:
        out: dict[str, TrackingResult | NotFound] = {}
        for query in queries:
            request = client.build_request("POST", f"{self._base}/poll/query.do", data=self.query_form(query))
            response = await send(self.code, client, request)
            out[query.tracking_number] = self.parse_one(query.tracking_number, response.content)
        return out

    def parse(self, content: bytes) -> dict[str, TrackingResult | NotFound]:
        """Parse a query answer (or a callback's ``lastResult``) keyed by number."""
        body = decode_json(self.code, content)
        number = str(body.get("nu", "")) if isinstance(body, dict) else ""
        return {number: self.parse_one(number, content)}

    def parse_one(self, number: str, content: bytes) -> TrackingResult | NotFound:
        body = decode_json(self.code, content)
        if not isinstance(body, dict):
            raise BadResponse(self.code, "answer is not an object")
        if body.get("result") is False or ("returnCode" in body and "data" not in body):
            code = str(body.get("returnCode", ""))
            message = str(body.get("message", ""))
            if code in _NOT_FOUND_CODES:
                return NotFound(self.code, f"{number}: {message}")
            if code in _AUTH_CODES:
                raise AuthError(self.code, f"returnCode {code}: {message}")
            if code in _BUSY_CODES:
                raise CarrierUnavailable(self.code, f"returnCode {code}: {message}")
            if code == "429":
                raise RateLimited(self.code, message)
            raise BadResponse(self.code, f"returnCode {code}: {message}")
        return self._result(body)

    def _result(self, body: dict[str, Any]) -> TrackingResult:
        try:
            state = str(body.get("state", ""))
            events = [self._event(trace, state) for trace in body["data"]]
            return TrackingResult(tracking_number=str(body["nu"]), events=events, sub_carrier=body.get("com"))
        except (KeyError, TypeError) as exc:
            raise BadResponse(self.code, f"unexpected shape: missing {exc}") from exc

    def _event(self, trace: dict[str, Any], state: str) -> CarrierEvent:
        code = str(trace.get("statusCode") or state)
        status, sub_status = CODE_TABLE.get(code, (Status.UNKNOWN, None))
        return CarrierEvent(
            occurred_at=parse_local_time(trace.get("ftime") or trace["time"], self.zone, self.code),
            status=status,
            sub_status=sub_status,
            carrier_code=code,
            description=trace.get("context", ""),
            location=trace.get("areaName") or trace.get("location") or None,
        )

    async def subscribe(self, client: httpx.AsyncClient, query: TrackingQuery, callback_url: str) -> None:
        """Ask Kuaidi100 to push updates of ``query`` to ``callback_url``."""
        parameters: dict[str, str] = {"callbackurl": callback_url, "salt": self._salt, "resultv2": "4"}
        if query.phone_last4:
            parameters["phone"] = query.phone_last4
        param = {
            "company": query.sub_carrier or "auto",
            "number": query.tracking_number,
            "key": self._key,
            "parameters": parameters,
        }
        form = {"schema": "json", "param": json.dumps(param, ensure_ascii=False, separators=(",", ":"))}
        response = await send(self.code, client, client.build_request("POST", f"{self._base}/poll", data=form))
        body = decode_json(self.code, response.content)
        if not isinstance(body, dict) or body.get("result") is not True:
            code = str(body.get("returnCode", "")) if isinstance(body, dict) else ""
            if code in _AUTH_CODES:
                raise AuthError(self.code, f"subscribe refused: {code}")
            raise BadResponse(self.code, f"subscribe refused: {code}")

    def parse_push(self, headers: Mapping[str, str], body: bytes) -> list[TrackingResult]:
        """Callback: form fields ``param`` (JSON with ``lastResult``) and ``sign`` = upper(MD5(param + salt))."""
        try:
            form = parse_qs(body.decode(), strict_parsing=False)
        except UnicodeDecodeError as exc:
            raise BadResponse(self.code, "callback is not form-encoded text") from exc
        param = (form.get("param") or [""])[0]
        sign = (form.get("sign") or [""])[0]
        if not self._salt or not hmac.compare_digest(_md5_upper(param + self._salt), sign.upper()):
            raise AuthError(self.code, "callback sign does not verify")
        payload = decode_json(self.code, param.encode())
        if not isinstance(payload, dict) or not isinstance(payload.get("lastResult"), dict):
            raise BadResponse(self.code, "callback without lastResult")
        return [self._result(payload["lastResult"])]

    def push_reply(self) -> tuple[int, str, bytes]:
        return (
            200,
            "application/json",
            json.dumps({"result": True, "returnCode": "200", "message": "成功"}, ensure_ascii=False).encode(),
        )
