"""EasyPost trackers: webhook push (``X-Hmac-Signature``) and tracker lookup.

Followed:
- Trackers, https://docs.easypost.com/docs/trackers — ``tracking_code``, ``carrier``, ``status`` /
  ``status_detail`` (the code table and its sources: ``carriers/easypost_codes.py``; the tracker's own pair is
  EasyPost's computed state and wins over the newest scan when it says more, SPEC §2),
  ``est_delivery_date`` and ``tracking_details[]`` (``datetime``, ``message``, ``status``,
  ``status_detail``, ``tracking_location{city,state,country}``); datetimes without enough location
  default to UTC. Listing: ``GET /v2/trackers?tracking_code=`` → ``{"trackers": [...]}``, the API
  key as the basic-auth user (https://docs.easypost.com/guides/tracking-guide).
- Subscribing = creating a Tracker, ``POST /v2/trackers`` ``{"tracker": {"tracking_code", "carrier"?}}``
  (tracking guide); EasyPost answers the original Tracker for a repeated code + carrier, so "already there" is
  a success. Errors come as ``{"error": {"code", "message", "errors"}}`` with 401 / 422 / 5xx
  (https://docs.easypost.com/guides/errors-guide). EasyPost has no per-tracker callback: webhook URLs are set
  account-wide (dashboard or ``POST /v2/webhooks``), so ``callback_url`` must be registered there once.
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

from carriers.base import (
    UTC,
    CarrierConfig,
    decode_json,
    parse_local_time,
    raise_for_http_status,
    send,
    transmit,
    with_carrier_state,
)
from carriers.easypost_codes import STATUS_TABLE, canonical
from carriers.errors import AuthError, BadResponse, CarrierError, NotFound
from schemas import CarrierEvent, TrackingQuery, TrackingResult


def signature(secret: str, body: bytes) -> str:
    """The ``X-Hmac-Signature`` value EasyPost sends for ``body``."""
    key = unicodedata.normalize("NFKD", secret).encode("utf-8")
    return "hmac-sha256-hex=" + hmac.new(key, body, hashlib.sha256).hexdigest()


class EasyPostAdapter:
    code = "easypost"
    zone = UTC
    max_batch = 1
    max_subscribe_batch = 1  # one Tracker per create call
    needs_phone = False

    def __init__(self, config: CarrierConfig) -> None:
        self._url = config.base_url.rstrip("/") + "/v2/trackers"  # list (GET) and create (POST)
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

    async def subscribe(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery], callback_url: str
    ) -> Mapping[str, CarrierError | None]:
        """Create a Tracker per number; ``callback_url`` is not sent (EasyPost webhooks are account-wide)."""
        out: dict[str, CarrierError | None] = {}
        for query in queries:
            tracker: dict[str, str] = {"tracking_code": query.tracking_number}
            if query.sub_carrier:
                tracker["carrier"] = query.sub_carrier
            request = client.build_request("POST", self._url, json={"tracker": tracker}, headers=self._headers)
            out[query.tracking_number] = await self._create(client, request, query.tracking_number)
        return out

    async def _create(self, client: httpx.AsyncClient, request: httpx.Request, number: str) -> CarrierError | None:
        response = await transmit(self.code, client, request)
        if response.status_code in (400, 422):  # this number was refused (bad code, unknown carrier)
            return BadResponse(self.code, f"{number}: {_error_message(response)}")
        raise_for_http_status(self.code, response)  # 401/403 auth, 429, 5xx: the whole call fails
        try:
            created = decode_json(self.code, response.content)
            if created.get("object") != "Tracker":
                return BadResponse(self.code, f"{number}: create answered {created.get('object')!r}")
        except (BadResponse, AttributeError) as exc:
            return BadResponse(self.code, f"{number}: unreadable create answer ({exc})")
        return None

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
        events = [self._event(d) for d in tracker.get("tracking_details") or ()]
        status_code, sub_code = tracker.get("status") or "", tracker.get("status_detail") or ""
        if status_code in STATUS_TABLE:  # the tracker's computed state; an undocumented one adds nothing
            code = f"{status_code}/{sub_code}" if sub_code else status_code
            said = f"EasyPost: {status_code}" + (f" ({sub_code})" if sub_code else "")
            events = with_carrier_state(events, canonical(status_code, sub_code), code, said.replace("_", " "))
        return TrackingResult(
            tracking_number=tracker["tracking_code"],
            events=events,
            carrier_eta=parse_local_time(eta, self.zone, self.code) if eta else None,
            sub_carrier=tracker.get("carrier") or None,
        )

    def _event(self, detail: dict[str, Any]) -> CarrierEvent:
        status_code, sub_code = detail.get("status") or "", detail.get("status_detail") or ""
        mapped = canonical(status_code, sub_code)
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


def _error_message(response: httpx.Response) -> str:
    """``error.message`` of EasyPost's error envelope, else the HTTP status."""
    try:
        error = decode_json("easypost", response.content)["error"]
        return f"{error.get('code')}: {error.get('message')}"
    except (BadResponse, KeyError, TypeError, AttributeError):
        return f"HTTP {response.status_code}"
