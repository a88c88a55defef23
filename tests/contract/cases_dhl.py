"""DHL Shipment Tracking – Unified contract cases, from the documented response shape.

The fixture files pin the full documented sample shape; the table below builds one payload per
documented DHL Express event code (the XML Services / MyDHL checkpoint list, also the two-letter
code DHL Express puts in ``events[].status`` of Unified answers), in the wire format of the Unified
API v1.5.8 (``statusCode``, ``status``, ``statusDetailed``, ``description``, ``remark``), plus the
other documented places of the code and the shipment-level ``status`` object and ``returnFlag``.
The expectations are written from the code meanings, not from the adapter's table.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import httpx

from carriers.base import CarrierConfig
from carriers.errors import RateLimited
from schemas import Status, SubStatus, TrackingQuery
from tests.contract.framework import Parcel, PullCase, Reply, fixture, fixture_reply, http_error_cases

CARRIER = "dhl"
CONFIG = CarrierConfig(base_url="https://api-eu.dhl.test", key="dhl-key")
NUMBER = "1234567890"
Q = [TrackingQuery(NUMBER)]
S, SS = Status, SubStatus


def _documented_request(request: httpx.Request) -> None:
    assert request.method == "GET"
    assert request.url.path == "/track/shipments"
    assert request.url.params["trackingNumber"] == NUMBER
    assert request.headers["DHL-API-Key"] == "dhl-key"


def _case(name: str, file: str, parcel: Parcel, **extra: object) -> PullCase:
    return PullCase(CARRIER, name, CONFIG, Q, fixture_reply(CARRIER, file), {NUMBER: parcel}, **extra)  # type: ignore[arg-type]


def _place(locality: str, country: str) -> dict[str, Any]:
    return {"address": {"countryCode": country, "postalCode": None, "addressLocality": locality}}


# The journey before the event under test: what every Express shipment shows first.
_HISTORY = [
    {
        "timestamp": "2026-11-19T05:30:00+01:00",
        "location": _place("LEIPZIG - GERMANY", "DE"),
        "statusCode": "transit",
        "status": "AF",
        "description": "Arrived at Sort Facility LEIPZIG - GERMANY",
    },
    {
        "timestamp": "2026-11-18T16:05:00+08:00",
        "location": _place("SHENZHEN - CHINA", "CN"),
        "statusCode": "transit",
        "status": "PU",
        "description": "Shipment picked up",
    },
    {"timestamp": "2026-11-18T14:00:00", "statusCode": "pre-transit", "description": "Shipment information received"},
]


def _payload(newest: dict[str, Any], status: dict[str, Any] | None = None, **shipment: Any) -> dict[str, Any]:
    """A Unified answer whose newest event is ``newest``; the shipment ``status`` repeats it unless given."""
    event = {"timestamp": "2026-11-20T09:15:00+01:00", "location": _place("AMSTERDAM - NETHERLANDS", "NL"), **newest}
    body = {
        "id": NUMBER,
        "service": "express",
        "origin": _place("SHENZHEN - CHINA", "CN"),
        "destination": _place("AMSTERDAM - NETHERLANDS", "NL"),
        "status": copy.deepcopy(event) if status is None else status,
        "details": {"product": {"productName": "EXPRESS WORLDWIDE"}, "totalNumberOfPieces": 1},
        "events": [event, *copy.deepcopy(_HISTORY)],
        **shipment,
    }
    return {"shipments": [body], "possibleAdditionalShipmentsUrl": []}


def _built(name: str, body: dict[str, Any], parcel: Parcel) -> PullCase:
    return PullCase(CARRIER, name, CONFIG, Q, Reply(200, body), {NUMBER: parcel})


def _express_codes() -> list[tuple[str, str, str, Status, SubStatus | None]]:
    """``fixtures/dhl/express_codes.json``: code, the statusCode and description DHL sends with it, the pair."""
    rows = json.loads(fixture(CARRIER, "express_codes.json"))
    return [(r["code"], r["statusCode"], r["description"], *_pair(r["expect"])) for r in rows]


def _pair(expect: list[str | None]) -> tuple[Status, SubStatus | None]:
    return Status(expect[0]), SubStatus(expect[1]) if expect[1] else None


EXPRESS_CODES = _express_codes()


def _code_cases() -> list[PullCase]:
    """One case per documented Express code, carried where DHL Express puts it: ``events[].status``."""
    return [
        _built(f"express_{code}", _payload({"statusCode": sc, "status": code, "description": text}), Parcel(st, sub))
        for code, sc, text, st, sub in EXPRESS_CODES
    ]


_BY_CODE = {code: (sc, text, st, sub) for code, sc, text, st, sub in EXPRESS_CODES}


def _placement_cases() -> list[PullCase]:
    """The other documented places of the code: ``statusDetailed``, ``typeCode`` (MyDHL), the texts."""
    out = []
    for code in ("WC", "CC", "NH", "HP", "DD"):
        sc, text, st, sub = _BY_CODE[code]
        places: dict[str, dict[str, Any]] = {
            "status_detailed": {"status": text.upper(), "statusDetailed": code},
            "type_code": {"typeCode": code, "status": text.upper()},
            "description_prefix": {"status": text.upper(), "description": f"{code} - {text}"},
        }
        for where, fields in places.items():
            event = {"statusCode": sc, "description": text, **fields}
            out.append(_built(f"express_{code}_in_{where}", _payload(event), Parcel(st, sub)))
    return out


# No code anywhere: only the status title and the description, as non-Express backends send them.
TEXT_ONLY: list[tuple[str, str, str, str, Status, SubStatus | None]] = [
    (
        "out_for_delivery",
        "transit",
        "OUT FOR DELIVERY",
        "Shipment is out with courier for delivery",
        S.OUT_FOR_DELIVERY,
        None,
    ),
    (
        "loaded_on_van",
        "transit",
        "The shipment has been loaded onto the delivery vehicle",
        "The shipment has been loaded onto the delivery vehicle",
        S.OUT_FOR_DELIVERY,
        None,
    ),
    (
        "service_point",
        "transit",
        "AWAITING COLLECTION",
        "Awaiting collection by recipient as requested",
        S.AVAILABLE_FOR_PICKUP,
        None,
    ),
    (
        "premises_closed",
        "failure",
        "DELIVERY ATTEMPTED",
        "Delivery attempted; consignee premises closed",
        S.ATTEMPT_FAILED,
        SS.RECIPIENT_UNAVAILABLE,
    ),
    (
        "bad_address",
        "failure",
        "ADDRESS INFORMATION NEEDED",
        "Address information needed; contact DHL",
        S.EXCEPTION,
        SS.ADDRESS_ISSUE,
    ),
    ("refused", "failure", "REFUSED", "Recipient refused delivery", S.ATTEMPT_FAILED, SS.REFUSED),
    (
        "clearance_processing",
        "transit",
        "PROCESSED FOR CLEARANCE",
        "Processed for clearance at AMSTERDAM - NETHERLANDS",
        S.IN_TRANSIT,
        SS.CUSTOMS_HOLD,
    ),
    (
        "clearance_complete",
        "transit",
        "CLEARANCE PROCESSING COMPLETE",
        "Clearance processing complete at AMSTERDAM",
        S.IN_TRANSIT,
        None,
    ),
    ("clearance_delay", "transit", "CLEARANCE DELAY", "Clearance delay", S.EXCEPTION, SS.CUSTOMS_HOLD),
    (
        "duty_hold",
        "transit",
        "SHIPMENT HELD",
        "Shipment held - Available upon receipt of payment",
        S.EXCEPTION,
        SS.CUSTOMS_HOLD,
    ),
    ("on_hold", "transit", "SHIPMENT ON HOLD", "Shipment on hold", S.EXCEPTION, SS.HELD_AT_CARRIER),
    (
        "delivery_delayed",
        "transit",
        "DELIVERY DELAYED",
        "Delivery delayed due to transport delay",
        S.EXCEPTION,
        SS.DELAYED,
    ),
    ("delivered_damaged", "delivered", "DELIVERED DAMAGED", "Delivered damaged", S.EXCEPTION, SS.DAMAGED),
    ("lost", "failure", "SHIPMENT LOST", "The shipment has been lost", S.EXCEPTION, SS.LOST),
]


def _text_cases() -> list[PullCase]:
    return [
        _built(f"text_{name}", _payload({"statusCode": sc, "status": title, "description": text}), Parcel(st, sub))
        for name, sc, title, text, st, sub in TEXT_ONLY
    ]


def _state_cases() -> list[PullCase]:
    """The shipment-level ``status`` (DHL's current state) and ``returnFlag`` win when they say more."""
    arrived = {"statusCode": "transit", "status": "AR", "description": "Arrived at Delivery Facility in AMSTERDAM"}
    collect = {
        "timestamp": "2026-11-20T11:00:00+01:00",
        "statusCode": "transit",
        "status": "CC",
        "description": "Awaiting collection by recipient as requested",
    }
    lost = {
        "timestamp": "2026-12-01T09:00:00+01:00",
        "statusCode": "failure",
        "status": "SHIPMENT LOST",
        "description": "The shipment has been lost",
    }
    delivered = {"statusCode": "delivered", "description": "The shipment has been successfully delivered"}
    refused = {"statusCode": "failure", "status": "RD", "description": "Recipient refused delivery"}
    return [
        _built("state_says_service_point", _payload(arrived, status=collect), Parcel(S.AVAILABLE_FOR_PICKUP)),
        _built("state_says_lost", _payload(arrived, status=lost), Parcel(S.EXCEPTION, SS.LOST)),
        _built("state_same_as_newest", _payload(arrived), Parcel(S.IN_TRANSIT, events=4)),
        _built("return_flag_delivered_back", _payload(delivered, returnFlag=True), Parcel(S.RETURNED)),
        _built("return_flag_refused_on_way_back", _payload(refused, returnFlag=True), Parcel(S.RETURNING, SS.REFUSED)),
        _built(
            "unknown_express_code_falls_back_to_status_code",
            _payload({"statusCode": "transit", "status": "ZZ", "description": "Something new"}),
            Parcel(S.IN_TRANSIT),
        ),
        _built(
            "unknown_status_code_is_unmapped",
            _payload({"statusCode": "in-orbit", "status": "ZZ", "description": "Something new"}),
            Parcel(S.UNKNOWN, unmapped=True),
        ),
    ]


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
    *_code_cases(),
    *_placement_cases(),
    *_text_cases(),
    *_state_cases(),
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
