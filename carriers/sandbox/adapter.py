"""Adapter for the sandbox carrier's HTTP API (``POST /sandbox/v1/track``)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import httpx

from carriers.base import SHANGHAI, CarrierConfig, decode_json, parse_local_time, send
from carriers.errors import AuthError, BadResponse, NotFound
from schemas import CarrierEvent, Status, SubStatus, TrackingQuery, TrackingResult

CODE_TABLE: dict[str, tuple[Status, SubStatus | None]] = {
    "INFO": (Status.INFO_RECEIVED, None),
    "COLLECTED": (Status.IN_TRANSIT, None),
    "DEPARTED": (Status.IN_TRANSIT, None),
    "ARRIVED": (Status.IN_TRANSIT, None),
    "CUSTOMS_PROCESSING": (Status.IN_TRANSIT, SubStatus.CUSTOMS_HOLD),
    "CUSTOMS_HOLD": (Status.EXCEPTION, SubStatus.CUSTOMS_HOLD),
    "DELIVERING": (Status.OUT_FOR_DELIVERY, None),
    "AT_PICKUP_POINT": (Status.AVAILABLE_FOR_PICKUP, None),
    "SIGNED": (Status.DELIVERED, None),
    "SIGNED_LOCKER": (Status.DELIVERED, SubStatus.DELIVERED_TO_LOCKER),
    "SIGNED_NEIGHBOR": (Status.DELIVERED, SubStatus.DELIVERED_TO_NEIGHBOR),
    "FAILED_ATTEMPT": (Status.ATTEMPT_FAILED, SubStatus.RECIPIENT_UNAVAILABLE),
    "DAMAGED": (Status.EXCEPTION, SubStatus.DAMAGED),
    "LOST": (Status.EXCEPTION, SubStatus.LOST),
    "DELAYED": (Status.EXCEPTION, SubStatus.DELAYED),
    "ADDRESS_ISSUE": (Status.EXCEPTION, SubStatus.ADDRESS_ISSUE),
    "REFUSED": (Status.RETURNING, SubStatus.REFUSED),
    "RETURNING": (Status.RETURNING, None),
    "RETURNED": (Status.RETURNED, SubStatus.REFUSED),
    "CANCELLED": (Status.EXCEPTION, SubStatus.CANCELLED),
}


class SandboxAdapter:
    code = "sandbox"
    zone = SHANGHAI
    max_batch = 40
    needs_phone = False

    def __init__(self, config: CarrierConfig) -> None:
        self._url = config.base_url.rstrip("/") + "/sandbox/v1/track"
        self._key = config.key
        self._secret = config.secret

    async def track(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> Mapping[str, TrackingResult | NotFound]:
        payload = {
            "parcels": [
                {
                    "number": q.tracking_number,
                    "registered_at": (q.registered_at or datetime.now(UTC)).isoformat(),
                }
                for q in queries
            ]
        }
        headers = {"X-Sandbox-Key": self._key} if self._key else {}
        response = await send(self.code, client, client.build_request("POST", self._url, json=payload, headers=headers))
        return self.parse(response.content)

    def parse(self, content: bytes) -> dict[str, TrackingResult | NotFound]:
        """Parse a ``/sandbox/v1/track`` answer into results keyed by number."""
        body = decode_json(self.code, content)
        try:
            parcels = body["data"]
            out: dict[str, TrackingResult | NotFound] = {}
            for parcel in parcels:
                number = parcel["number"]
                if parcel["status"] == "not_found":
                    out[number] = NotFound(self.code, f"no record of {number}")
                    continue
                out[number] = TrackingResult(
                    tracking_number=number,
                    events=[self._event(raw) for raw in parcel["events"]],
                    carrier_eta=parse_local_time(parcel["eta"], self.zone, self.code) if parcel.get("eta") else None,
                )
        except (KeyError, TypeError) as exc:
            raise BadResponse(self.code, f"unexpected shape: missing {exc}") from exc
        return out

    def parse_push(self, headers: Mapping[str, str], body: bytes) -> list[TrackingResult]:
        """A sandbox push: ``{"data": [...]}`` as ``track`` answers, signed with
        ``X-Sandbox-Signature: hex(HMAC-SHA256(secret, body))``."""
        expected = hmac.new((self._secret or "").encode(), body, hashlib.sha256).hexdigest()
        given = {k.lower(): v for k, v in headers.items()}.get("x-sandbox-signature", "")
        if not self._secret or not hmac.compare_digest(expected, given):
            raise AuthError(self.code, "bad or missing X-Sandbox-Signature")
        return [r for r in self.parse(body).values() if isinstance(r, TrackingResult)]

    def push_reply(self) -> tuple[int, str, bytes]:
        return 200, "application/json", b'{"code":0}'

    def _event(self, raw: dict[str, str]) -> CarrierEvent:
        code = raw["code"]
        status, sub_status = CODE_TABLE.get(code, (Status.UNKNOWN, None))
        return CarrierEvent(
            occurred_at=parse_local_time(raw["time"], self.zone, self.code),
            status=status,
            sub_status=sub_status,
            carrier_code=code,
            description=raw.get("desc") or "",
            location=raw.get("location"),
        )
