"""Contract cases of the sandbox carrier, built from its own deterministic timelines."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

from carriers.base import CarrierConfig
from carriers.errors import AuthError, BadResponse, CarrierUnavailable, RateLimited
from carriers.sandbox.scenarios import build_parcel
from schemas import Status, SubStatus, TrackingQuery
from tests.contract.framework import Parcel, PullCase, PushCase, Reply

CONFIG = CarrierConfig(base_url="http://carrier.test")
REGISTERED = datetime(2026, 11, 11, 0, 0, tzinfo=UTC)


def _body(*numbers: str) -> dict[str, object]:
    data: list[object] = []
    for number in numbers:
        parcel = build_parcel(number, REGISTERED)
        data.append({"number": number, "status": "not_found"} if parcel is None else parcel.to_json())
    return {"code": 0, "data": data}


def _case(name: str, number: str, reply: Reply, expect: object, **extra: object) -> PullCase:
    return PullCase(
        carrier="sandbox",
        name=name,
        config=CONFIG,
        queries=[TrackingQuery(number, registered_at=REGISTERED)],
        reply=reply,
        expect=expect,  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


PULL_CASES = [
    _case(
        "delivered",
        "SBX-DELIVERED-1",
        Reply(body=_body("SBX-DELIVERED-1")),
        {"SBX-DELIVERED-1": Parcel(Status.DELIVERED, events=5)},
    ),
    _case(
        "in_transit",
        "SBX-IN_TRANSIT-1",
        Reply(body=_body("SBX-IN_TRANSIT-1")),
        {"SBX-IN_TRANSIT-1": Parcel(Status.IN_TRANSIT, carrier_eta=datetime(2026, 11, 12, 0, 0, tzinfo=UTC))},
    ),
    _case(
        "exception",
        "SBX-DAMAGED-1",
        Reply(body=_body("SBX-DAMAGED-1")),
        {"SBX-DAMAGED-1": Parcel(Status.EXCEPTION, SubStatus.DAMAGED)},
    ),
    _case("not_found", "SBX-NOT_FOUND-1", Reply(body=_body("SBX-NOT_FOUND-1")), {"SBX-NOT_FOUND-1": "not_found"}),
    _case(
        "unmapped_code",
        "SBX-UNMAPPED-1",
        Reply(body=_body("SBX-UNMAPPED-1")),
        {"SBX-UNMAPPED-1": Parcel(Status.UNKNOWN, unmapped=True)},
    ),
    _case("http_401", "SBX-DELIVERED-1", Reply(401, {"code": 401}), AuthError),
    _case("http_429", "SBX-DELIVERED-1", Reply(429, {"code": 429}, {"Retry-After": "7"}), RateLimited, retry_after=7.0),
    _case("http_5xx", "SBX-DELIVERED-1", Reply(503, "down"), CarrierUnavailable),
    _case("garbage", "SBX-DELIVERED-1", Reply(200, b'{"code":0,"data":[{"numb'), BadResponse),
    _case("wrong_shape", "SBX-DELIVERED-1", Reply(200, {"code": 0, "data": [{"number": "x"}]}), BadResponse),
]


PUSH_CONFIG = CarrierConfig(base_url="http://carrier.test", secret="push-secret")


def _signed(body: bytes, secret: str = "push-secret") -> dict[str, str]:
    return {"X-Sandbox-Signature": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}


_PUSH_BODY = json.dumps(_body("SBX-DELIVERED-7", "SBX-NOT_FOUND-7")).encode()
_ETA_BODY = json.dumps(_body("SBX-IN_TRANSIT-7")).encode()
_GARBAGE = b'{"code":0,"data":[{"numb'

PUSH_CASES = [
    PushCase(
        "sandbox",
        "good_signature",
        PUSH_CONFIG,
        _signed(_PUSH_BODY),
        _PUSH_BODY,
        {"SBX-DELIVERED-7": Parcel(Status.DELIVERED, events=5)},
    ),
    PushCase(
        "sandbox",
        "in_transit_with_eta",
        PUSH_CONFIG,
        _signed(_ETA_BODY),
        _ETA_BODY,
        {"SBX-IN_TRANSIT-7": Parcel(Status.IN_TRANSIT, carrier_eta=datetime(2026, 11, 12, 0, 0, tzinfo=UTC))},
    ),
    PushCase("sandbox", "bad_signature", PUSH_CONFIG, _signed(_PUSH_BODY, "wrong"), _PUSH_BODY, AuthError),
    PushCase("sandbox", "missing_signature", PUSH_CONFIG, {}, _PUSH_BODY, AuthError),
    PushCase("sandbox", "garbage", PUSH_CONFIG, _signed(_GARBAGE), _GARBAGE, BadResponse),
]
