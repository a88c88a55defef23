"""EasyPost trackers: webhook push (``X-Hmac-Signature``) and tracker lookup.

Followed: EasyPost API docs — Trackers (https://docs.easypost.com/docs/trackers: ``status``,
``status_detail``, ``est_delivery_date``, ``tracking_details[]`` with ``datetime``, ``message``,
``tracking_location``) and Webhooks (https://docs.easypost.com/guides/webhooks-guide: header
``X-Hmac-Signature: hmac-sha256-hex=<hex>``, HMAC-SHA256 over the raw body with the NFKD-normalised
webhook secret). Pull: ``GET /v2/trackers?tracking_code=`` with the API key as basic-auth user.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from carriers.base import UTC, CarrierConfig, decode_json, parse_local_time, send
from carriers.errors import AuthError, BadResponse, NotFound
from schemas import CarrierEvent, Status, SubStatus, TrackingQuery, TrackingResult

S, SS = Status, SubStatus
STATUS_TABLE: dict[str, tuple[Status, SubStatus | None]] = {
    "pre_transit": (S.INFO_RECEIVED, None),
    "in_transit": (S.IN_TRANSIT, None),
    "out_for_delivery": (S.OUT_FOR_DELIVERY, None),
    "delivered": (S.DELIVERED, None),
    "available_for_pickup": (S.AVAILABLE_FOR_PICKUP, None),
    "return_to_sender": (S.RETURNING, None),
    "failure": (S.EXCEPTION, SS.OTHER),
    "cancelled": (S.EXCEPTION, SS.CANCELLED),
    "error": (S.EXCEPTION, SS.OTHER),
}
# status_detail refines the status where it says more.
DETAIL_TABLE: dict[str, tuple[Status, SubStatus | None]] = {
    "damaged": (S.EXCEPTION, SS.DAMAGED),
    "lost": (S.EXCEPTION, SS.LOST),
    "weather_delay": (S.EXCEPTION, SS.DELAYED),
    "delayed": (S.EXCEPTION, SS.DELAYED),
    "address_correction": (S.EXCEPTION, SS.ADDRESS_ISSUE),
    "refused": (S.RETURNING, SS.REFUSED),
    "held": (S.EXCEPTION, SS.HELD_AT_CARRIER),
    "awaiting_information": (S.EXCEPTION, SS.CUSTOMS_HOLD),
    "arrived_at_pickup_location": (S.AVAILABLE_FOR_PICKUP, None),
    "delivery_exception": (S.ATTEMPT_FAILED, SS.OTHER),
    "return": (S.RETURNING, None),
    "cancelled": (S.EXCEPTION, SS.CANCELLED),
}


class EasyPostAdapter:
    code = "easypost"
    zone = UTC
    max_batch = 1

    def __init__(self, config: CarrierConfig) -> None:
        self._base = config.base_url.rstrip("/")
        self._api_key = config.key or ""
        self._secret = unicodedata.normalize("NFKD", config.secret or "")

    async def track(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> Mapping[str, TrackingResult | NotFound]:
        out: dict[str, TrackingResult | NotFound] = {}
        for query in queries:
            token = base64.b64encode(f"{self._api_key}:".encode()).decode()
            request = client.build_request(
                "GET",
                f"{self._base}/v2/trackers",
                params={"tracking_code": query.tracking_number},
                headers={"Authorization": f"Basic {token}"},
            )
            response = await send(self.code, client, request)
            found = self.parse(response.content)
            out[query.tracking_number] = found.get(
                query.tracking_number, NotFound(self.code, f"{query.tracking_number}: no tracker")
            )
        return out

    def parse(self, content: bytes) -> dict[str, TrackingResult | NotFound]:
        body = decode_json(self.code, content)
        try:
            trackers = body["trackers"] if "trackers" in body else [body]
            return {t["tracking_code"]: self._result(t) for t in trackers}
        except (KeyError, TypeError) as exc:
            raise BadResponse(self.code, f"unexpected shape: {exc}") from exc

    def _result(self, tracker: dict[str, Any]) -> TrackingResult:
        eta = tracker.get("est_delivery_date")
        return TrackingResult(
            tracking_number=tracker["tracking_code"],
            events=[self._event(d) for d in tracker.get("tracking_details") or []],
            carrier_eta=parse_local_time(eta, self.zone, self.code) if eta else None,
            sub_carrier=tracker.get("carrier"),
        )

    def _event(self, detail: dict[str, Any]) -> CarrierEvent:
        status_code, sub_code = detail.get("status", ""), detail.get("status_detail") or ""
        status, sub_status = DETAIL_TABLE.get(sub_code, STATUS_TABLE.get(status_code, (Status.UNKNOWN, None)))
        place = detail.get("tracking_location") or {}
        location = ", ".join(p for p in (place.get("city"), place.get("state"), place.get("country")) if p) or None
        return CarrierEvent(
            occurred_at=parse_local_time(detail["datetime"], self.zone, self.code),
            status=status,
            sub_status=sub_status,
            carrier_code=f"{status_code}/{sub_code}" if sub_code else status_code,
            description=detail.get("message", ""),
            location=location,
        )

    def parse_push(self, headers: Mapping[str, str], body: bytes) -> list[TrackingResult]:
        given = {k.lower(): v for k, v in headers.items()}.get("x-hmac-signature", "")
        expected = "hmac-sha256-hex=" + hmac.new(self._secret.encode(), body, hashlib.sha256).hexdigest()
        if not self._secret or not hmac.compare_digest(expected, given):
            raise AuthError(self.code, "X-Hmac-Signature does not verify")
        event = decode_json(self.code, body)
        try:
            if not str(event["description"]).startswith("tracker."):
                return []
            return [self._result(event["result"])]
        except (KeyError, TypeError) as exc:
            raise BadResponse(self.code, f"unexpected event shape: {exc}") from exc

    def push_reply(self) -> tuple[int, str, bytes]:
        return 200, "application/json", b"{}"
