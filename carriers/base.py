"""The adapter Protocol and the helpers every adapter shares."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
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
from schemas import CarrierEvent, Status, SubStatus, TrackingQuery, TrackingResult

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
    # Pushes whose signed timestamp is further than this from now are refused (replays); the clock is
    # injectable so recorded pushes can be replayed in tests.
    push_max_age_seconds: float = 900.0
    clock: Callable[[], float] = time.time


@runtime_checkable
class CarrierAdapter(Protocol):
    """Translates one carrier's wire format into canonical events. Never touches the database.

    ``track`` returns one entry per asked number: a ``TrackingResult`` or a ``NotFound``.
    A failure of the whole call raises a ``CarrierError``.
    """

    code: str
    zone: ZoneInfo
    max_batch: int
    needs_phone: bool  # queries must carry the buyer phone's last 4 digits (Kuaidi100, SF Express)

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


@runtime_checkable
class SubscribeAdapter(Protocol):
    """A carrier that pushes once told about a number (Kuaidi100 ``poll``, 17TRACK ``register``, EasyPost trackers).

    ``subscribe`` answers one entry per asked number: ``None`` when the carrier accepted it (or already
    had it), else the ``CarrierError`` it gave for that number. A failure of the whole call raises.
    """

    code: str
    max_subscribe_batch: int

    async def subscribe(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery], callback_url: str
    ) -> Mapping[str, CarrierError | None]: ...


@runtime_checkable
class UnsubscribeAdapter(Protocol):
    """A carrier whose push subscription can be cancelled (17TRACK ``stoptrack``).

    Kuaidi100 ``poll`` and EasyPost trackers have no cancel call: their subscriptions run out by themselves
    (see those modules), so they are not ``UnsubscribeAdapter``s and a stopped shipment of theirs costs no call.
    ``unsubscribe`` answers one entry per asked number: ``None`` when the carrier no longer pushes it (stopped
    now, already stopped, or never registered), else the ``CarrierError`` it gave for that number. A failure
    of the whole call raises.
    """

    code: str
    max_unsubscribe_batch: int

    async def unsubscribe(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> Mapping[str, CarrierError | None]: ...


@runtime_checkable
class NumberRecognizer(Protocol):
    """An aggregator that names the companies a tracking number may belong to (Kuaidi100 智能单号识别)."""

    code: str

    async def autonumber(self, client: httpx.AsyncClient, number: str) -> list[str]:
        """The aggregator's sub-carrier codes for ``number``, best first; empty when none claims it."""
        ...


def parse_local_time(text: str, zone: ZoneInfo, carrier: str, fmt: str = "%Y-%m-%d %H:%M:%S") -> datetime:
    """Read a carrier time; naive times are in the carrier's zone, aware ones keep their offset."""
    if not isinstance(text, str):
        raise BadResponse(carrier, f"time {text!r} is not text")
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


# Statuses that only say "moving along": a carrier state naming anything else says more.
_GENERIC = frozenset({Status.PENDING, Status.INFO_RECEIVED, Status.IN_TRANSIT, Status.UNKNOWN})
# A scan that ends the journey is only outdone by a state about trouble or the way back.
_ENDS = frozenset({Status.DELIVERED, Status.RETURNED})
_OUTDO_ENDS = frozenset({Status.DELIVERED, Status.RETURNED, Status.RETURNING, Status.EXCEPTION})
STATE_CODE_PREFIX = "state:"


def state_says_more(state: tuple[Status, SubStatus | None], scan: tuple[Status, SubStatus | None]) -> bool:
    """Whether a carrier's computed state is more specific than its newest scan (SPEC §2)."""
    (status, sub), (scan_status, scan_sub) = state, scan
    if status is Status.UNKNOWN or state == scan:
        return False
    if status in _GENERIC:  # only adds detail to an equally generic scan (e.g. customs processing)
        return scan_status in _GENERIC and sub is not None and scan_sub is None
    if scan_status in _GENERIC:
        return True
    if scan_status in _ENDS and status not in _OUTDO_ENDS:
        return False
    if status is not scan_status:
        return True
    return sub is not None and scan_sub in (None, SubStatus.OTHER)


def with_carrier_state(
    events: list[CarrierEvent],
    state: tuple[Status, SubStatus | None] | None,
    code: str,
    description: str,
) -> list[CarrierEvent]:
    """Add the carrier's computed parcel state as the newest event when it says more than the newest scan.

    Carriers flag things no scan carries (Kuaidi100 ``state`` 超时未签收, 17TRACK ``latest_status``,
    an EasyPost tracker's ``status``); SPEC §2: the more specific one wins. The added event sits one
    microsecond after the newest scan, so it is stable across polls (deduplicated like any scan) and
    moves the shipment only when the flag is new. Its ``carrier_code`` is ``state:<code>``.
    """
    if state is None or not events:
        return events
    newest = max(events, key=lambda e: e.occurred_at)
    if not state_says_more(state, (newest.status, newest.sub_status)):
        return events
    flagged = replace(
        newest,
        occurred_at=newest.occurred_at + timedelta(microseconds=1),
        status=state[0],
        sub_status=state[1],
        carrier_code=STATE_CODE_PREFIX + code,
        description=description or newest.description,
    )
    return [*events, flagged]


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


async def transmit(carrier: str, client: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
    """Send a request, mapping timeouts and transport failures to ``CarrierUnavailable``; any HTTP status
    comes back (for adapters to which some statuses mean something, e.g. DHL's 404 = no such shipment)."""
    try:
        return await client.send(request)
    except httpx.TimeoutException as exc:
        raise CarrierUnavailable(carrier, f"timeout: {type(exc).__name__}") from exc
    except httpx.TransportError as exc:
        raise CarrierUnavailable(carrier, f"transport: {type(exc).__name__}") from exc


async def send(carrier: str, client: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
    """Send a request, mapping transport failures and HTTP errors to typed errors."""
    response = await transmit(carrier, client, request)
    raise_for_http_status(carrier, response)
    return response


__all__ = [
    "SHANGHAI",
    "UTC",
    "CarrierAdapter",
    "CarrierConfig",
    "CarrierError",
    "NumberRecognizer",
    "PushAdapter",
    "SubscribeAdapter",
    "UnsubscribeAdapter",
    "decode_json",
    "parse_local_time",
    "parse_retry_after",
    "raise_for_http_status",
    "send",
    "state_says_more",
    "transmit",
    "with_carrier_state",
]
