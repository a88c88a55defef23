"""EasyPost contract cases: tracker lookup and tracker webhooks, from the documented Tracker / Event shapes."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

import httpx

from carriers.base import CarrierConfig
from carriers.errors import AuthError, BadResponse
from schemas import Status, SubStatus, TrackingQuery
from tests.contract.framework import Parcel, PullCase, PushCase, fixture, fixture_reply, http_error_cases

CARRIER = "easypost"
CONFIG = CarrierConfig(base_url="https://api.easypost.test", key="EZAK_key", secret="whsecret")
NUMBER = "9400100000000000000000"
Q = [TrackingQuery(NUMBER)]


def _basic_auth_lookup(request: httpx.Request) -> None:
    assert request.method == "GET"
    assert request.url.path == "/v2/trackers"
    assert request.url.params["tracking_code"] == NUMBER
    assert request.url.params["carrier"] == "USPS"
    scheme, token = request.headers["Authorization"].split(" ")
    assert (scheme, base64.b64decode(token)) == ("Basic", b"EZAK_key:")


def _case(name: str, file: str, expect: object, queries: list[TrackingQuery] = Q, **extra: object) -> PullCase:
    return PullCase(CARRIER, name, CONFIG, queries, fixture_reply(CARRIER, file), expect, **extra)  # type: ignore[arg-type]


PULL_CASES = [
    _case(
        "delivered",
        "delivered.json",
        {NUMBER: Parcel(Status.DELIVERED, events=4, sub_carrier="USPS")},
        [TrackingQuery(NUMBER, sub_carrier="USPS")],
        check_request=_basic_auth_lookup,
    ),
    _case(
        "in_transit",
        "in_transit.json",
        {NUMBER: Parcel(Status.IN_TRANSIT, carrier_eta=datetime(2026, 11, 19, tzinfo=UTC))},
    ),
    _case("exception", "exception.json", {NUMBER: Parcel(Status.EXCEPTION, SubStatus.DAMAGED)}),
    _case("refused_return_to_sender", "refused.json", {NUMBER: Parcel(Status.RETURNING, SubStatus.REFUSED)}),
    _case("newest_tracker_of_a_code_wins", "two_trackers.json", {NUMBER: Parcel(Status.IN_TRANSIT, events=2)}),
    _case("not_found", "not_found.json", {NUMBER: "not_found"}),
    _case("unmapped_code", "unmapped.json", {NUMBER: Parcel(Status.UNKNOWN, unmapped=True)}),
    *http_error_cases(CARRIER, CONFIG, Q),
]


def _signed(body: bytes, secret: bytes = b"whsecret") -> dict[str, str]:
    return {"X-Hmac-Signature": "hmac-sha256-hex=" + hmac.new(secret, body, hashlib.sha256).hexdigest()}


_UPDATED = fixture(CARRIER, "event_tracker_updated.json")
_BATCH = fixture(CARRIER, "event_batch_updated.json")
_GARBAGE = b'{"object":"Event","descr'
# EasyPost keys the HMAC with the NFKD form of the secret: full-width letters sign as ASCII.
_WIDE = CarrierConfig(base_url="https://api.easypost.test", secret="ｗｈｓｅｃｒｅｔ")

PUSH_CASES = [
    PushCase(
        CARRIER, "good_signature", CONFIG, _signed(_UPDATED), _UPDATED, {NUMBER: Parcel(Status.DELIVERED, events=4)}
    ),
    PushCase(
        CARRIER, "secret_is_nfkd_normalised", _WIDE, _signed(_UPDATED), _UPDATED, {NUMBER: Parcel(Status.DELIVERED)}
    ),
    PushCase(CARRIER, "non_tracker_event_carries_no_parcel", CONFIG, _signed(_BATCH), _BATCH, {}),
    PushCase(CARRIER, "bad_signature", CONFIG, _signed(_UPDATED, b"nope"), _UPDATED, AuthError),
    PushCase(CARRIER, "missing_signature", CONFIG, {}, _UPDATED, AuthError),
    PushCase(CARRIER, "garbage", CONFIG, _signed(_GARBAGE), _GARBAGE, BadResponse),
]
