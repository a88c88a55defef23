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

DHL's ``statusCode`` is coarse. An event's canonical pair comes, first found, from the DHL Express
event code (``typeCode``, ``statusDetailed``, ``status``, or leading ``description`` / ``remark``; the
table and its sources are in ``carriers.dhl_codes``), else from DHL's checkpoint texts under the
``statusCode``, else from the ``statusCode`` alone; an unknown ``statusCode`` is ``unknown``. The
shipment's ``status`` object (DHL's current state) and ``returnFlag`` are added as a newest
``state:`` event when they say more than the newest scan (SPEC §2). Timestamps come with an offset
or ``Z``; the documented sample also has naive ones, which are read as UTC.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from carriers.base import (
    UTC,
    CarrierConfig,
    decode_json,
    parse_local_time,
    parse_retry_after,
    raise_for_http_status,
    transmit,
    with_carrier_state,
)
from carriers.dhl_codes import EXPRESS_CODES, STATUS_CODES, Pair, classify_text, code_field, express_code_in
from carriers.errors import BadResponse, NotFound, RateLimited
from schemas import CarrierEvent, Status, SubStatus, TrackingQuery, TrackingResult

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
    needs_phone = False

    def __init__(self, config: CarrierConfig) -> None:
        self._url = config.base_url.rstrip("/") + "/track/shipments"
        self._headers = {"DHL-API-Key": config.key or "", "Accept": "application/json"}

    async def track(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> Mapping[str, TrackingResult | NotFound]:
        return {q.tracking_number: await self._track_one(client, q.tracking_number) for q in queries}

    async def _track_one(self, client: httpx.AsyncClient, number: str) -> TrackingResult | NotFound:
        request = client.build_request("GET", self._url, params={"trackingNumber": number}, headers=self._headers)
        response = await transmit(self.code, client, request)
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
        events = [self._event(e) for e in shipment.get("events") or ()]
        state = shipment.get("status")
        if state:  # DHL's current state of the shipment: wins when it says more than the newest scan
            (status, sub), code = classify(state)
            events = with_carrier_state(events, (status, sub), code, _text_of(state))
        if shipment.get("returnFlag") is True:
            events = with_carrier_state(events, _way_back(events), "returnFlag", "Returning to the shipper")
        return TrackingResult(tracking_number=str(shipment["id"]), events=events, carrier_eta=self._eta(shipment))

    def _eta(self, shipment: dict[str, Any]) -> datetime | None:
        eta = shipment.get("estimatedTimeOfDelivery") or (shipment.get("estimatedDeliveryTimeFrame") or {}).get(
            "estimatedThrough"
        )
        return parse_local_time(eta, self.zone, self.code) if eta else None

    def _event(self, raw: dict[str, Any]) -> CarrierEvent:
        (status, sub_status), code = classify(raw)
        address = (raw.get("location") or {}).get("address") or {}
        return CarrierEvent(
            occurred_at=parse_local_time(raw["timestamp"], self.zone, self.code),
            status=status,
            sub_status=sub_status,
            carrier_code=code,
            description=_text_of(raw),
            location=address.get("addressLocality") or None,
        )


def express_code(raw: dict[str, Any]) -> str | None:
    """The DHL Express event code of an event or status object, wherever DHL put it."""
    for field in ("typeCode", "statusDetailed"):
        code = code_field(raw.get(field))
        if code in EXPRESS_CODES:
            return code
    for field in ("status", "description", "remark"):
        code = express_code_in(raw.get(field))
        if code:
            return code
    return None


def classify(raw: dict[str, Any]) -> tuple[Pair, str]:
    """The canonical pair of an event (or the shipment's status object) and the raw code it came from."""
    code = express_code(raw)
    if code:
        return EXPRESS_CODES[code], code
    status_code = str(raw.get("statusCode") or "")
    pair = STATUS_CODES.get(status_code)
    if pair is None:
        return (Status.UNKNOWN, None), status_code
    text = " ".join(str(raw.get(k) or "") for k in ("status", "statusDetailed", "description", "remark"))
    return classify_text(status_code, text) or pair, status_code


def _text_of(raw: dict[str, Any]) -> str:
    return str(raw.get("description") or raw.get("status") or "")


def _way_back(events: list[CarrierEvent]) -> tuple[Status, SubStatus | None] | None:
    """What ``returnFlag`` says: back at the sender once "delivered", else on the way back; refused if it was."""
    if not events:
        return None
    newest = max(events, key=lambda e: e.occurred_at)
    if newest.status in (Status.RETURNED, Status.RETURNING):
        return None
    refused = SubStatus.REFUSED if any(e.sub_status is SubStatus.REFUSED for e in events) else None
    return (Status.RETURNED if newest.status is Status.DELIVERED else Status.RETURNING), refused
