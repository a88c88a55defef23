"""17TRACK tracking API v2.2: ``register`` + ``gettrackinfo`` (≤40 numbers a call), webhook push.

Followed: https://api.17track.net/en/doc?version=v2.2 (and its error-code table,
https://api.17track.net/en/doc?anchor=api-errorcode):

- every call is ``POST {base}/track/v2.2/<endpoint>`` with header ``17token: <key>`` and a JSON
  list of ``{"number", "carrier"?}``; answers ``{"code": 0, "data": {"accepted": [...],
  "rejected": [{"number", "error": {"code", "message"}}]}}``, whole-call failures carry a non-zero
  ``code`` and/or ``data.errors[]``;
- ``gettrackinfo`` rejects numbers never registered with ``-18019902``: they are registered once
  and reported ``NotFound`` until 17TRACK's first sync (the poller asks again later);
- events live in ``track_info.tracking.providers[].events[]`` with ``time_utc`` / ``time_iso``,
  ``description``, ``location``, ``stage`` (milestone) and ``sub_status``; the ETA is
  ``track_info.time_metrics.estimated_delivery_date.{from,to}``;
- webhook: ``{"event": "TRACKING_UPDATED" | "TRACKING_STOPPED", "data": <accepted item>}``, header
  ``sign`` = hex SHA256(body + "/" + key); 17TRACK only needs an HTTP 200 back.

Naive times (``time_iso`` without offset when 17TRACK does not know the carrier's zone and gives
no ``time_utc``) are read as UTC: the event stays orderable and is at most a few hours off.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx

from carriers.base import UTC, CarrierConfig, decode_json, parse_local_time, send
from carriers.errors import AuthError, BadResponse, CarrierUnavailable, NotFound, RateLimited
from schemas import CarrierEvent, Status, SubStatus, TrackingQuery, TrackingResult

S, SS = Status, SubStatus
_UNMAPPED: tuple[Status, SubStatus | None] = (S.UNKNOWN, None)

# Each event's own ``sub_status`` decides its canonical status (SPEC §2 conventions).
CODE_TABLE: dict[str, tuple[Status, SubStatus | None]] = {
    "InfoReceived": (S.INFO_RECEIVED, None),
    "InTransit_PickedUp": (S.IN_TRANSIT, None),
    "InTransit_Departure": (S.IN_TRANSIT, None),
    "InTransit_Arrival": (S.IN_TRANSIT, None),
    "InTransit_Other": (S.IN_TRANSIT, None),
    "InTransit_CustomsProcessing": (S.IN_TRANSIT, SS.CUSTOMS_HOLD),
    "InTransit_CustomsReleased": (S.IN_TRANSIT, None),
    # Customs cannot finish without papers from someone: a customs problem, not processing.
    "InTransit_CustomsRequiringInformation": (S.EXCEPTION, SS.CUSTOMS_HOLD),
    "Expired_Other": (S.EXPIRED, None),
    "AvailableForPickup_Other": (S.AVAILABLE_FOR_PICKUP, None),
    "OutForDelivery_Other": (S.OUT_FOR_DELIVERY, None),
    "DeliveryFailure_Other": (S.ATTEMPT_FAILED, None),
    "DeliveryFailure_NoBody": (S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE),
    "DeliveryFailure_Security": (S.ATTEMPT_FAILED, SS.OTHER),
    "DeliveryFailure_Rejected": (S.ATTEMPT_FAILED, SS.REFUSED),
    "DeliveryFailure_InvalidAddress": (S.EXCEPTION, SS.ADDRESS_ISSUE),
    "Delivered_Other": (S.DELIVERED, None),
    "Exception_Other": (S.EXCEPTION, SS.OTHER),
    "Exception_Returning": (S.RETURNING, None),
    "Exception_Returned": (S.RETURNED, None),
    "Exception_NoBody": (S.EXCEPTION, SS.RECIPIENT_UNAVAILABLE),
    # 17TRACK: "security, customs clearance or fee problems found before delivery".
    "Exception_Security": (S.EXCEPTION, SS.CUSTOMS_HOLD),
    "Exception_Damage": (S.EXCEPTION, SS.DAMAGED),
    "Exception_Rejected": (S.RETURNING, SS.REFUSED),
    "Exception_Delayed": (S.EXCEPTION, SS.DELAYED),
    "Exception_Lost": (S.EXCEPTION, SS.LOST),
    "Exception_Destroyed": (S.EXCEPTION, SS.LOST),
    "Exception_Cancel": (S.EXCEPTION, SS.CANCELLED),
}
# An event without a known sub_status still has 17TRACK's milestone ``stage``.
STAGE_TABLE: dict[str, tuple[Status, SubStatus | None]] = {
    "InfoReceived": (S.INFO_RECEIVED, None),
    "PickedUp": (S.IN_TRANSIT, None),
    "Departure": (S.IN_TRANSIT, None),
    "Arrival": (S.IN_TRANSIT, None),
    "AvailableForPickup": (S.AVAILABLE_FOR_PICKUP, None),
    "OutForDelivery": (S.OUT_FOR_DELIVERY, None),
    "Delivered": (S.DELIVERED, None),
    "Returning": (S.RETURNING, None),
    "Returned": (S.RETURNED, None),
}

NOT_REGISTERED = -18019902
ALREADY_REGISTERED = -18019901
AUTH_CODES = frozenset({-18010001, -18010002, -18010004, -18010005})  # IP, key, disabled, unauthorized
UNAVAILABLE_CODES = frozenset({-18010003})  # internal service error
QUOTA_CODES = frozenset({-18019907, -18019908})  # daily limit, quota used up
# The quota does not come back within a poll cycle; look again in an hour rather than hammer it.
QUOTA_RETRY_AFTER = 3600.0


class SeventeenTrackAdapter:
    code = "seventeentrack"
    zone = UTC
    max_batch = 40

    def __init__(self, config: CarrierConfig) -> None:
        base = config.base_url.rstrip("/") + "/track/v2.2"
        self._info_url = base + "/gettrackinfo"
        self._register_url = base + "/register"
        self._key = config.key or ""
        self._headers = {"17token": self._key}

    async def track(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> Mapping[str, TrackingResult | NotFound]:
        body = [_number(q) for q in queries]
        response = await send(
            self.code, client, client.build_request("POST", self._info_url, json=body, headers=self._headers)
        )
        results, unregistered = self.parse_batch(response.content)
        if unregistered:
            wanted = {_normal(n) for n in unregistered}
            asked = [q for q in queries if _normal(q.tracking_number) in wanted]
            request = client.build_request(
                "POST", self._register_url, json=[_number(q) for q in asked], headers=self._headers
            )
            registered = await send(self.code, client, request)
            results.update(self.parse_register(registered.content))
        return _by_asked_number(queries, results)

    def parse(self, content: bytes) -> dict[str, TrackingResult | NotFound]:
        """Parse a ``gettrackinfo`` answer into results keyed by number."""
        return self.parse_batch(content)[0]

    def parse_batch(self, content: bytes) -> tuple[dict[str, TrackingResult | NotFound], list[str]]:
        """A ``gettrackinfo`` answer: results by number, and the numbers 17TRACK wants registered first."""
        data = self._data(decode_json(self.code, content))
        out: dict[str, TrackingResult | NotFound] = {}
        unregistered: list[str] = []
        try:
            for item in data.get("accepted") or ():
                number = item["number"]
                out[number] = self._result(item) or NotFound(self.code, f"{number}: no events yet")
            for item in data.get("rejected") or ():
                number, error = item["number"], item.get("error") or {}
                if error.get("code") == NOT_REGISTERED:
                    unregistered.append(number)
                out[number] = NotFound(
                    self.code, f"{number}: {error.get('message') or 'rejected'} ({error.get('code')})"
                )
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(self.code, f"unexpected gettrackinfo shape: {exc!r}") from exc
        return out, unregistered

    def parse_register(self, content: bytes) -> dict[str, NotFound]:
        """A ``register`` answer: every number stays NotFound until 17TRACK has synced it."""
        data = self._data(decode_json(self.code, content))
        out: dict[str, NotFound] = {}
        try:
            for item in data.get("accepted") or ():
                out[item["number"]] = NotFound(
                    self.code, f"{item['number']}: registered, waiting for 17TRACK's first sync"
                )
            for item in data.get("rejected") or ():
                # Per number, even "quota used up": the batch's registered numbers keep their answers.
                error = item.get("error") or {}
                detail = "already registered" if error.get("code") == ALREADY_REGISTERED else "register rejected"
                out[item["number"]] = NotFound(
                    self.code, f"{item['number']}: {detail}: {error.get('message')} ({error.get('code')})"
                )
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(self.code, f"unexpected register shape: {exc!r}") from exc
        return out

    def parse_push(self, headers: Mapping[str, str], body: bytes) -> list[TrackingResult]:
        """A webhook notification; ``sign`` must be hex SHA256(body + "/" + key)."""
        given = next((v for k, v in headers.items() if k.lower() == "sign"), "")
        expected = hashlib.sha256(body + b"/" + self._key.encode()).hexdigest()
        if not self._key or not hmac.compare_digest(expected, given.strip().lower()):
            raise AuthError(self.code, "webhook sign does not verify")
        payload = decode_json(self.code, body)
        try:
            event = payload["event"]
            # TRACKING_STOPPED says 17TRACK stopped following the number; it carries no new scans.
            result = self._result(payload["data"]) if event == "TRACKING_UPDATED" else None
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(self.code, f"unexpected webhook shape: {exc!r}") from exc
        return [result] if result is not None else []

    def push_reply(self) -> tuple[int, str, bytes]:
        return 200, "application/json", b'{"code":0}'

    def _data(self, body: Any) -> dict[str, Any]:
        """The ``data`` of an answer, or the typed error a whole-call failure stands for."""
        if not isinstance(body, dict):
            raise BadResponse(self.code, "answer is not a JSON object")
        data = body.get("data")
        errors = (data.get("errors") if isinstance(data, dict) else None) or []
        codes = [body.get("code"), *(e.get("code") for e in errors if isinstance(e, dict))]
        detail = f"code {codes}: {[e.get('message') for e in errors if isinstance(e, dict)]}"
        if AUTH_CODES.intersection(codes):
            raise AuthError(self.code, detail)
        if QUOTA_CODES.intersection(codes):
            raise RateLimited(self.code, detail, retry_after=QUOTA_RETRY_AFTER)
        if UNAVAILABLE_CODES.intersection(codes):
            raise CarrierUnavailable(self.code, detail)
        if body.get("code") != 0 or errors or not isinstance(data, dict):
            raise BadResponse(self.code, detail)
        return data

    def _result(self, item: dict[str, Any]) -> TrackingResult | None:
        """One accepted number; None while 17TRACK has no scan for it."""
        info = item.get("track_info")
        if not info:
            return None
        providers = (info.get("tracking") or {}).get("providers") or ()
        events = [self._event(raw) for provider in providers for raw in provider.get("events") or ()]
        if not events:
            return None
        carrier = item.get("carrier")
        return TrackingResult(
            tracking_number=item["number"],
            events=events,
            carrier_eta=self._eta(info),
            sub_carrier=str(carrier) if carrier else None,
        )

    def _eta(self, info: dict[str, Any]) -> datetime | None:
        window = (info.get("time_metrics") or {}).get("estimated_delivery_date") or {}
        # The late end of the window: a parcel is only overdue once that has passed.
        latest = window.get("to") or window.get("from")
        return parse_local_time(latest, self.zone, self.code) if latest else None

    def _event(self, raw: dict[str, Any]) -> CarrierEvent:
        code = raw.get("sub_status") or ""
        mapped = CODE_TABLE.get(code)
        if mapped is None:
            stage = raw.get("stage") or ""
            mapped = STAGE_TABLE.get(stage, _UNMAPPED)
            code = code or stage
        when = raw.get("time_utc") or raw.get("time_iso")
        if not when:
            raise BadResponse(self.code, f"event without time: {raw.get('description')!r}")
        return CarrierEvent(
            occurred_at=parse_local_time(when, self.zone, self.code),
            status=mapped[0],
            sub_status=mapped[1],
            carrier_code=code,
            description=raw.get("description") or "",
            location=raw.get("location") or None,
        )


def _number(query: TrackingQuery) -> dict[str, object]:
    """One request item; a numeric sub-carrier is 17TRACK's carrier key and skips its detection."""
    if query.sub_carrier and query.sub_carrier.isdigit():
        return {"number": query.tracking_number, "carrier": int(query.sub_carrier)}
    return {"number": query.tracking_number}


def _by_asked_number(
    queries: Sequence[TrackingQuery], results: dict[str, TrackingResult | NotFound]
) -> dict[str, TrackingResult | NotFound]:
    """Key results by the numbers as asked: the poller looks them up that way, 17TRACK may normalise them."""
    asked = {_normal(q.tracking_number): q.tracking_number for q in queries}
    out: dict[str, TrackingResult | NotFound] = {}
    for number, result in results.items():
        original = asked.get(_normal(number), number)
        if isinstance(result, TrackingResult) and original != result.tracking_number:
            result.tracking_number = original
        out[original] = result
    return out


def _normal(number: str) -> str:
    return number.strip().upper()
