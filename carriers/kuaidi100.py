"""Kuaidi100 (快递100) aggregator: real-time query, subscription and callback, number recognition.

Followed: Kuaidi100 API docs — 实时快递查询接口 ``POST https://poll.kuaidi100.com/poll/query.do``
(https://api.kuaidi100.com/document/5f0ffb5ebc8da837cbd8aefc), 订阅 ``POST /poll``
(https://apifox.com/apidoc/project-514987/api-8567477, return codes as in the 信息推送 guide
https://cloud.tencent.com/developer/article/1828132), the callback (推送接口,
https://apifox.com/apidoc/project-514987/api-8575995) and 智能单号识别 ``autonumber/auto``
(https://api.kuaidi100.com/document/5f1106542977d50a94e10241).
``sign`` = upper(MD5(param + key + customer)) for queries, upper(MD5(param + salt)) for callbacks;
``resultv2=4`` adds the high-level sub-state ``statusCode`` to every trace, and the top-level ``state`` is the
carrier's computed state: when it says more than the newest trace (超时未签收 over a 派件 scan), it is added as the
newest event (``carriers.base.with_carrier_state``). The code table is ``carriers.kuaidi100_codes``.
Times are naive Asia/Shanghai. The ``com`` code (e.g. ``shunfeng``) is kept as the sub-carrier.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from carriers import kuaidi100_codes as codes
from carriers.base import (
    SHANGHAI,
    CarrierConfig,
    CarrierError,
    decode_json,
    parse_local_time,
    send,
    with_carrier_state,
)
from carriers.errors import AuthError, BadResponse, CarrierUnavailable, NotFound, RateLimited
from schemas import CarrierEvent, Status, TrackingQuery, TrackingResult

# The recognition API lives on the consumer host, not on poll.kuaidi100.com; other base URLs (sandboxes,
# tests) serve it under their own root.
OFFICIAL_POLL_HOST = "poll.kuaidi100.com"
OFFICIAL_AUTONUMBER_URL = "https://www.kuaidi100.com/autonumber/auto"


def _md5_upper(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest().upper()  # noqa: S324 - the carrier's signing scheme


class Kuaidi100Adapter:
    code = "kuaidi100"
    zone = SHANGHAI
    max_batch = 1
    max_subscribe_batch = 1  # ``poll`` takes one number a request
    needs_phone = True  # 顺丰速运, 顺丰快运, 中通 require the phone (last 4 digits accepted)

    def __init__(self, config: CarrierConfig) -> None:
        self._base = config.base_url.rstrip("/")
        self._key = config.key or ""
        self._customer = config.customer or ""
        self._salt = config.secret or ""
        official = urlsplit(self._base).hostname == OFFICIAL_POLL_HOST
        self._autonumber_url = OFFICIAL_AUTONUMBER_URL if official else f"{self._base}/autonumber/auto"

    # -- real-time query ------------------------------------------------------------------------------------

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
            if code in codes.QUERY_NOT_FOUND:
                return NotFound(self.code, f"{number}: {message}")
            if code in codes.QUERY_AUTH:
                raise AuthError(self.code, f"returnCode {code}: {message}")
            if code in codes.QUERY_BUSY:
                raise CarrierUnavailable(self.code, f"returnCode {code}: {message}")
            if code == "429":
                raise RateLimited(self.code, message)
            raise BadResponse(self.code, f"returnCode {code}: {message}")
        return self._result(body)

    def _result(self, body: dict[str, Any], *, traces_optional: bool = False) -> TrackingResult:
        """Events of one answer; a callback's ``lastResult`` may come without traces (``abort``)."""
        try:
            state = str(body.get("state", ""))
            traces = (body.get("data") or []) if traces_optional else body["data"]
            events = [self._event(trace, state) for trace in traces]
            flagged = codes.CODES.get(state)
            newest = max(events, key=lambda e: e.occurred_at).carrier_code if events else ""
            if flagged is not None and codes.PARENT.get(newest) != state:
                description = f"{flagged.name}：{flagged.meaning}"
                events = with_carrier_state(events, (flagged.status, flagged.sub_status), state, description)
            return TrackingResult(tracking_number=str(body["nu"]), events=events, sub_carrier=body.get("com") or None)
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(self.code, f"unexpected shape: {exc!r}") from exc

    def _event(self, trace: dict[str, Any], state: str) -> CarrierEvent:
        # resultv2=4 gives statusCode, resultv2=1 only the state's name; without either the answer's state stands.
        code = str(trace.get("statusCode") or codes.CODE_BY_NAME.get(str(trace.get("status") or ""), "") or state)
        known = codes.CODES.get(code)
        return CarrierEvent(
            occurred_at=parse_local_time(trace.get("ftime") or trace["time"], self.zone, self.code),
            status=known.status if known else Status.UNKNOWN,
            sub_status=known.sub_status if known else None,
            carrier_code=code,
            description=trace.get("context", ""),
            location=trace.get("areaName") or trace.get("location") or None,
        )

    # -- subscription (SPEC §10) ----------------------------------------------------------------------------

    def subscribe_form(self, query: TrackingQuery, callback_url: str) -> dict[str, str]:
        parameters: dict[str, str] = {"callbackurl": callback_url, "salt": self._salt, "resultv2": "4"}
        if not query.sub_carrier:
            parameters["autoCom"] = "1"  # the doc: with autoCom=1 the company must be empty
        if query.phone_last4:
            parameters["phone"] = query.phone_last4
        param = {
            "company": query.sub_carrier or "",
            "number": query.tracking_number,
            "key": self._key,
            "parameters": parameters,
        }
        return {"schema": "json", "param": json.dumps(param, ensure_ascii=False, separators=(",", ":"))}

    async def subscribe(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery], callback_url: str
    ) -> Mapping[str, CarrierError | None]:
        """Ask Kuaidi100 to push updates of every query to ``callback_url``; ``None`` per accepted number."""
        out: dict[str, CarrierError | None] = {}
        for query in queries:
            form = self.subscribe_form(query, callback_url)
            response = await send(self.code, client, client.build_request("POST", f"{self._base}/poll", data=form))
            out[query.tracking_number] = self.parse_subscribe(query.tracking_number, response.content)
        return out

    def parse_subscribe(self, number: str, content: bytes) -> CarrierError | None:
        """One ``poll`` answer ``{result, returnCode, message}``: None when accepted (501 重复订阅 included)."""
        body = decode_json(self.code, content)
        if not isinstance(body, dict) or ("returnCode" not in body and "result" not in body):
            raise BadResponse(self.code, "subscribe answer without result / returnCode")
        code = str(body.get("returnCode", ""))
        detail = f"{number}: subscribe returnCode {code}: {body.get('message', '')}"
        if body.get("result") is True or code in codes.SUBSCRIBE_ACCEPTED:
            return None
        if code in codes.SUBSCRIBE_AUTH:
            raise AuthError(self.code, detail)
        if code in codes.SUBSCRIBE_BUSY:
            raise CarrierUnavailable(self.code, detail)
        if code in codes.SUBSCRIBE_UNKNOWN_NUMBER:
            return NotFound(self.code, detail)
        return BadResponse(self.code, detail)  # 700 bad data / callback url, 701 company refused, anything else

    def parse_push(self, headers: Mapping[str, str], body: bytes) -> list[TrackingResult]:
        """Callback: form fields ``param`` (JSON with ``lastResult``) and ``sign`` = upper(MD5(param + salt)).

        ``status`` shutdown (tracking finished, the parcel signed) and abort (3天查询无记录 / 60天无变化, or a
        company correction) both end the pushes: ``push_stopped``. A corrected company (``comNew`` with
        ``autoCheck=1``, or on the abort that announces it) becomes the ``sub_carrier``, so the service
        subscribes again under it. An abort may carry no traces: the result then has no events.
        """
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
        result = self._result(payload["lastResult"], traces_optional=True)
        status = str(payload.get("status", ""))
        corrected = str(payload.get("comNew") or "")
        if corrected and (str(payload.get("autoCheck", "")) == "1" or status == "abort"):
            result.sub_carrier = corrected
            result.sub_carrier_corrected = True
        result.push_stopped = status in codes.PUSH_STOPPED
        return [result]

    def push_reply(self) -> tuple[int, str, bytes]:
        return (
            200,
            "application/json",
            json.dumps({"result": True, "returnCode": "200", "message": "成功"}, ensure_ascii=False).encode(),
        )

    # -- 智能单号识别 ---------------------------------------------------------------------------------------

    async def autonumber(self, client: httpx.AsyncClient, number: str) -> list[str]:
        """Kuaidi100's guess of the companies a number belongs to, best first (``comCode`` values)."""
        request = client.build_request("POST", self._autonumber_url, params={"num": number, "key": self._key})
        response = await send(self.code, client, request)
        return self.parse_autonumber(response.content)

    def parse_autonumber(self, content: bytes) -> list[str]:
        body = decode_json(self.code, content)
        if isinstance(body, dict):  # the documented error shape {returnCode, message, result: false}
            code = str(body.get("returnCode", ""))
            detail = f"autonumber returnCode {code}: {body.get('message', '')}"
            if code in codes.AUTONUMBER_AUTH:
                raise AuthError(self.code, detail)
            if code in codes.AUTONUMBER_INVALID:
                return []  # 不是有效的快递单号: no company claims it
            raise BadResponse(self.code, detail)
        if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
            raise BadResponse(self.code, "autonumber answer is not a list of companies")
        out: list[str] = []
        for item in body:
            com = str(item.get("comCode") or "")
            if com and com not in out:
                out.append(com)
        return out
