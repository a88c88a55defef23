"""EasyPost contract cases: tracker lookup and tracker webhooks, from the documented Tracker / Event shapes.

The code cases are table-driven: ``DOCUMENTED`` holds every documented tracker ``status`` and every documented
``status_detail`` (https://docs.easypost.com/docs/trackers; the official C# client's ``Tracker`` model lists the
same values) with the status EasyPost pairs it with, a carrier message in EasyPost's wire language (English,
USPS/FedEx/UPS wording) and the canonical pair it must become. ``_tracker`` builds the documented Tracker object
(``tracking_details[]`` with ``TrackingLocation``), served once as a lookup list and once as a signed
``tracker.updated`` Event.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import httpx

from carriers.base import CarrierConfig
from carriers.errors import AuthError, BadResponse
from schemas import Status, SubStatus, TrackingQuery
from tests.contract.framework import (
    Parcel,
    PullCase,
    PushCase,
    Reply,
    fixture,
    fixture_reply,
    http_error_cases,
)

CARRIER = "easypost"
CONFIG = CarrierConfig(base_url="https://api.easypost.test", key="EZAK_key", secret="whsecret")
NUMBER = "9400100000000000000000"
Q = [TrackingQuery(NUMBER)]
S, SS = Status, SubStatus


def _basic_auth_lookup(request: httpx.Request) -> None:
    assert request.method == "GET"
    assert request.url.path == "/v2/trackers"
    assert request.url.params["tracking_code"] == NUMBER
    assert request.url.params["carrier"] == "USPS"
    scheme, token = request.headers["Authorization"].split(" ")
    assert (scheme, base64.b64decode(token)) == ("Basic", b"EZAK_key:")


def _case(name: str, file: str, expect: object, queries: list[TrackingQuery] = Q, **extra: object) -> PullCase:
    return PullCase(CARRIER, name, CONFIG, queries, fixture_reply(CARRIER, file), expect, **extra)  # type: ignore[arg-type]


# (status, status_detail, carrier message, canonical status, canonical sub_status)
DOCUMENTED: list[tuple[str, str, str, Status, SubStatus | None]] = [
    # --- every documented tracker status, with the status_detail EasyPost usually gives it
    ("unknown", "unknown", "Status Not Available", S.PENDING, None),
    ("pre_transit", "status_update", "Pre-Shipment Info Sent to USPS", S.INFO_RECEIVED, None),
    ("in_transit", "in_transit", "In Transit to Next Facility", S.IN_TRANSIT, None),
    ("out_for_delivery", "out_for_delivery", "Out for Delivery", S.OUT_FOR_DELIVERY, None),
    ("delivered", "arrived_at_destination", "Delivered, Front Door/Porch", S.DELIVERED, None),
    ("available_for_pickup", "arrived_at_pickup_location", "Available for Pickup", S.AVAILABLE_FOR_PICKUP, None),
    ("return_to_sender", "return", "Address Does Not Exist - Returning to Sender", S.RETURNING, None),
    ("failure", "failure", "Delivery failed", S.EXCEPTION, SS.OTHER),
    ("cancelled", "cancelled", "Shipment cancelled by shipper", S.EXCEPTION, SS.CANCELLED),
    ("error", "unknown", "Unable to retrieve tracking information from carrier", S.EXCEPTION, SS.OTHER),
    # --- every documented status_detail (alphabetical, as the docs list them), refining its status
    ("in_transit", "address_correction", "Address corrected - delivery rescheduled", S.IN_TRANSIT, SS.ADDRESS_ISSUE),
    ("failure", "address_correction", "Incorrect Address - Unable to deliver", S.EXCEPTION, SS.ADDRESS_ISSUE),
    ("in_transit", "arrived_at_destination", "Arrived at Post Office", S.IN_TRANSIT, None),
    ("in_transit", "arrived_at_facility", "Arrived at USPS Regional Facility", S.IN_TRANSIT, None),
    ("in_transit", "arrived_at_pickup_location", "Arrived at UPS Access Point", S.AVAILABLE_FOR_PICKUP, None),
    ("delivered", "arrived_at_pickup_location", "Delivered, Parcel Locker", S.DELIVERED, SS.DELIVERED_TO_LOCKER),
    (
        "in_transit",
        "awaiting_information",
        "Shipment on hold - awaiting information from shipper",
        S.IN_TRANSIT,
        SS.HELD_AT_CARRIER,
    ),
    ("failure", "awaiting_information", "Held - consignee information required", S.EXCEPTION, SS.HELD_AT_CARRIER),
    ("pre_transit", "awaiting_information", "Shipping Label Created, USPS Awaiting Item", S.INFO_RECEIVED, None),
    ("pre_transit", "cancelled", "Shipping label cancelled", S.EXCEPTION, SS.CANCELLED),
    ("failure", "damaged", "Damaged, Returned to Sender", S.EXCEPTION, SS.DAMAGED),
    ("in_transit", "damaged", "Package damaged in transit - repackaged", S.EXCEPTION, SS.DAMAGED),
    ("in_transit", "delayed", "In Transit, Arriving Late", S.EXCEPTION, SS.DELAYED),
    ("failure", "delivery_exception", "Delivery Attempted - No Access to Delivery Location", S.ATTEMPT_FAILED, None),
    ("out_for_delivery", "delivery_exception", "Delivery exception - business closed", S.ATTEMPT_FAILED, None),
    ("in_transit", "departed_facility", "Departed USPS Regional Facility", S.IN_TRANSIT, None),
    ("in_transit", "departed_origin_facility", "Departed Post Office", S.IN_TRANSIT, None),
    ("failure", "expired", "Tracking expired", S.EXPIRED, None),
    ("unknown", "expired", "Tracking information no longer available", S.EXPIRED, None),
    ("out_for_delivery", "failure", "Delivery failed - no one available", S.ATTEMPT_FAILED, None),
    ("in_transit", "held", "Held at carrier facility", S.IN_TRANSIT, SS.HELD_AT_CARRIER),
    ("failure", "held", "Held in Customs - clearance documents required", S.EXCEPTION, SS.HELD_AT_CARRIER),
    (
        "available_for_pickup",
        "held",
        "Held at Post Office, At Customer Request",
        S.AVAILABLE_FOR_PICKUP,
        SS.HELD_AT_CARRIER,
    ),
    ("pre_transit", "label_created", "Shipping Label Created", S.INFO_RECEIVED, None),
    ("failure", "lost", "Package lost - investigation complete", S.EXCEPTION, SS.LOST),
    ("in_transit", "lost", "Unable to locate package", S.EXCEPTION, SS.LOST),
    ("in_transit", "missorted", "Missent - rerouted to correct facility", S.EXCEPTION, SS.DELAYED),
    ("in_transit", "out_for_delivery", "Out for Delivery, Expected Delivery by 9:00pm", S.IN_TRANSIT, None),
    ("in_transit", "received_at_destination_facility", "Processed at destination facility", S.IN_TRANSIT, None),
    ("in_transit", "received_at_origin_facility", "Accepted at USPS Origin Facility", S.IN_TRANSIT, None),
    ("return_to_sender", "refused", "Refused, Return to Sender", S.RETURNING, SS.REFUSED),
    ("failure", "refused", "Delivery refused by recipient", S.ATTEMPT_FAILED, SS.REFUSED),
    ("delivered", "refused", "Refused package delivered back to sender", S.RETURNED, SS.REFUSED),
    ("delivered", "return", "Delivered to Sender", S.RETURNED, None),
    ("in_transit", "status_update", "In Transit", S.IN_TRANSIT, None),
    ("in_transit", "transferred_to_destination_carrier", "Forwarded to local carrier", S.IN_TRANSIT, None),
    ("in_transit", "transit_exception", "Transit exception - shipment delayed", S.EXCEPTION, SS.OTHER),
    ("in_transit", "unknown", "In Transit", S.IN_TRANSIT, None),
    ("in_transit", "weather_delay", "Processing Exception, Regional Weather Delay", S.EXCEPTION, SS.DELAYED),
    ("failure", "weather_delay", "Severe weather conditions have delayed delivery", S.EXCEPTION, SS.DELAYED),
]


def _detail(status: str, detail: str | None, message: str, when: str, city: str | None = None) -> dict[str, Any]:
    return {
        "object": "TrackingDetail",
        "message": message,
        "description": "",
        "status": status,
        "status_detail": detail,
        "datetime": when,
        "source": "USPS",
        "carrier_code": "",
        "tracking_location": {
            "object": "TrackingLocation",
            "city": city,
            "state": "SC" if city else None,
            "country": "US",
            "zip": None,
        },
    }


def _tracker(
    status: str, detail: str, message: str, state: tuple[str, str] | None = None, eta: str | None = None
) -> dict[str, Any]:
    """A documented Tracker whose newest scan is (status, detail); the tracker's own state defaults to the scan."""
    top_status, top_detail = state or (status, detail)
    return {
        "id": "trk_c8e0edb5bb284caa934a0d3db23a148z",
        "object": "Tracker",
        "mode": "production",
        "tracking_code": NUMBER,
        "status": top_status,
        "status_detail": top_detail,
        "created_at": "2026-11-16T15:00:00Z",
        "updated_at": "2026-11-18T15:00:00Z",
        "signed_by": None,
        "weight": None,
        "est_delivery_date": eta,
        "shipment_id": None,
        "carrier": "USPS",
        "tracking_details": [
            _detail("pre_transit", "status_update", "Pre-Shipment Info Sent to USPS", "2026-11-16T15:00:00Z"),
            _detail(
                "in_transit", "arrived_at_facility", "Arrived at USPS Facility", "2026-11-17T09:00:00Z", "COLUMBIA"
            ),
            _detail(status, detail, message, "2026-11-18T15:00:00Z", "CHARLESTON"),
        ],
        "carrier_detail": {"object": "CarrierDetail", "service": "First-Class Package Service", "container_type": None},
        "finalized": False,
        "is_return": False,
        "public_url": "https://track.easypost.com/djE6dHJrX2M4ZTBlZGI1YmIyODRjYWE5MzRhMGQzZGIyM2ExNDh6",
    }


def _listing(tracker: dict[str, Any]) -> Reply:
    return Reply(200, {"trackers": [tracker], "has_more": False})


def _event(tracker: dict[str, Any]) -> bytes:
    return json.dumps(
        {
            "object": "Event",
            "id": "evt_ff1b5b3c7f8a4d1ab2c9e0d4f6a7b8c9",
            "mode": "production",
            "description": "tracker.updated",
            "previous_attributes": {"status": "in_transit"},
            "created_at": "2026-11-18T15:00:05Z",
            "updated_at": "2026-11-18T15:00:05Z",
            "pending_urls": [],
            "completed_urls": [],
            "status": "pending",
            "user_id": "user_060ab38db3c04ffaa60f262e5781a9be",
            "result": tracker,
        }
    ).encode()


def _signed(body: bytes, secret: bytes = b"whsecret") -> dict[str, str]:
    return {"X-Hmac-Signature": "hmac-sha256-hex=" + hmac.new(secret, body, hashlib.sha256).hexdigest()}


def _code_name(status: str, detail: str) -> str:
    return f"code_{status}__{detail}"


CODE_PULL_CASES = [
    PullCase(
        CARRIER, _code_name(st, dt), CONFIG, Q, _listing(_tracker(st, dt, msg)), {NUMBER: Parcel(s, sub, events=3)}
    )
    for st, dt, msg, s, sub in DOCUMENTED
]
CODE_PUSH_CASES = [
    PushCase(
        CARRIER,
        "push_" + _code_name(st, dt),
        CONFIG,
        _signed(b := _event(_tracker(st, dt, msg))),
        b,
        {NUMBER: Parcel(s, sub, events=3)},
    )
    for st, dt, msg, s, sub in DOCUMENTED
]

# The tracker's own status / status_detail is EasyPost's computed state: when it says more than the newest scan,
# it wins (SPEC §2) as a synthetic newest event; when it says the same or less, nothing is added.
_ARRIVED = ("in_transit", "arrived_at_facility", "Arrived at USPS Regional Facility")
STATE_CASES = [
    ("state_lost_beats_scan", _tracker(*_ARRIVED, state=("failure", "lost")), Parcel(S.EXCEPTION, SS.LOST, events=4)),
    (
        "state_weather_delay_beats_scan",
        _tracker(*_ARRIVED, state=("in_transit", "weather_delay")),
        Parcel(S.EXCEPTION, SS.DELAYED, events=4),
    ),
    (
        "state_returned_beats_delivered_scan",
        _tracker("delivered", "arrived_at_destination", "Delivered", state=("delivered", "return")),
        Parcel(S.RETURNED, events=4),
    ),
    (
        "state_in_transit_does_not_undo_delivered",
        _tracker("delivered", "arrived_at_destination", "Delivered", state=("in_transit", "arrived_at_facility")),
        Parcel(S.DELIVERED, events=3),
    ),
    (
        "state_eta_and_sub_carrier_kept",
        _tracker(*_ARRIVED, eta="2026-11-19T00:00:00Z"),
        Parcel(S.IN_TRANSIT, events=3, carrier_eta=datetime(2026, 11, 19, tzinfo=UTC), sub_carrier="USPS"),
    ),
]

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
    *CODE_PULL_CASES,
    *(PullCase(CARRIER, name, CONFIG, Q, _listing(t), {NUMBER: p}) for name, t, p in STATE_CASES),
]


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
    *CODE_PUSH_CASES,
    *(PushCase(CARRIER, "push_" + name, CONFIG, _signed(b := _event(t)), b, {NUMBER: p}) for name, t, p in STATE_CASES),
]
