"""EasyPost trackers: webhook push (``X-Hmac-Signature``) and tracker lookup.

Followed:
- Trackers, https://docs.easypost.com/docs/trackers — ``tracking_code``, ``carrier``, ``status``
  (unknown, pre_transit, in_transit, out_for_delivery, delivered, available_for_pickup,
  return_to_sender, failure, cancelled, error), ``status_detail`` (address_correction,
  arrived_at_destination, arrived_at_facility, arrived_at_pickup_location, awaiting_information,
  cancelled, damaged, delayed, delivery_exception, departed_facility, departed_origin_facility,
  expired, failure, held, in_transit, label_created, lost, missorted, out_for_delivery,
  received_at_destination_facility, received_at_origin_facility, refused, return, status_update,
  transferred_to_destination_carrier, transit_exception, unknown, weather_delay),
  ``est_delivery_date`` and ``tracking_details[]`` (``datetime``, ``message``, ``status``,
  ``status_detail``, ``tracking_location{city,state,country}``); datetimes without enough location
  default to UTC. Listing: ``GET /v2/trackers?tracking_code=`` → ``{"trackers": [...]}``, the API
  key as the basic-auth user (https://docs.easypost.com/guides/tracking-guide).
- Webhooks, https://docs.easypost.com/docs/webhooks, and the official client's ``validate_webhook``
  (https://github.com/EasyPost/easypost-python/blob/master/easypost/util.py): header
  ``X-Hmac-Signature: hmac-sha256-hex=<hex>`` = HMAC-SHA256 over the raw body, keyed with the
  NFKD-normalised webhook secret (UTF-8), compared in constant time; any 2XX acknowledges.
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
    # "unknown" and "error" (EasyPost could not track) say nothing about the parcel: left unmapped.
}
# A status_detail that names the trouble outright, whatever the status beside it.
DETAIL_TABLE: dict[str, tuple[Status, SubStatus | None]] = {
    "damaged": (S.EXCEPTION, SS.DAMAGED),
    "lost": (S.EXCEPTION, SS.LOST),
    "delayed": (S.EXCEPTION, SS.DELAYED),
    "weather_delay": (S.EXCEPTION, SS.DELAYED),
    "refused": (S.RETURNING, SS.REFUSED),
    "return": (S.RETURNING, None),
    "cancelled": (S.EXCEPTION, SS.CANCELLED),
}
# A status_detail whose meaning depends on the status (e.g. "held" is fine at a pickup point).
PAIR_TABLE: dict[tuple[str, str], tuple[Status, SubStatus | None]] = {
    ("delivered", "return"): (S.RETURNED, None),
    ("in_transit", "arrived_at_pickup_location"): (S.AVAILABLE_FOR_PICKUP, None),
    ("in_transit", "held"): (S.IN_TRANSIT, SS.HELD_AT_CARRIER),
    ("failure", "held"): (S.EXCEPTION, SS.HELD_AT_CARRIER),
    ("failure", "address_correction"): (S.EXCEPTION, SS.ADDRESS_ISSUE),
    ("failure", "delivery_exception"): (S.ATTEMPT_FAILED, None),
    ("out_for_delivery", "delivery_exception"): (S.ATTEMPT_FAILED, None),
    ("in_transit", "transit_exception"): (S.EXCEPTION, SS.OTHER),
}
_UNMAPPED: tuple[Status, SubStatus | None] = (S.UNKNOWN, None)


def signature(secret: str, body: bytes) -> str:
    """The ``X-Hmac-Signature`` value EasyPost sends for ``body``."""
    key = unicodedata.normalize("NFKD", secret).encode("utf-8")
    return "hmac-sha256-hex=" + hmac.new(key, body, hashlib.sha256).hexdigest()


class EasyPostAdapter:
    code = "easypost"
    zone = UTC
    max_batch = 1

    def __init__(self, config: CarrierConfig) -> None:
        self._url = config.base_url.rstrip("/") + "/v2/trackers"
        # Basic auth with the API key as user and no password.
        token = base64.b64encode(f"{config.key or ''}:".encode()).decode()
        self._headers = {"Authorization": f"Basic {token}"}
        self._secret = config.secret or ""

    async def track(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> Mapping[str, TrackingResult | NotFound]:
        out: dict[str, TrackingResult | NotFound] = {}
        for query in queries:
            params = {"tracking_code": query.tracking_number}
            if query.sub_carrier:
                params["carrier"] = query.sub_carrier
            request = client.build_request("GET", self._url, params=params, headers=self._headers)
            response = await send(self.code, client, request)
            found = self.parse(response.content).get(query.tracking_number)
            out[query.tracking_number] = found or NotFound(
                self.code, f"{query.tracking_number}: no tracker with events"
            )
        return out

    def parse(self, content: bytes) -> dict[str, TrackingResult]:
        """Parse a tracker list (``{"trackers": [...]}``) or one Tracker; newest tracker per code, with events."""
        body = decode_json(self.code, content)
        try:
            trackers = body["trackers"] if "trackers" in body else [body]
            out: dict[str, TrackingResult] = {}
            # EasyPost lists newest first: keep the first tracker of each code.
            for tracker in trackers:
                result = self._result(tracker)
                if result.events and result.tracking_number not in out:
                    out[result.tracking_number] = result
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(self.code, f"unexpected shape: {exc!r}") from exc
        return out

    def parse_push(self, headers: Mapping[str, str], body: bytes) -> list[TrackingResult]:
        """A webhook Event; only ``tracker.*`` events carry parcels."""
        given = next((v for k, v in headers.items() if k.lower() == "x-hmac-signature"), "")
        if not self._secret or not hmac.compare_digest(signature(self._secret, body), given.strip()):
            raise AuthError(self.code, "X-Hmac-Signature does not verify")
        event = decode_json(self.code, body)
        try:
            if not str(event["description"]).startswith("tracker."):
                return []
            result = self._result(event["result"])
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(self.code, f"unexpected event shape: {exc!r}") from exc
        return [result] if result.events else []

    def push_reply(self) -> tuple[int, str, bytes]:
        return 200, "application/json", b"{}"

    def _result(self, tracker: dict[str, Any]) -> TrackingResult:
        eta = tracker.get("est_delivery_date")
        return TrackingResult(
            tracking_number=tracker["tracking_code"],
            events=[self._event(d) for d in tracker.get("tracking_details") or ()],
            carrier_eta=parse_local_time(eta, self.zone, self.code) if eta else None,
            sub_carrier=tracker.get("carrier") or None,
        )

    def _event(self, detail: dict[str, Any]) -> CarrierEvent:
        status_code, sub_code = detail.get("status") or "", detail.get("status_detail") or ""
        mapped = (
            PAIR_TABLE.get((status_code, sub_code))
            or DETAIL_TABLE.get(sub_code)
            or STATUS_TABLE.get(status_code, _UNMAPPED)
        )
        place = detail.get("tracking_location") or {}
        location = ", ".join(p for p in (place.get("city"), place.get("state"), place.get("country")) if p)
        return CarrierEvent(
            occurred_at=parse_local_time(detail["datetime"], self.zone, self.code),
            status=mapped[0],
            sub_status=mapped[1],
            carrier_code=f"{status_code}/{sub_code}" if sub_code else status_code,
            description=detail.get("message") or "",
            location=location or None,
        )
