"""Kuaidi100 contract cases, from the documented query and callback payloads."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import parse_qs, urlencode

import httpx

from carriers.base import CarrierConfig
from carriers.errors import AuthError, BadResponse
from schemas import Status, SubStatus, TrackingQuery
from tests.contract.framework import Parcel, PullCase, PushCase, fixture, fixture_reply, http_error_cases

CONFIG = CarrierConfig(base_url="https://poll.kuaidi100.test", key="k100-key", customer="CUST01", secret="salt-1")
YT = [TrackingQuery("YT1234567890123", sub_carrier="yuantong", phone_last4="5678")]
ZT = [TrackingQuery("75123456789012", sub_carrier="zhongtong", phone_last4="1234")]


def _signed_by_the_doc(request: httpx.Request) -> None:
    form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
    param = json.loads(form["param"])
    assert request.url.path == "/poll/query.do"
    assert param == {"com": "yuantong", "num": "YT1234567890123", "resultv2": "4", "phone": "5678"}
    expected = hashlib.md5((form["param"] + "k100-key" + "CUST01").encode()).hexdigest().upper()
    assert form["sign"] == expected and form["customer"] == "CUST01"


def _case(name: str, file: str, expect: object, queries: list[TrackingQuery] = YT, **extra: object) -> PullCase:
    return PullCase("kuaidi100", name, CONFIG, queries, fixture_reply("kuaidi100", file), expect, **extra)  # type: ignore[arg-type]


PULL_CASES = [
    _case(
        "delivered",
        "delivered.json",
        {"YT1234567890123": Parcel(Status.DELIVERED, events=5, sub_carrier="yuantong")},
        check_request=_signed_by_the_doc,
    ),
    _case("in_transit", "in_transit.json", {"75123456789012": Parcel(Status.IN_TRANSIT, sub_carrier="zhongtong")}, ZT),
    _case("exception", "exception_damaged.json", {"YT1234567890123": Parcel(Status.EXCEPTION, SubStatus.DAMAGED)}),
    _case(
        "overdue_unsigned_201",
        "timeout_unsigned.json",
        {"YT1234567890123": Parcel(Status.EXCEPTION, SubStatus.DELAYED)},
    ),
    _case("no_update_202", "timeout_no_update.json", {"YT1234567890123": Parcel(Status.EXCEPTION, SubStatus.DELAYED)}),
    _case("at_station_501", "locker.json", {"YT1234567890123": Parcel(Status.AVAILABLE_FOR_PICKUP)}),
    _case("not_found", "not_found.json", {"YT1234567890123": "not_found"}),
    _case("unmapped_code", "unmapped.json", {"YT1234567890123": Parcel(Status.UNKNOWN, unmapped=True)}),
    _case("bad_sign_503", "bad_sign.json", AuthError),
    *http_error_cases("kuaidi100", CONFIG, YT),
]


def _callback(salt: str = "salt-1") -> tuple[dict[str, str], bytes]:
    param = json.dumps(
        {
            "status": "polling",
            "billstatus": "got",
            "message": "",
            "lastResult": json.loads(fixture("kuaidi100", "delivered.json")),
        },
        ensure_ascii=False,
    )
    sign = hashlib.md5((param + salt).encode()).hexdigest().upper()
    return {"Content-Type": "application/x-www-form-urlencoded"}, urlencode({"param": param, "sign": sign}).encode()


PUSH_CASES = [
    PushCase(
        "kuaidi100", "good_signature", CONFIG, *_callback(), {"YT1234567890123": Parcel(Status.DELIVERED, events=5)}
    ),
    PushCase("kuaidi100", "bad_signature", CONFIG, *_callback("wrong-salt"), AuthError),
    PushCase(
        "kuaidi100",
        "garbage",
        CONFIG,
        {},
        urlencode({"param": "{oops", "sign": hashlib.md5(b"{oopssalt-1").hexdigest().upper()}).encode(),
        BadResponse,
    ),
]
