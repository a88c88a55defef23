"""DHL Shipment Tracking – Unified: ``GET /track/shipments?trackingNumber=`` (header ``DHL-API-Key``).

Followed: https://developer.dhl.com/api-reference/shipment-tracking — ``shipments[].events[]``
with ``timestamp``, ``statusCode`` (pre-transit | transit | delivered | failure | unknown),
``description`` and ``location.address.addressLocality``; ``estimatedTimeOfDelivery`` is the ETA;
404 is "no shipment found"; 429 carries ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from carriers.base import UTC, CarrierConfig, decode_json, parse_local_time, send
from carriers.errors import BadResponse, NotFound
from schemas import CarrierEvent, Status, SubStatus, TrackingQuery, TrackingResult

S, SS = Status, SubStatus
CODE_TABLE: dict[str, tuple[Status, SubStatus | None]] = {
    "pre-transit": (S.INFO_RECEIVED, None),
    "transit": (S.IN_TRANSIT, None),
    "delivered": (S.DELIVERED, None),
    "failure": (S.EXCEPTION, SS.OTHER),
}
# Description keywords refine a transit/failure event (checked in order, lower-case).
KEYWORDS: tuple[tuple[str, Status, SubStatus | None], ...] = (
    ("returned to shipper", S.RETURNED, None),
    ("return to shipper", S.RETURNING, None),
    ("damaged", S.EXCEPTION, SS.DAMAGED),
    ("customs", S.IN_TRANSIT, SS.CUSTOMS_HOLD),
    ("address", S.EXCEPTION, SS.ADDRESS_ISSUE),
    ("recipient not home", S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE),
    ("no one home", S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE),
    ("refused", S.RETURNING, SS.REFUSED),
    ("out for delivery", S.OUT_FOR_DELIVERY, None),
    ("with delivery courier", S.OUT_FOR_DELIVERY, None),
    ("ready for pickup", S.AVAILABLE_FOR_PICKUP, None),
    ("held", S.EXCEPTION, SS.HELD_AT_CARRIER),
)


class DhlAdapter:
    code = "dhl"
    zone = UTC
    max_batch = 1

    def __init__(self, config: CarrierConfig) -> None:
        self._url = config.base_url.rstrip("/") + "/track/shipments"
        self._key = config.key or ""

    async def track(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> Mapping[str, TrackingResult | NotFound]:
        out: dict[str, TrackingResult | NotFound] = {}
        for query in queries:
            request = client.build_request(
                "GET",
                self._url,
                params={"trackingNumber": query.tracking_number},
                headers={"DHL-API-Key": self._key, "Accept": "application/json"},
            )
            try:
                response = await send(self.code, client, request)
            except NotFound as exc:
                out[query.tracking_number] = exc
                continue
            out.update(self.parse(response.content))
        return out

    def parse(self, content: bytes) -> dict[str, TrackingResult | NotFound]:
        body = decode_json(self.code, content)
        try:
            return {s["id"]: self._result(s) for s in body["shipments"]}
        except (KeyError, TypeError) as exc:
            raise BadResponse(self.code, f"unexpected shape: {exc}") from exc

    def _result(self, shipment: dict[str, Any]) -> TrackingResult:
        eta = shipment.get("estimatedTimeOfDelivery")
        return TrackingResult(
            tracking_number=shipment["id"],
            events=[self._event(e) for e in shipment.get("events", [])],
            carrier_eta=parse_local_time(eta, self.zone, self.code) if eta else None,
        )

    def _event(self, raw: dict[str, Any]) -> CarrierEvent:
        code = raw.get("statusCode", "")
        status, sub_status = CODE_TABLE.get(code, (Status.UNKNOWN, None))
        text = f"{raw.get('status', '')} {raw.get('description', '')}".lower()
        if code in ("transit", "failure"):
            for word, word_status, word_sub in KEYWORDS:
                if word in text:
                    status, sub_status = word_status, word_sub
                    break
        address = (raw.get("location") or {}).get("address") or {}
        return CarrierEvent(
            occurred_at=parse_local_time(raw["timestamp"], self.zone, self.code),
            status=status,
            sub_status=sub_status,
            carrier_code=code or "none",
            description=raw.get("description") or raw.get("status") or "",
            location=address.get("addressLocality"),
        )
