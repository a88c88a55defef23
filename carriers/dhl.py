"""DHL Shipment Tracking – Unified: ``GET /track/shipments?trackingNumber=`` (header ``DHL-API-Key``).

Followed: https://developer.dhl.com/api-reference/shipment-tracking (Unified API, one tracking
number per call) and its support FAQ https://support-developer.dhl.com/support/solutions/folders/47000779436
(the daily quota resets at 24:00 GMT):

- ``shipments[]`` each with ``id`` (string or number), ``events[]`` of ``timestamp``, ``statusCode``
  (``pre-transit`` | ``transit`` | ``delivered`` | ``failure`` | ``unknown``), ``status``,
  ``description``, ``remark`` and ``location.address.addressLocality``;
  ``estimatedTimeOfDelivery`` (or ``estimatedDeliveryTimeFrame.estimatedThrough``) is the ETA;
- errors are problem JSON: 404 "No result found" for an unknown number, 401 for a bad key,
  429 "Too many requests within defined time period" (per second or per day).

DHL's ``statusCode`` is coarse, so a short keyword table on the event text refines it; the table
is per status code so that e.g. "address" only means trouble on a ``failure`` event. Timestamps
come with an offset or ``Z``; the documented sample also has naive ones, which are read as UTC.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from carriers.base import UTC, CarrierConfig, decode_json, parse_local_time, parse_retry_after, raise_for_http_status
from carriers.errors import BadResponse, CarrierUnavailable, NotFound, RateLimited
from schemas import CarrierEvent, Status, SubStatus, TrackingQuery, TrackingResult

S, SS = Status, SubStatus
CODE_TABLE: dict[str, tuple[Status, SubStatus | None]] = {
    "pre-transit": (S.INFO_RECEIVED, None),
    "transit": (S.IN_TRANSIT, None),
    "delivered": (S.DELIVERED, None),
    "failure": (S.EXCEPTION, SS.OTHER),
}
# Per status code, the first keyword found in the lower-cased status + description + remark wins.
KEYWORDS: dict[str, tuple[tuple[str, Status, SubStatus | None], ...]] = {
    "transit": (
        ("damaged", S.EXCEPTION, SS.DAMAGED),
        ("being returned", S.RETURNING, None),
        ("returned to shipper", S.RETURNED, None),
        ("return to shipper", S.RETURNING, None),
        ("recipient not home", S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE),
        ("no one home", S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE),
        ("customs", S.IN_TRANSIT, SS.CUSTOMS_HOLD),
        ("held", S.IN_TRANSIT, SS.HELD_AT_CARRIER),
        ("with delivery courier", S.OUT_FOR_DELIVERY, None),
        ("out for delivery", S.OUT_FOR_DELIVERY, None),
        ("ready for pickup", S.AVAILABLE_FOR_PICKUP, None),
    ),
    "failure": (
        ("damaged", S.EXCEPTION, SS.DAMAGED),
        ("returned to shipper", S.RETURNED, None),
        ("refused", S.RETURNING, SS.REFUSED),
        ("recipient not home", S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE),
        ("no one home", S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE),
        ("customs", S.EXCEPTION, SS.CUSTOMS_HOLD),
        ("address", S.EXCEPTION, SS.ADDRESS_ISSUE),
        ("held", S.EXCEPTION, SS.HELD_AT_CARRIER),
    ),
    "delivered": (
        ("neighbo", S.DELIVERED, SS.DELIVERED_TO_NEIGHBOR),
        ("packstation", S.DELIVERED, SS.DELIVERED_TO_LOCKER),
        ("locker", S.DELIVERED, SS.DELIVERED_TO_LOCKER),
        ("parcel shop", S.DELIVERED, SS.DELIVERED_TO_LOCKER),
    ),
}
# Only when no Date header says when "now" is at DHL.
DAILY_QUOTA_FALLBACK_RETRY = 3600.0


def daily_quota_exhausted(content: bytes) -> bool:
    """Whether a 429 body speaks of the daily quota rather than the per-second limit."""
    text = content.decode("utf-8", "replace").lower()
    return "quota" in text or "day" in text


def seconds_to_quota_reset(response: httpx.Response) -> float:
    """Seconds from DHL's own clock (the Date header) to the next 00:00 GMT, when the daily quota resets."""
    try:
        now = parsedate_to_datetime(response.headers["Date"])
    except (KeyError, TypeError, ValueError):
        return DAILY_QUOTA_FALLBACK_RETRY
    if now.tzinfo is None:  # "-0000": UTC without a source zone
        now = now.replace(tzinfo=UTC)
    reset = (now.astimezone(UTC) + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (reset - now).total_seconds()


class DhlAdapter:
    code = "dhl"
    zone = UTC
    max_batch = 1

    def __init__(self, config: CarrierConfig) -> None:
        self._url = config.base_url.rstrip("/") + "/track/shipments"
        self._headers = {"DHL-API-Key": config.key or "", "Accept": "application/json"}

    async def track(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> Mapping[str, TrackingResult | NotFound]:
        return {q.tracking_number: await self._track_one(client, q.tracking_number) for q in queries}

    async def _track_one(self, client: httpx.AsyncClient, number: str) -> TrackingResult | NotFound:
        request = client.build_request("GET", self._url, params={"trackingNumber": number}, headers=self._headers)
        try:
            response = await client.send(request)
        except httpx.TimeoutException as exc:
            raise CarrierUnavailable(self.code, f"timeout: {type(exc).__name__}") from exc
        except httpx.TransportError as exc:
            raise CarrierUnavailable(self.code, f"transport: {type(exc).__name__}") from exc
        if response.status_code == 404:
            return NotFound(self.code, f"{number}: no shipment found")
        if response.status_code == 429:
            raise self._rate_limited(response)
        raise_for_http_status(self.code, response)
        found = self.parse(response.content)
        # DHL may answer a piece number with its shipment id: the poller looks results up by the asked number.
        result = found.get(number) or next(iter(found.values()), None)
        if result is None:
            return NotFound(self.code, f"{number}: no shipment with events")
        return result if result.tracking_number == number else replace(result, tracking_number=number)

    def _rate_limited(self, response: httpx.Response) -> RateLimited:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if daily_quota_exhausted(response.content):
            return RateLimited(
                self.code, "daily quota exhausted", retry_after=retry_after or seconds_to_quota_reset(response)
            )
        return RateLimited(self.code, "HTTP 429", retry_after=retry_after)

    def parse(self, content: bytes) -> dict[str, TrackingResult]:
        """Parse a ``/track/shipments`` answer into results keyed by shipment id (shipments without events left out)."""
        body = decode_json(self.code, content)
        try:
            results = (self._result(s) for s in body["shipments"])
            return {r.tracking_number: r for r in results if r.events}
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(self.code, f"unexpected shape: {exc!r}") from exc

    def _result(self, shipment: dict[str, Any]) -> TrackingResult:
        return TrackingResult(
            tracking_number=str(shipment["id"]),
            events=[self._event(e) for e in shipment.get("events") or ()],
            carrier_eta=self._eta(shipment),
        )

    def _eta(self, shipment: dict[str, Any]) -> datetime | None:
        eta = shipment.get("estimatedTimeOfDelivery") or (shipment.get("estimatedDeliveryTimeFrame") or {}).get(
            "estimatedThrough"
        )
        return parse_local_time(eta, self.zone, self.code) if eta else None

    def _event(self, raw: dict[str, Any]) -> CarrierEvent:
        code = raw.get("statusCode") or ""
        status, sub_status = CODE_TABLE.get(code, (Status.UNKNOWN, None))
        refinements = KEYWORDS.get(code)
        if refinements:
            text = f"{raw.get('status') or ''} {raw.get('description') or ''} {raw.get('remark') or ''}".lower()
            for word, word_status, word_sub in refinements:
                if word in text:
                    status, sub_status = word_status, word_sub
                    break
        address = (raw.get("location") or {}).get("address") or {}
        return CarrierEvent(
            occurred_at=parse_local_time(raw["timestamp"], self.zone, self.code),
            status=status,
            sub_status=sub_status,
            carrier_code=code,
            description=raw.get("description") or raw.get("status") or "",
            location=address.get("addressLocality") or None,
        )
