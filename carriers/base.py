"""The adapter Protocol and the helpers every adapter shares."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

import httpx

from carriers.errors import (
    AuthError,
    BadResponse,
    CarrierError,
    CarrierUnavailable,
    NotFound,
    RateLimited,
)
from schemas import TrackingQuery, TrackingResult

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class CarrierConfig:
    """Credentials and endpoint of one carrier, as the service's settings give them."""

    base_url: str
    key: str | None = None
    secret: str | None = None
    customer: str | None = None
    partner_id: str | None = None
    check_word: str | None = None


@runtime_checkable
class CarrierAdapter(Protocol):
    """Translates one carrier's wire format into canonical events. Never touches the database.

    ``track`` returns one entry per asked number: a ``TrackingResult`` or a ``NotFound``.
    A failure of the whole call raises a ``CarrierError``.
    """

    code: str
    zone: ZoneInfo
    max_batch: int

    async def track(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> Mapping[str, TrackingResult | NotFound]: ...


@runtime_checkable
class PushAdapter(Protocol):
    """A carrier that pushes updates to ``POST /v1/webhooks/carriers/{code}``."""

    code: str

    def parse_push(self, headers: Mapping[str, str], body: bytes) -> list[TrackingResult]:
        """Verify the signature (``AuthError`` when wrong) and parse the pushed results."""
        ...

    def push_reply(self) -> tuple[int, str, bytes]:
        """Status, content type and body the carrier expects as acknowledgement."""
        ...


def parse_local_time(text: str, zone: ZoneInfo, carrier: str, fmt: str = "%Y-%m-%d %H:%M:%S") -> datetime:
    """Read a carrier time; naive times are in the carrier's zone, aware ones keep their offset."""
    try:
        if "T" in text or "+" in text[10:] or text.endswith("Z"):
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        else:
            moment = datetime.strptime(text, fmt)
    except (ValueError, TypeError) as exc:
        raise BadResponse(carrier, f"unreadable time {text!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment


def raise_for_http_status(carrier: str, response: httpx.Response) -> None:
    """Turn an HTTP failure status into the matching typed error."""
    status = response.status_code
    if status < 400:
        return
    if status in (401, 403):
        raise AuthError(carrier, f"HTTP {status}")
    if status == 404:
        raise NotFound(carrier, "HTTP 404")
    if status == 429:
        raise RateLimited(carrier, "HTTP 429", retry_after=parse_retry_after(response.headers.get("Retry-After")))
    if status >= 500:
        raise CarrierUnavailable(carrier, f"HTTP {status}")
    raise BadResponse(carrier, f"HTTP {status}")


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds form; dates are rare for APIs)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def decode_json(carrier: str, content: bytes) -> Any:
    """Parse a JSON body or raise ``BadResponse``."""
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadResponse(carrier, f"body is not JSON ({len(content)} bytes)") from exc


async def send(carrier: str, client: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
    """Send a request, mapping transport failures and HTTP errors to typed errors."""
    try:
        response = await client.send(request)
    except httpx.TimeoutException as exc:
        raise CarrierUnavailable(carrier, f"timeout: {type(exc).__name__}") from exc
    except httpx.TransportError as exc:
        raise CarrierUnavailable(carrier, f"transport: {type(exc).__name__}") from exc
    raise_for_http_status(carrier, response)
    return response


__all__ = [
    "SHANGHAI",
    "UTC",
    "CarrierAdapter",
    "CarrierConfig",
    "CarrierError",
    "PushAdapter",
    "decode_json",
    "parse_local_time",
    "parse_retry_after",
    "raise_for_http_status",
    "send",
]
