"""17TRACK v2.2 contract cases: gettrackinfo batches and webhook pushes, from documented payload shapes."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import httpx

from carriers.base import CarrierConfig
from carriers.errors import AuthError, BadResponse, RateLimited
from schemas import Status, SubStatus, TrackingQuery
from tests.contract.framework import Parcel, PullCase, PushCase, fixture, fixture_reply, http_error_cases

CARRIER = "seventeentrack"
CONFIG = CarrierConfig(base_url="https://api.17track.test", key="token-17")
ONE = [TrackingQuery("RR123456789CN")]
THREE = [TrackingQuery(n) for n in ("RR123456789CN", "LX123456789CN", "UA123456789CN")]


def _asks_for(queries: list[TrackingQuery], **extra: object) -> object:
    def check(request: httpx.Request) -> None:
        assert request.method == "POST"
        assert request.url.path == "/track/v2.2/gettrackinfo"
        assert request.headers["17token"] == "token-17"
        assert json.loads(request.content) == [{"number": q.tracking_number, **extra} for q in queries]

    return check


def _case(name: str, file: str, expect: object, queries: list[TrackingQuery] = ONE, **extra: object) -> PullCase:
    return PullCase(CARRIER, name, CONFIG, queries, fixture_reply(CARRIER, file), expect, **extra)  # type: ignore[arg-type]


PULL_CASES = [
    _case(
        "delivered",
        "delivered.json",
        {"RR123456789CN": Parcel(Status.DELIVERED, events=5, sub_carrier="3011")},
        check_request=_asks_for(ONE),
    ),
    _case(
        "in_transit",
        "in_transit.json",
        {
            "RR123456789CN": Parcel(Status.IN_TRANSIT, carrier_eta=datetime(2026, 11, 24, 23, 0, tzinfo=UTC)),
            "LX123456789CN": Parcel(Status.IN_TRANSIT, SubStatus.CUSTOMS_HOLD),
            "UA123456789CN": "not_found",  # -18019909: registered, no tracking information yet
        },
        THREE,
        check_request=_asks_for(THREE),
    ),
    _case(
        "carrier_key_from_sub_carrier",
        "delivered.json",
        {"RR123456789CN": Parcel(Status.DELIVERED)},
        [TrackingQuery("RR123456789CN", sub_carrier="3011")],
        check_request=_asks_for(ONE, carrier=3011),
    ),
    _case("exception", "exception_damage.json", {"RR123456789CN": Parcel(Status.EXCEPTION, SubStatus.DAMAGED)}),
    _case("exception_lost", "exception_lost.json", {"RR123456789CN": Parcel(Status.EXCEPTION, SubStatus.LOST)}),
    _case(
        "exception_delayed", "exception_delayed.json", {"RR123456789CN": Parcel(Status.EXCEPTION, SubStatus.DELAYED)}
    ),
    _case("not_found", "not_registered.json", {"RR123456789CN": "not_found"}),
    _case("registered_without_events", "registered_no_events.json", {"RR123456789CN": "not_found"}),
    _case("unmapped_code", "unmapped.json", {"RR123456789CN": Parcel(Status.UNKNOWN, unmapped=True)}),
    _case("invalid_key_in_body", "invalid_key.json", AuthError),
    _case("quota_exhausted", "quota_exhausted.json", RateLimited, retry_after=3600.0),
    *http_error_cases(CARRIER, CONFIG, ONE),
]


def _signed(body: bytes, key: str = "token-17") -> dict[str, str]:
    return {"sign": hashlib.sha256(body + b"/" + key.encode()).hexdigest()}


_UPDATED = fixture(CARRIER, "push_tracking_updated.json")
_STOPPED = fixture(CARRIER, "push_tracking_stopped.json")
_GARBAGE = b'{"event":"TRACKING_UPD'

PUSH_CASES = [
    PushCase(
        CARRIER,
        "good_signature",
        CONFIG,
        _signed(_UPDATED),
        _UPDATED,
        {"RR123456789CN": Parcel(Status.DELIVERED, events=5)},
    ),
    PushCase(CARRIER, "tracking_stopped_carries_no_parcel", CONFIG, _signed(_STOPPED), _STOPPED, {}),
    PushCase(CARRIER, "bad_signature", CONFIG, _signed(_UPDATED, "other-key"), _UPDATED, AuthError),
    PushCase(CARRIER, "missing_signature", CONFIG, {}, _UPDATED, AuthError),
    PushCase(CARRIER, "garbage", CONFIG, _signed(_GARBAGE), _GARBAGE, BadResponse),
]
