"""The shape of one contract case; every adapter contributes a table of these.

A carrier module ``tests/contract/cases_<carrier>.py`` defines ``PULL_CASES``
(list of ``PullCase``) and, for carriers with push, ``PUSH_CASES`` (list of
``PushCase``). ``test_contract.py`` runs them all through one suite and checks
that every pull carrier covers ``REQUIRED_PULL_CASES``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from carriers.base import CarrierConfig
from carriers.errors import CarrierError
from schemas import Status, SubStatus, TrackingQuery

FIXTURES = Path(__file__).parent / "fixtures"

REQUIRED_PULL_CASES = frozenset(
    {
        "delivered",
        "in_transit",
        "exception",
        "not_found",
        "unmapped_code",
        "http_401",
        "http_429",
        "http_5xx",
        "garbage",
    }
)


def fixture(carrier: str, name: str) -> bytes:
    """Raw bytes of ``tests/contract/fixtures/<carrier>/<name>``."""
    return (FIXTURES / carrier / name).read_bytes()


@dataclass(frozen=True)
class Reply:
    """What the fake carrier answers."""

    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] = b""
    headers: dict[str, str] = field(default_factory=dict)

    def to_response(self) -> httpx.Response:
        content = self.body
        headers = dict(self.headers)
        if isinstance(content, (dict, list)):
            content = json.dumps(content, ensure_ascii=False).encode()
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(content, str):
            content = content.encode()
        return httpx.Response(self.status, content=content, headers=headers)


@dataclass(frozen=True)
class Parcel:
    """What the suite expects of one parcel's result."""

    status: Status  # status of the newest event
    sub_status: SubStatus | None = None
    events: int | None = None  # exact event count, when the fixture pins it
    carrier_eta: datetime | None = None
    sub_carrier: str | None = None
    unmapped: bool = False  # some event carries status unknown


@dataclass(frozen=True)
class PullCase:
    carrier: str
    name: str
    config: CarrierConfig
    queries: list[TrackingQuery]
    reply: Reply
    # Either the expected parcels by number (NotFound instances allowed via the string "not_found"),
    # or the CarrierError subclass the whole call raises.
    expect: dict[str, Parcel | str] | type[CarrierError]
    # Optional check of the request the adapter sent (signing, headers, body); raise AssertionError.
    check_request: Callable[[httpx.Request], None] | None = None
    retry_after: float | None = None  # expected RateLimited.retry_after


@dataclass(frozen=True)
class PushCase:
    carrier: str
    name: str
    config: CarrierConfig
    headers: dict[str, str]
    body: bytes
    # Expected parcels by number, or AuthError / BadResponse class.
    expect: dict[str, Parcel] | type[CarrierError]


def fixture_reply(carrier: str, name: str) -> Reply:
    return Reply(200, fixture(carrier, name), {"Content-Type": "application/json"})


def http_error_cases(carrier: str, config: CarrierConfig, queries: list[TrackingQuery]) -> list[PullCase]:
    """The failures every carrier can answer with: 401, 429 + Retry-After, 5xx, a truncated body."""
    from carriers.errors import AuthError, BadResponse, CarrierUnavailable, RateLimited

    return [
        PullCase(carrier, "http_401", config, queries, Reply(401, {"message": "unauthorized"}), AuthError),
        PullCase(
            carrier,
            "http_429",
            config,
            queries,
            Reply(429, "slow down", {"Retry-After": "30"}),
            RateLimited,
            retry_after=30.0,
        ),
        PullCase(carrier, "http_5xx", config, queries, Reply(502, "<html>Bad Gateway</html>"), CarrierUnavailable),
        PullCase(carrier, "garbage", config, queries, Reply(200, b'{"data": [{"trunc'), BadResponse),
    ]
