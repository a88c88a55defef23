"""EasyPost contract cases (tracker lookup and tracker webhooks)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

import httpx

from carriers.base import CarrierConfig
from carriers.errors import AuthError, BadResponse
from schemas import Status, SubStatus, TrackingQuery
from tests.contract.framework import Parcel, PullCase, PushCase, fixture, fixture_reply, http_error_cases

CONFIG = CarrierConfig(base_url="https://api.easypost.test", key="EZAK_key", secret="whsecret")
Q = [TrackingQuery("9400100000000000000000")]
NUMBER = "9400100000000000000000"


def _basic_auth(request: httpx.Request) -> None:
    assert request.url.path == "/v2/trackers" and request.url.params["tracking_code"] == NUMBER
    assert request.headers["Authorization"].startswith("Basic ")


PULL_CASES = [
    PullCase(
        "easypost",
        "delivered",
        CONFIG,
        Q,
        fixture_reply("easypost", "delivered.json"),
        {NUMBER: Parcel(Status.DELIVERED, events=4, sub_carrier="USPS")},
        check_request=_basic_auth,
    ),
    PullCase(
        "easypost",
        "in_transit",
        CONFIG,
        Q,
        fixture_reply("easypost", "in_transit.json"),
        {NUMBER: Parcel(Status.IN_TRANSIT, carrier_eta=datetime(2026, 11, 19, tzinfo=UTC))},
    ),
    PullCase(
        "easypost",
        "exception",
        CONFIG,
        Q,
        fixture_reply("easypost", "exception.json"),
        {NUMBER: Parcel(Status.EXCEPTION, SubStatus.DAMAGED)},
    ),
    PullCase("easypost", "not_found", CONFIG, Q, fixture_reply("easypost", "not_found.json"), {NUMBER: "not_found"}),
    PullCase(
        "easypost",
        "unmapped_code",
        CONFIG,
        Q,
        fixture_reply("easypost", "unmapped.json"),
        {NUMBER: Parcel(Status.UNKNOWN, unmapped=True)},
    ),
    *http_error_cases("easypost", CONFIG, Q),
]


def _event(secret: str = "whsecret") -> tuple[dict[str, str], bytes]:
    tracker = json.loads(fixture("easypost", "delivered.json"))["trackers"][0]
    body = json.dumps({"object": "Event", "description": "tracker.updated", "result": tracker}).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hmac-Signature": f"hmac-sha256-hex={signature}"}, body


PUSH_CASES = [
    PushCase("easypost", "good_signature", CONFIG, *_event(), {NUMBER: Parcel(Status.DELIVERED, events=4)}),
    PushCase("easypost", "bad_signature", CONFIG, *_event("nope"), AuthError),
    PushCase(
        "easypost",
        "garbage",
        CONFIG,
        {"X-Hmac-Signature": "hmac-sha256-hex=" + hmac.new(b"whsecret", b"{x", hashlib.sha256).hexdigest()},
        b"{x",
        BadResponse,
    ),
]
