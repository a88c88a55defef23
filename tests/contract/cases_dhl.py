"""DHL Unified tracking contract cases."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from carriers.base import CarrierConfig
from schemas import Status, SubStatus, TrackingQuery
from tests.contract.framework import Parcel, PullCase, Reply, fixture_reply, http_error_cases

CONFIG = CarrierConfig(base_url="https://api-eu.dhl.test", key="dhl-key")
Q = [TrackingQuery("1234567890")]


def _documented_request(request: httpx.Request) -> None:
    assert request.url.path == "/track/shipments"
    assert request.url.params["trackingNumber"] == "1234567890"
    assert request.headers["DHL-API-Key"] == "dhl-key"


PULL_CASES = [
    PullCase(
        "dhl",
        "delivered",
        CONFIG,
        Q,
        fixture_reply("dhl", "delivered.json"),
        {"1234567890": Parcel(Status.DELIVERED, events=4)},
        check_request=_documented_request,
    ),
    PullCase(
        "dhl",
        "in_transit",
        CONFIG,
        Q,
        fixture_reply("dhl", "in_transit.json"),
        {"1234567890": Parcel(Status.IN_TRANSIT, carrier_eta=datetime(2026, 11, 21, 17, 0, tzinfo=UTC))},
    ),
    PullCase(
        "dhl",
        "exception",
        CONFIG,
        Q,
        fixture_reply("dhl", "exception.json"),
        {"1234567890": Parcel(Status.IN_TRANSIT, SubStatus.CUSTOMS_HOLD)},
    ),
    PullCase(
        "dhl",
        "not_found",
        CONFIG,
        Q,
        Reply(404, {"title": "No result found", "status": 404}),
        {"1234567890": "not_found"},
    ),
    PullCase(
        "dhl",
        "unmapped_code",
        CONFIG,
        Q,
        fixture_reply("dhl", "unmapped.json"),
        {"1234567890": Parcel(Status.UNKNOWN, unmapped=True)},
    ),
    *http_error_cases("dhl", CONFIG, Q),
]
