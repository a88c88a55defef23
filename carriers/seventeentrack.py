"""17TRACK tracking API v2.2: ``register`` + ``gettrackinfo`` (≤40 numbers a call), webhook push.

Followed: 17TRACK API v2.2 documentation (https://api.17track.net/en/doc?version=v2.2) —
header ``17token``; answers ``{"code": 0, "data": {"accepted": [...], "rejected": [...]}}``;
``track_info.tracking.providers[].events[]`` with ``time_iso``/``time_utc``, ``stage`` and
``sub_status``; webhook header ``sign`` = hex SHA256(body + "/" + key).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from carriers.base import UTC, CarrierConfig, decode_json, parse_local_time, send
from carriers.errors import AuthError, BadResponse, NotFound, RateLimited
from schemas import CarrierEvent, Status, SubStatus, TrackingQuery, TrackingResult

S, SS = Status, SubStatus
# sub_status first (it is more precise), then the main status.
CODE_TABLE: dict[str, tuple[Status, SubStatus | None]] = {
    "InfoReceived": (S.INFO_RECEIVED, None),
    "InTransit": (S.IN_TRANSIT, None),
    "InTransit_PickedUp": (S.IN_TRANSIT, None),
    "InTransit_Other": (S.IN_TRANSIT, None),
    "InTransit_Departure": (S.IN_TRANSIT, None),
    "InTransit_Arrival": (S.IN_TRANSIT, None),
    "InTransit_CustomsProcessing": (S.IN_TRANSIT, SS.CUSTOMS_HOLD),
    "InTransit_CustomsReleased": (S.IN_TRANSIT, None),
    "InTransit_CustomsRequiringInformation": (S.EXCEPTION, SS.CUSTOMS_HOLD),
    "Expired": (S.EXPIRED, None),
    "Expired_Other": (S.EXPIRED, None),
    "AvailableForPickup": (S.AVAILABLE_FOR_PICKUP, None),
    "AvailableForPickup_Other": (S.AVAILABLE_FOR_PICKUP, None),
    "OutForDelivery": (S.OUT_FOR_DELIVERY, None),
    "OutForDelivery_Other": (S.OUT_FOR_DELIVERY, None),
    "DeliveryFailure": (S.ATTEMPT_FAILED, None),
    "DeliveryFailure_Other": (S.ATTEMPT_FAILED, SS.OTHER),
    "DeliveryFailure_NoBody": (S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE),
    "DeliveryFailure_Security": (S.ATTEMPT_FAILED, SS.OTHER),
    "DeliveryFailure_Rejected": (S.ATTEMPT_FAILED, SS.REFUSED),
    "DeliveryFailure_InvalidAddress": (S.EXCEPTION, SS.ADDRESS_ISSUE),
    "Delivered": (S.DELIVERED, None),
    "Delivered_Other": (S.DELIVERED, None),
    "Exception": (S.EXCEPTION, SS.OTHER),
    "Exception_Other": (S.EXCEPTION, SS.OTHER),
    "Exception_Returning": (S.RETURNING, None),
    "Exception_Returned": (S.RETURNED, None),
    "Exception_NoBody": (S.EXCEPTION, SS.RECIPIENT_UNAVAILABLE),
    "Exception_Security": (S.EXCEPTION, SS.CUSTOMS_HOLD),
    "Exception_Damage": (S.EXCEPTION, SS.DAMAGED),
    "Exception_Rejected": (S.RETURNING, SS.REFUSED),
    "Exception_Delayed": (S.EXCEPTION, SS.DELAYED),
    "Exception_Lost": (S.EXCEPTION, SS.LOST),
    "Exception_Destroyed": (S.EXCEPTION, SS.LOST),
    "Exception_Cancel": (S.EXCEPTION, SS.CANCELLED),
}
_NOT_REGISTERED = -18019902
_AUTH_CODES = {-18010001, -18010002, -18010003, -18010004, -18010005}


class SeventeenTrackAdapter:
    code = "seventeentrack"
    zone = UTC
    max_batch = 40

    def __init__(self, config: CarrierConfig) -> None:
        self._base = config.base_url.rstrip("/") + "/track/v2.2"
        self._token = config.key or ""

    def _headers(self) -> dict[str, str]:
        return {"17token": self._token, "Content-Type": "application/json"}

    async def track(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> Mapping[str, TrackingResult | NotFound]:
        body = [{"number": q.tracking_number} for q in queries]
        request = client.build_request("POST", f"{self._base}/gettrackinfo", json=body, headers=self._headers())
        response = await send(self.code, client, request)
        results, unregistered = self.parse_with_unregistered(response.content)
        if unregistered:
            # Register once; the poller asks again on its next round.
            await send(
                self.code,
                client,
                client.build_request(
                    "POST",
                    f"{self._base}/register",
                    json=[{"number": n} for n in unregistered],
                    headers=self._headers(),
                ),
            )
        return results

    def parse(self, content: bytes) -> dict[str, TrackingResult | NotFound]:
        return self.parse_with_unregistered(content)[0]

    def parse_with_unregistered(self, content: bytes) -> tuple[dict[str, TrackingResult | NotFound], list[str]]:
        body = decode_json(self.code, content)
        try:
            code = body["code"]
            if code in _AUTH_CODES:
                raise AuthError(self.code, f"code {code}")
            if code != 0:
                raise BadResponse(self.code, f"code {code}")
            data = body["data"]
            out: dict[str, TrackingResult | NotFound] = {}
            unregistered = []
            for item in data.get("accepted", []):
                out[item["number"]] = self._result(item)
            for item in data.get("rejected", []):
                error = item.get("error", {})
                if error.get("code") == _NOT_REGISTERED:
                    unregistered.append(item["number"])
                elif error.get("code") == -18019909:  # too many requests
                    raise RateLimited(self.code, str(error.get("message", "")))
                out[item["number"]] = NotFound(self.code, f"{item['number']}: {error.get('message', 'rejected')}")
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(self.code, f"unexpected shape: {exc}") from exc
        return out, unregistered

    def _result(self, item: dict[str, Any]) -> TrackingResult:
        info = item["track_info"]
        events = [self._event(e) for p in info["tracking"]["providers"] for e in p.get("events", [])]
        eta = None
        estimate = (info.get("time_metrics") or {}).get("estimated_delivery_date") or {}
        if estimate.get("to") or estimate.get("from"):
            eta = parse_local_time(estimate.get("to") or estimate["from"], self.zone, self.code)
        return TrackingResult(
            tracking_number=item["number"],
            events=events,
            carrier_eta=eta,
            sub_carrier=str(item.get("carrier")) if item.get("carrier") else None,
        )

    def _event(self, raw: dict[str, Any]) -> CarrierEvent:
        code = raw.get("sub_status") or raw.get("stage") or ""
        status, sub_status = CODE_TABLE.get(code, CODE_TABLE.get(raw.get("stage") or "", (Status.UNKNOWN, None)))
        return CarrierEvent(
            occurred_at=parse_local_time(raw.get("time_iso") or raw["time_utc"], self.zone, self.code),
            status=status,
            sub_status=sub_status,
            carrier_code=code or "none",
            description=raw.get("description", ""),
            location=raw.get("location") or None,
        )

    def parse_push(self, headers: Mapping[str, str], body: bytes) -> list[TrackingResult]:
        given = {k.lower(): v for k, v in headers.items()}.get("sign", "")
        expected = hashlib.sha256(body + b"/" + self._token.encode()).hexdigest()
        if not self._token or not hmac.compare_digest(expected, given.lower()):
            raise AuthError(self.code, "webhook sign does not verify")
        payload = decode_json(self.code, body)
        try:
            if payload["event"] != "TRACKING_UPDATED":
                return []
            return [self._result(payload["data"])]
        except (KeyError, TypeError) as exc:
            raise BadResponse(self.code, f"unexpected webhook shape: {exc}") from exc

    def push_reply(self) -> tuple[int, str, bytes]:
        return 200, "application/json", b'{"code":0}'
