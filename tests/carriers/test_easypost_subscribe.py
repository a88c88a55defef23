"""EasyPost subscription = creating a Tracker (``POST /v2/trackers``, tracking guide); webhooks are account-wide."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import httpx
import pytest

from carriers.base import CarrierConfig, SubscribeAdapter
from carriers.easypost import EasyPostAdapter
from carriers.errors import AuthError, BadResponse, CarrierUnavailable, RateLimited
from schemas import TrackingQuery

CONFIG = CarrierConfig(base_url="https://api.easypost.test", key="EZAK_key", secret="whsecret")
CALLBACK = "https://shop.test/v1/webhooks/carriers/easypost"
TRACKER = {"id": "trk_1", "object": "Tracker", "tracking_code": "EZ1000000001", "status": "unknown"}
ERROR_422 = {
    "error": {
        "code": "TRACKER.CREATE.ERROR",
        "message": "Unable to create tracker: tracking code is invalid for carrier USPS",
        "errors": [],
    }
}


async def _subscribe(
    handler: Callable[[httpx.Request], httpx.Response], queries: list[TrackingQuery]
) -> dict[str, object]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        return dict(await EasyPostAdapter(CONFIG).subscribe(client, queries, CALLBACK))


def test_adapter_is_a_subscribe_adapter() -> None:
    adapter = EasyPostAdapter(CONFIG)
    assert isinstance(adapter, SubscribeAdapter)
    assert adapter.max_subscribe_batch == 1 and adapter.needs_phone is False


async def test_subscribe_sends_the_documented_shape() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(201, json=TRACKER)

    result = await _subscribe(handler, [TrackingQuery("EZ1000000001", sub_carrier="USPS")])
    assert result == {"EZ1000000001": None}
    request = sent[0]
    assert (request.method, request.url.path) == ("POST", "/v2/trackers")
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"EZAK_key:").decode()
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {"tracker": {"tracking_code": "EZ1000000001", "carrier": "USPS"}}
    assert CALLBACK.encode() not in request.content  # the webhook URL is configured account-wide


async def test_without_sub_carrier_easypost_detects_the_carrier() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(201, json=TRACKER)

    await _subscribe(handler, [TrackingQuery("EZ1000000001")])
    assert json.loads(sent[0].content) == {"tracker": {"tracking_code": "EZ1000000001"}}


async def test_an_existing_tracker_counts_as_accepted() -> None:
    # A repeated code + carrier returns the original Tracker (200) instead of creating one.
    result = await _subscribe(lambda r: httpx.Response(200, json=TRACKER), [TrackingQuery("EZ1000000001")])
    assert result == {"EZ1000000001": None}


async def test_one_request_per_number_and_one_answer_each() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        code = json.loads(request.content)["tracker"]["tracking_code"]
        return httpx.Response(422, json=ERROR_422) if code == "BAD1" else httpx.Response(201, json=TRACKER)

    result = await _subscribe(handler, [TrackingQuery("EZ1000000001"), TrackingQuery("BAD1")])
    assert result["EZ1000000001"] is None
    assert isinstance(result["BAD1"], BadResponse)


async def test_422_is_a_per_number_bad_response() -> None:
    result = await _subscribe(lambda r: httpx.Response(422, json=ERROR_422), [TrackingQuery("BAD1")])
    error = result["BAD1"]
    assert isinstance(error, BadResponse) and error.carrier == "easypost"
    assert "TRACKER.CREATE.ERROR" in error.detail and "invalid" in error.detail


async def test_a_create_answer_that_is_not_a_tracker_is_a_per_number_bad_response() -> None:
    result = await _subscribe(lambda r: httpx.Response(200, content=b'{"obj'), [TrackingQuery("EZ1000000001")])
    assert isinstance(result["EZ1000000001"], BadResponse)


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, AuthError), (403, AuthError), (429, RateLimited), (503, CarrierUnavailable)],
)
async def test_whole_call_failures_raise(status: int, error: type[Exception]) -> None:
    reply = {"error": {"code": "APIKEY.INACTIVE", "message": "This api key is no longer active.", "errors": []}}
    with pytest.raises(error):
        await _subscribe(lambda r: httpx.Response(status, json=reply), [TrackingQuery("EZ1000000001")])


async def test_transport_failure_is_carrier_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(CarrierUnavailable):
        await _subscribe(handler, [TrackingQuery("EZ1000000001")])
