"""SF Express contract cases (route query and route push)."""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import parse_qs, quote_plus, urlencode

import httpx

from carriers.base import CarrierConfig
from carriers.errors import AuthError, BadResponse
from schemas import Status, SubStatus, TrackingQuery
from tests.contract.framework import Parcel, PullCase, PushCase, Reply, fixture_reply, http_error_cases

CONFIG = CarrierConfig(base_url="https://bspgw.sf.test", partner_id="PARTNER", check_word="CHECKWORD")
ONE = [TrackingQuery("SF1234567890123", phone_last4="5678")]
TWO = [TrackingQuery("SF1234567890123"), TrackingQuery("SF1234567890124")]


def _digest(msg_data: str, timestamp: str, check_word: str = "CHECKWORD") -> str:
    # Independent of the adapter: Java URLEncoder keeps A-Za-z0-9 . - * _ and writes spaces as '+'.
    encoded = quote_plus(msg_data + timestamp + check_word, safe="*")
    return base64.b64encode(hashlib.md5(encoded.encode()).digest()).decode()


def _signed_by_the_doc(request: httpx.Request) -> None:
    form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
    assert form["serviceCode"] == "EXP_RECE_SEARCH_ROUTES" and form["partnerID"] == "PARTNER"
    assert json.loads(form["msgData"])["checkPhoneNo"] == "5678"
    assert form["msgDigest"] == _digest(form["msgData"], form["timestamp"])


def _case(name: str, file: str, expect: object, queries: list[TrackingQuery] = ONE, **extra: object) -> PullCase:
    return PullCase("sf_express", name, CONFIG, queries, fixture_reply("sf_express", file), expect, **extra)  # type: ignore[arg-type]


PULL_CASES = [
    _case(
        "delivered",
        "delivered.json",
        {"SF1234567890123": Parcel(Status.DELIVERED, events=5)},
        check_request=_signed_by_the_doc,
    ),
    _case(
        "in_transit",
        "in_transit.json",
        {
            "SF1234567890123": Parcel(Status.IN_TRANSIT),
            "SF1234567890124": Parcel(Status.IN_TRANSIT, SubStatus.CUSTOMS_HOLD),
        },
        TWO,
    ),
    _case("exception", "exception.json", {"SF1234567890123": Parcel(Status.EXCEPTION, SubStatus.CUSTOMS_HOLD)}),
    _case("not_found", "not_found.json", {"SF1234567890123": "not_found"}),
    _case("unmapped_code", "unmapped.json", {"SF1234567890123": Parcel(Status.UNKNOWN, unmapped=True)}),
    PullCase(
        "sf_express",
        "bad_digest_A1006",
        CONFIG,
        ONE,
        Reply(200, {"apiResultCode": "A1006", "apiErrorMsg": "数字签名无效"}),
        AuthError,
    ),
    *http_error_cases("sf_express", CONFIG, ONE),
]


def _push(check_word: str = "CHECKWORD") -> tuple[dict[str, str], bytes]:
    msg = json.dumps(
        {
            "Body": {
                "WaybillRoute": [
                    {
                        "mailno": "SF1234567890123",
                        "acceptTime": "2026-11-19 17:45:00",
                        "acceptAddress": "广州市",
                        "remark": "已签收,感谢使用顺丰",
                        "opCode": "80",
                        "id": "1",
                    }
                ]
            }
        },
        ensure_ascii=False,
    )
    form = {
        "partnerID": "PARTNER",
        "requestID": "r1",
        "serviceCode": "RoutePushService",
        "timestamp": "1763546700000",
        "msgData": msg,
        "msgDigest": _digest(msg, "1763546700000", check_word),
    }
    return {"Content-Type": "application/x-www-form-urlencoded"}, urlencode(form).encode()


PUSH_CASES = [
    PushCase("sf_express", "good_signature", CONFIG, *_push(), {"SF1234567890123": Parcel(Status.DELIVERED)}),
    PushCase("sf_express", "bad_signature", CONFIG, *_push("WRONG"), AuthError),
    PushCase(
        "sf_express",
        "garbage",
        CONFIG,
        {},
        urlencode({"msgData": "{x", "timestamp": "1", "msgDigest": _digest("{x", "1")}).encode(),
        BadResponse,
    ),
]
