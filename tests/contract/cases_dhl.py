"""DHL Shipment Tracking – Unified contract cases, from the documented response shape."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from carriers.base import CarrierConfig
from carriers.errors import RateLimited
from schemas import Status, SubStatus, TrackingQuery
from tests.contract.framework import Parcel, PullCase, Reply, fixture_reply, http_error_cases

CARRIER = "dhl"
CONFIG = CarrierConfig(base_url="https://api-eu.dhl.test", key="dhl-key")
NUMBER = "1234567890"
Q = [TrackingQuery(NUMBER)]


def _documented_request(request: httpx.Request) -> None:
    assert request.method == "GET"
    assert request.url.path == "/track/shipments"
    assert request.url.params["trackingNumber"] == NUMBER
    assert request.headers["DHL-API-Key"] == "dhl-key"


def _case(name: str, file: str, parcel: Parcel, **extra: object) -> PullCase:
    return PullCase(CARRIER, name, CONFIG, Q, fixture_reply(CARRIER, file), {NUMBER: parcel}, **extra)  # type: ignore[arg-type]


PULL_CASES = [
    _case("delivered", "delivered.json", Parcel(Status.DELIVERED, events=6), check_request=_documented_request),
    _case(
        "in_transit",
        "in_transit.json",
        Parcel(Status.IN_TRANSIT, events=4, carrier_eta=datetime(2026, 11, 21, 17, 0, tzinfo=UTC)),
    ),
    _case("exception", "exception.json", Parcel(Status.EXCEPTION, SubStatus.DAMAGED)),
    _case("customs_processing", "customs_processing.json", Parcel(Status.IN_TRANSIT, SubStatus.CUSTOMS_HOLD)),
    _case("customs_hold", "customs_hold.json", Parcel(Status.EXCEPTION, SubStatus.CUSTOMS_HOLD)),
    _case("recipient_not_home", "attempt_failed.json", Parcel(Status.ATTEMPT_FAILED, SubStatus.RECIPIENT_UNAVAILABLE)),
    _case("returned_to_shipper", "returned.json", Parcel(Status.RETURNED)),
    _case("unmapped_code", "unmapped.json", Parcel(Status.UNKNOWN, unmapped=True)),
    PullCase(
        CARRIER,
        "not_found",
        CONFIG,
        Q,
        Reply(
            404, {"title": "No result found", "detail": "No shipment with given tracking number found.", "status": 404}
        ),
        {NUMBER: "not_found"},
    ),
    PullCase(
        CARRIER,
        "piece_id_answered_with_its_shipment",
        CONFIG,
        [TrackingQuery("JD014600006281230704")],
        fixture_reply(CARRIER, "in_transit.json"),
        {"JD014600006281230704": Parcel(Status.IN_TRANSIT)},
    ),
    PullCase(
        CARRIER,
        "daily_quota_waits_for_gmt_midnight",
        CONFIG,
        Q,
        Reply(
            429,
            {"status": 429, "title": "Too Many Requests", "detail": "Daily request quota exceeded."},
            {"Date": "Tue, 24 Nov 2026 22:00:00 GMT"},
        ),
        RateLimited,
        retry_after=7200.0,
    ),
    *http_error_cases(CARRIER, CONFIG, Q),
]
