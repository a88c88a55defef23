"""17TRACK v2.2 contract cases (gettrackinfo batches and webhook push)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import httpx

from carriers.base import CarrierConfig
from carriers.errors import AuthError, BadResponse
from schemas import Status, SubStatus, TrackingQuery
from tests.contract.framework import Parcel, PullCase, PushCase, fixture, fixture_reply, http_error_cases

CONFIG = CarrierConfig(base_url="https://api.17track.test", key="token-17")
ONE = [TrackingQuery("RR123456789CN")]
THREE = [TrackingQuery(n) for n in ("RR123456789CN", "LX123456789CN", "UA123456789CN")]


def _batch_request(request: httpx.Request) -> None:
    assert request.url.path == "/track/v2.2/gettrackinfo"
    assert request.headers["17token"] == "token-17"
    assert json.loads(request.content) == [{"number": q.tracking_number} for q in THREE]


def _case(name: str, file: str, expect: object, queries: list[TrackingQuery] = ONE, **extra: object) -> PullCase:
    return PullCase("seventeentrack", name, CONFIG, queries, fixture_reply("seventeentrack", file), expect, **extra)  # type: ignore[arg-type]


PULL_CASES = [
    _case("delivered", "delivered.json", {"RR123456789CN": Parcel(Status.DELIVERED, events=3)}),
    _case(
        "in_transit",
        "in_transit.json",
        {
            "RR123456789CN": Parcel(Status.IN_TRANSIT, carrier_eta=datetime(2026, 11, 24, 23, 0, tzinfo=UTC)),
            "LX123456789CN": Parcel(Status.IN_TRANSIT, SubStatus.CUSTOMS_HOLD),
            "UA123456789CN": Parcel(Status.EXCEPTION, SubStatus.DAMAGED),
        },
        THREE,
        check_request=_batch_request,
    ),
    _case("exception", "exception_damage.json", {"RR123456789CN": Parcel(Status.EXCEPTION, SubStatus.DAMAGED)}),
    _case("exception_lost", "exception_lost.json", {"RR123456789CN": Parcel(Status.EXCEPTION, SubStatus.LOST)}),
    _case(
        "exception_delayed", "exception_delayed.json", {"RR123456789CN": Parcel(Status.EXCEPTION, SubStatus.DELAYED)}
    ),
    _case("not_found", "not_registered.json", {"RR123456789CN": "not_found"}),
    _case("unmapped_code", "unmapped.json", {"RR123456789CN": Parcel(Status.UNKNOWN, unmapped=True)}),
    *http_error_cases("seventeentrack", CONFIG, ONE),
]


def _push(key: str = "token-17") -> tuple[dict[str, str], bytes]:
    data = json.loads(fixture("seventeentrack", "delivered.json"))["data"]["accepted"][0]
    body = json.dumps({"event": "TRACKING_UPDATED", "data": data}).encode()
    return {"sign": hashlib.sha256(body + b"/" + key.encode()).hexdigest()}, body


PUSH_CASES = [
    PushCase("seventeentrack", "good_signature", CONFIG, *_push(), {"RR123456789CN": Parcel(Status.DELIVERED)}),
    PushCase("seventeentrack", "bad_signature", CONFIG, *_push("other-key"), AuthError),
    PushCase(
        "seventeentrack", "garbage", CONFIG, {"sign": hashlib.sha256(b"{x/token-17").hexdigest()}, b"{x", BadResponse
    ),
]
