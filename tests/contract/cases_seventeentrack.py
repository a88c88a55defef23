"""17TRACK v2.2 contract cases: gettrackinfo batches and webhook pushes, from documented payload shapes.

The documented code table (9 main statuses, 30 sub-statuses; https://api.17track.net/en/doc?version=v2.2,
https://help.17track.net/hc/en-us/articles/37471096573337) is replayed twice, each payload built by
``_answer`` in the documented ``gettrackinfo`` wire format:

- ``code_<sub_status>``: the newest event carries the sub-status (and its milestone ``stage``);
- ``state_<sub_status>``: events carry only ``stage`` (often empty) and the sub-status lives in
  ``track_info.latest_status``, 17TRACK's computed state, which must win.

The expected canonical pairs below are written from the docs and SPEC §2, independently of the adapter.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import httpx

from carriers.base import CarrierConfig
from carriers.errors import AuthError, BadResponse, RateLimited
from schemas import Status, SubStatus, TrackingQuery
from tests.contract.framework import Parcel, PullCase, PushCase, Reply, fixture, fixture_reply, http_error_cases

CARRIER = "seventeentrack"
CONFIG = CarrierConfig(base_url="https://api.17track.test", key="token-17")
NUMBER = "RR123456789CN"
ONE = [TrackingQuery(NUMBER)]
THREE = [TrackingQuery(n) for n in ("RR123456789CN", "LX123456789CN", "UA123456789CN")]
S, SS = Status, SubStatus

# sub_status: (main status, event stage, carrier wording, expected status or None = NotFound, expected sub_status)
DOCUMENTED: dict[str, tuple[str, str, str, Status | None, SubStatus | None]] = {
    "NotFound_Other": ("NotFound", "", "", None, None),
    "NotFound_InvalidCode": ("NotFound", "", "", None, None),
    "InfoReceived": (
        "InfoReceived",
        "InfoReceived",
        "Shipment information received, item not yet posted",
        S.INFO_RECEIVED,
        None,
    ),
    "InTransit_PickedUp": ("InTransit", "PickedUp", "揽收 Posting / Collection", S.IN_TRANSIT, None),
    "InTransit_Other": ("InTransit", "", "Item dispatched from sorting centre", S.IN_TRANSIT, None),
    "InTransit_Departure": (
        "InTransit",
        "Departure",
        "Departed from the export office of exchange",
        S.IN_TRANSIT,
        None,
    ),
    "InTransit_Arrival": ("InTransit", "Arrival", "Arrived at the import office of exchange", S.IN_TRANSIT, None),
    "InTransit_CustomsProcessing": (
        "InTransit",
        "",
        "Held by import customs for inspection",
        S.IN_TRANSIT,
        SS.CUSTOMS_HOLD,
    ),
    "InTransit_CustomsReleased": ("InTransit", "", "Released by import customs", S.IN_TRANSIT, None),
    "InTransit_CustomsRequiringInformation": (
        "InTransit",
        "",
        "Customs clearance: documents required from the addressee",
        S.EXCEPTION,
        SS.CUSTOMS_HOLD,
    ),
    "Expired_Other": ("Expired", "", "Item in transit", S.EXPIRED, None),
    "AvailableForPickup_Other": (
        "AvailableForPickup",
        "AvailableForPickup",
        "Item ready for collection at the post office",
        S.AVAILABLE_FOR_PICKUP,
        None,
    ),
    "OutForDelivery_Other": ("OutForDelivery", "OutForDelivery", "Out for delivery", S.OUT_FOR_DELIVERY, None),
    "DeliveryFailure_Other": ("DeliveryFailure", "", "Delivery attempt unsuccessful", S.ATTEMPT_FAILED, SS.OTHER),
    "DeliveryFailure_NoBody": (
        "DeliveryFailure",
        "",
        "Addressee not at home, notice left",
        S.ATTEMPT_FAILED,
        SS.RECIPIENT_UNAVAILABLE,
    ),
    "DeliveryFailure_Security": ("DeliveryFailure", "", "Not delivered: duties unpaid", S.ATTEMPT_FAILED, SS.OTHER),
    "DeliveryFailure_Rejected": ("DeliveryFailure", "", "Refused by the addressee", S.ATTEMPT_FAILED, SS.REFUSED),
    "DeliveryFailure_InvalidAddress": (
        "DeliveryFailure",
        "",
        "Not delivered: incorrect address",
        S.ATTEMPT_FAILED,
        SS.ADDRESS_ISSUE,
    ),
    "Delivered_Other": ("Delivered", "Delivered", "Delivered", S.DELIVERED, None),
    "Exception_Other": ("Exception", "", "Item held, please contact the carrier", S.EXCEPTION, SS.OTHER),
    "Exception_Returning": ("Exception", "Returning", "Item being returned to sender", S.RETURNING, None),
    "Exception_Returned": ("Exception", "Returned", "Item returned to sender", S.RETURNED, None),
    "Exception_NoBody": ("Exception", "", "Addressee unknown at this address", S.EXCEPTION, SS.RECIPIENT_UNAVAILABLE),
    "Exception_Security": ("Exception", "", "Retained by customs: prohibited content", S.EXCEPTION, SS.CUSTOMS_HOLD),
    "Exception_Damage": ("Exception", "", "Item damaged, repacked", S.EXCEPTION, SS.DAMAGED),
    "Exception_Rejected": ("Exception", "", "Addressee refused the item", S.EXCEPTION, SS.REFUSED),
    "Exception_Delayed": ("Exception", "", "Delivery delayed due to high volumes", S.EXCEPTION, SS.DELAYED),
    "Exception_Lost": ("Exception", "", "Item lost, enquiry opened", S.EXCEPTION, SS.LOST),
    "Exception_Destroyed": ("Exception", "", "Item destroyed by customs", S.EXCEPTION, SS.LOST),
    "Exception_Cancel": ("Exception", "", "Shipment cancelled by the sender", S.EXCEPTION, SS.CANCELLED),
}
# Main status alone (``latest_status.sub_status`` null): the documented main statuses.
MAIN_ONLY: dict[str, tuple[Status | None, SubStatus | None]] = {
    "NotFound": (None, None),
    "InfoReceived": (S.INFO_RECEIVED, None),
    "InTransit": (S.IN_TRANSIT, None),
    "Expired": (S.EXPIRED, None),
    "AvailableForPickup": (S.AVAILABLE_FOR_PICKUP, None),
    "OutForDelivery": (S.OUT_FOR_DELIVERY, None),
    "DeliveryFailure": (S.ATTEMPT_FAILED, None),
    "Delivered": (S.DELIVERED, None),
    "Exception": (S.EXCEPTION, None),
}


def _event(when: str, description: str, stage: str | None, sub_status: str | None) -> dict[str, Any]:
    """One ``tracking.providers[].events[]`` item; ``None`` leaves the field out."""
    moment = datetime.fromisoformat(when)
    event: dict[str, Any] = {
        "time_iso": moment.isoformat(),
        "time_utc": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "time_raw": {"date": when[:10], "time": when[11:19], "timezone": when[19:]},
        "description": description,
        "description_translation": None,
        "location": "Frankfurt",
        "address": {"country": "DE", "state": None, "city": "Frankfurt", "street": None, "postal_code": None},
    }
    if stage is not None:
        event["stage"] = stage
    if sub_status is not None:
        event["sub_status"] = sub_status
    return event


def _answer(
    status: str,
    sub_status: str | None,
    events: list[dict[str, Any]],
    latest_event: dict[str, Any] | None = None,
    carrier: int | None = 3011,
) -> dict[str, Any]:
    """A documented ``gettrackinfo`` answer for ``NUMBER``."""
    return {
        "code": 0,
        "data": {
            "accepted": [
                {
                    "number": NUMBER,
                    "carrier": carrier,
                    "param": None,
                    "tag": None,
                    "track_info": {
                        "shipping_info": {"shipper_address": {"country": "CN"}, "recipient_address": {"country": "DE"}},
                        "latest_status": {"status": status, "sub_status": sub_status, "sub_status_descr": None},
                        "latest_event": latest_event,
                        "time_metrics": {
                            "days_after_order": 8,
                            "days_of_transit": 8,
                            "days_of_transit_done": 0,
                            "days_after_last_update": 1,
                            "estimated_delivery_date": {"source": None, "from": None, "to": None},
                        },
                        "milestone": [],
                        "misc_info": {"risk_factor": 0, "service_type": None, "weight_raw": None, "local_key": 7041},
                        "tracking": {
                            "providers_hash": 1,
                            "providers": [
                                {
                                    "provider": {"key": 3011, "name": "China Post", "country": "CN"},
                                    "service_type": None,
                                    "latest_sync_status": "Success",
                                    "latest_sync_time": "2026-11-20T14:05:00Z",
                                    "events_hash": 1,
                                    "events": events,
                                }
                            ],
                        },
                    },
                }
            ],
            "rejected": [],
        },
    }


_PICKED_UP = ("2026-11-12T10:00:00+08:00", "揽收 Posting / Collection")
_NEWEST = "2026-11-19T16:20:00+01:00"


def _expect(status: Status | None, sub: SubStatus | None) -> dict[str, Parcel | str]:
    return {NUMBER: "not_found" if status is None else Parcel(status, sub)}


def _documented_cases() -> list[PullCase]:
    cases = []
    for code, (main, stage, text, status, sub) in DOCUMENTED.items():
        if status is None:  # NotFound: 17TRACK has no scan
            coded: list[dict[str, Any]] = []
            staged: list[dict[str, Any]] = []
        else:
            older = [_event(*_PICKED_UP, "PickedUp", "InTransit_PickedUp")] if code != "InfoReceived" else []
            coded = [*older, _event(_NEWEST, text, stage, code)]
            # Only the milestone stage on the events (no sub_status at all): latest_status must say it.
            staged = [_event(*_PICKED_UP, "PickedUp", None)] if code != "InfoReceived" else []
            staged.append(_event(_NEWEST, text, stage, None))
        reply_coded = Reply(200, _answer(main, code, coded))
        reply_staged = Reply(200, _answer(main, code, staged))
        cases.append(PullCase(CARRIER, f"code_{code}", CONFIG, ONE, reply_coded, _expect(status, sub)))
        cases.append(PullCase(CARRIER, f"state_{code}", CONFIG, ONE, reply_staged, _expect(status, sub)))
    for main, (status, sub) in MAIN_ONLY.items():
        events = [] if status is None else [_event(*_PICKED_UP, "", None), _event(_NEWEST, "Status update", "", None)]
        reply = Reply(200, _answer(main, None, events))
        cases.append(PullCase(CARRIER, f"main_only_{main}", CONFIG, ONE, reply, _expect(status, sub)))
    return cases


def _state_case(name: str, latest: str, events: list[dict[str, Any]], expect: Parcel) -> PullCase:
    main = latest.split("_", 1)[0]
    return PullCase(CARRIER, name, CONFIG, ONE, Reply(200, _answer(main, latest, events)), {NUMBER: expect})


_ARRIVAL = _event(
    "2026-11-18T09:00:00+01:00", "Arrived at the import office of exchange", "Arrival", "InTransit_Arrival"
)
_DELIVERED = _event(_NEWEST, "Delivered to the addressee", "Delivered", "Delivered_Other")

STATE_CASES = [
    # 17TRACK's computed state says more than the newest scan: it wins (SPEC §2).
    _state_case("state_overdue_over_arrival", "Exception_Delayed", [_ARRIVAL], Parcel(S.EXCEPTION, SS.DELAYED)),
    _state_case("state_expired_over_arrival", "Expired_Other", [_ARRIVAL], Parcel(S.EXPIRED, events=2)),
    _state_case(
        "state_customs_over_arrival_stage_only",
        "InTransit_CustomsProcessing",
        [_event("2026-11-18T09:00:00+01:00", "Arrived at the import office of exchange", "Arrival", None)],
        Parcel(S.IN_TRANSIT, SS.CUSTOMS_HOLD),
    ),
    _state_case(
        "state_no_body_over_out_for_delivery_stage",
        "DeliveryFailure_NoBody",
        [_event(_NEWEST, "Out for delivery", "OutForDelivery", None)],
        Parcel(S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE),
    ),
    # Agreeing state adds nothing.
    _state_case("state_agrees_with_scan", "Delivered_Other", [_ARRIVAL, _DELIVERED], Parcel(S.DELIVERED, events=2)),
    # The scan only lives in ``latest_event`` (providers' events empty), or repeats the newest provider event.
    PullCase(
        CARRIER,
        "latest_event_only",
        CONFIG,
        ONE,
        Reply(200, _answer("Delivered", "Delivered_Other", [], latest_event=_DELIVERED)),
        {NUMBER: Parcel(S.DELIVERED, events=1)},
    ),
    PullCase(
        CARRIER,
        "latest_event_repeats_newest_scan",
        CONFIG,
        ONE,
        Reply(200, _answer("Delivered", "Delivered_Other", [_ARRIVAL, _DELIVERED], latest_event=_DELIVERED)),
        {NUMBER: Parcel(S.DELIVERED, events=2)},
    ),
    # No registered carrier key on the item: the provider's 17TRACK carrier key is the sub-carrier.
    PullCase(
        CARRIER,
        "sub_carrier_from_provider_key",
        CONFIG,
        ONE,
        Reply(200, _answer("Delivered", "Delivered_Other", [_DELIVERED], carrier=None)),
        {NUMBER: Parcel(S.DELIVERED, sub_carrier="3011")},
    ),
]


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
    *_documented_cases(),
    *STATE_CASES,
    *http_error_cases(CARRIER, CONFIG, ONE),
]


def _signed(body: bytes, key: str = "token-17") -> dict[str, str]:
    return {"sign": hashlib.sha256(body + b"/" + key.encode()).hexdigest()}


_UPDATED = fixture(CARRIER, "push_tracking_updated.json")
_GARBAGE = b'{"event":"TRACKING_UPD'


def _out_for_delivery_with_eta() -> bytes:
    """The documented push with the delivery scan not yet made and 17TRACK's estimated delivery window."""
    body = json.loads(_UPDATED)
    info = body["data"]["track_info"]
    info["latest_status"] = {"status": "OutForDelivery", "sub_status": "OutForDelivery_Other", "sub_status_descr": None}
    for provider in info["tracking"]["providers"]:
        provider["events"] = [e for e in provider["events"] if e["stage"] != "Delivered"]
    window = {"source": "Official", "from": "2026-11-21T08:00:00+01:00", "to": "2026-11-22T18:00:00+01:00"}
    info["time_metrics"]["estimated_delivery_date"] = window
    return json.dumps(body, ensure_ascii=False).encode()


_WITH_ETA = _out_for_delivery_with_eta()

# TRACKING_STOPPED comes back as a result without events (push_stopped): the suite asserts events for
# every parcel, so it is tested directly in tests/carriers/test_seventeentrack_register.py.
PUSH_CASES = [
    PushCase(
        CARRIER,
        "good_signature",
        CONFIG,
        _signed(_UPDATED),
        _UPDATED,
        {"RR123456789CN": Parcel(Status.DELIVERED, events=5)},
    ),
    PushCase(
        CARRIER,
        "out_for_delivery_with_eta",
        CONFIG,
        _signed(_WITH_ETA),
        _WITH_ETA,
        {"RR123456789CN": Parcel(Status.OUT_FOR_DELIVERY, carrier_eta=datetime(2026, 11, 22, 17, 0, tzinfo=UTC))},
    ),
    PushCase(CARRIER, "bad_signature", CONFIG, _signed(_UPDATED, "other-key"), _UPDATED, AuthError),
    PushCase(CARRIER, "missing_signature", CONFIG, {}, _UPDATED, AuthError),
    PushCase(CARRIER, "garbage", CONFIG, _signed(_GARBAGE), _GARBAGE, BadResponse),
]
