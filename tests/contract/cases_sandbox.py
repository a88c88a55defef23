"""Contract cases of the sandbox carrier, built from its own deterministic timelines."""

from __future__ import annotations

from datetime import UTC, datetime

from carriers.base import CarrierConfig
from carriers.errors import AuthError, BadResponse, CarrierUnavailable, RateLimited
from carriers.sandbox.scenarios import build_parcel
from schemas import Status, SubStatus, TrackingQuery
from tests.contract.framework import Parcel, PullCase, Reply

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
