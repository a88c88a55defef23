"""17TRACK registration: ``subscribe`` (``register``), on-the-fly registration in ``track``, TRACKING_STOPPED."""

from __future__ import annotations

import hashlib
import json

import httpx

from carriers.base import CarrierAdapter, CarrierConfig, PushAdapter, SubscribeAdapter
from carriers.errors import CarrierError, NotFound, RateLimited
from carriers.seventeentrack import SYNC_RETRY_AFTER, SeventeenTrackAdapter
from schemas import TrackingQuery, TrackingResult
from tests.contract.framework import fixture

CONFIG = CarrierConfig(base_url="https://api.17track.test", key="token-17")
REGISTER_QUOTA_GONE = {
    "code": 0,
    "data": {
        "accepted": [],
        "rejected": [{"number": "LX123456789CN", "error": {"code": -18019908, "message": "Quota is not enough."}}],
    },
}


def _handler(answers: dict[str, bytes] | None, sent: list[httpx.Request]):  # type: ignore[no-untyped-def]
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if answers is not None:
            return httpx.Response(200, content=answers[request.url.path.rsplit("/", 1)[-1]])
        # register: accept every asked number but the ones ending in 9CN, which 17TRACK already has (and
        # follows: a retrack is refused with "only stopped numbers can be retracked").
        asked = [item["number"] for item in json.loads(request.content)]
        if request.url.path.endswith("/retrack"):
            refused = [{"number": n, "error": {"code": -18019904, "message": "Retrack is not allowed."}} for n in asked]
            return httpx.Response(200, json={"code": 0, "data": {"accepted": [], "rejected": refused}})
        accepted = [{"number": n, "carrier": 3011, "origin": 1} for n in asked if not n.endswith("9CN")]
        rejected = [
            {"number": n, "error": {"code": -18019901, "message": f"Tracking number {n} is already registered."}}
            for n in asked
            if n.endswith("9CN")
        ]
        return httpx.Response(200, json={"code": 0, "data": {"accepted": accepted, "rejected": rejected}})

    return handler


async def _track(
    answers: dict[str, bytes], numbers: list[str]
) -> tuple[dict[str, TrackingResult | NotFound], list[httpx.Request]]:
    sent: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=httpx.MockTransport(_handler(answers, sent))) as client:
        results = await SeventeenTrackAdapter(CONFIG).track(client, [TrackingQuery(n) for n in numbers])
    return dict(results), sent


async def _subscribe(
    numbers: list[str], answers: dict[str, bytes] | None = None
) -> tuple[dict[str, CarrierError | None], list[httpx.Request]]:
    sent: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=httpx.MockTransport(_handler(answers, sent))) as client:
        queries = [TrackingQuery(n) for n in numbers]
        results = await SeventeenTrackAdapter(CONFIG).subscribe(client, queries, "https://shop.test/ignored")
    return dict(results), sent


def test_the_adapter_implements_the_protocols() -> None:
    adapter = SeventeenTrackAdapter(CONFIG)
    assert isinstance(adapter, CarrierAdapter) and isinstance(adapter, PushAdapter)
    assert isinstance(adapter, SubscribeAdapter)
    assert adapter.max_subscribe_batch == 40 and adapter.needs_phone is False


async def test_subscribe_registers_in_batches_of_40_and_already_registered_counts_as_accepted() -> None:
    numbers = [f"RR{i:09d}DE" for i in range(85)] + ["LX123456789CN"]
    results, sent = await _subscribe(numbers)
    assert [len(json.loads(r.content)) for r in sent] == [40, 40, 6, 1]
    assert all(r.url.path == "/track/v2.2/register" and r.headers["17token"] == "token-17" for r in sent[:3])
    # the one 17TRACK already had is retracked, in case it was one 17TRACK had stopped following
    assert sent[3].url.path == "/track/v2.2/retrack" and json.loads(sent[3].content) == [{"number": "LX123456789CN"}]
    assert json.loads(sent[0].content)[0] == {"number": "RR000000000DE"}
    assert b"shop.test" not in b"".join(r.content for r in sent)  # the webhook URL lives in 17TRACK's dashboard
    assert set(results) == set(numbers) and all(v is None for v in results.values())


async def test_subscribe_reports_a_number_17track_refuses() -> None:
    results, _ = await _subscribe(["LX123456789CN"], {"register": json.dumps(REGISTER_QUOTA_GONE).encode()})
    error = results["LX123456789CN"]
    assert isinstance(error, RateLimited) and error.retry_after == 3600.0


async def test_unregistered_number_is_registered_once_and_looked_at_again_within_minutes() -> None:
    answers = {
        "gettrackinfo": fixture("seventeentrack", "not_registered.json"),
        "register": fixture("seventeentrack", "register_accepted.json"),
    }
    results, sent = await _track(answers, ["RR123456789CN"])
    assert [r.url.path for r in sent] == ["/track/v2.2/gettrackinfo", "/track/v2.2/register"]
    assert json.loads(sent[1].content) == [{"number": "RR123456789CN"}]
    assert sent[1].headers["17token"] == "token-17"
    found = results["RR123456789CN"]
    assert isinstance(found, NotFound) and "registered" in found.detail
    assert found.retry_after == SYNC_RETRY_AFTER


async def test_accepted_without_events_is_looked_at_again_within_minutes() -> None:
    results, sent = await _track(
        {"gettrackinfo": fixture("seventeentrack", "registered_no_events.json")}, ["RR123456789CN"]
    )
    assert len(sent) == 1
    found = results["RR123456789CN"]
    assert isinstance(found, NotFound) and found.retry_after == SYNC_RETRY_AFTER


async def test_known_numbers_are_not_registered_again() -> None:
    results, sent = await _track({"gettrackinfo": fixture("seventeentrack", "in_transit.json")}, ["RR123456789CN"])
    assert [r.url.path for r in sent] == ["/track/v2.2/gettrackinfo"]
    assert isinstance(results["RR123456789CN"], TrackingResult)


async def test_a_number_17track_cannot_register_does_not_cost_the_batch_its_answers() -> None:
    known = json.loads(fixture("seventeentrack", "delivered.json"))
    unknown = json.loads(fixture("seventeentrack", "not_registered.json"))["data"]["rejected"][0]
    known["data"]["rejected"] = [{**unknown, "number": "LX123456789CN"}]
    answers = {"gettrackinfo": json.dumps(known).encode(), "register": json.dumps(REGISTER_QUOTA_GONE).encode()}
    results, _ = await _track(answers, ["RR123456789CN", "LX123456789CN"])
    assert isinstance(results["RR123456789CN"], TrackingResult)
    refused = results["LX123456789CN"]
    assert isinstance(refused, NotFound) and "-18019908" in refused.detail


async def test_results_are_keyed_by_the_number_as_asked() -> None:
    results, _ = await _track({"gettrackinfo": fixture("seventeentrack", "delivered.json")}, ["rr123456789cn"])
    assert list(results) == ["rr123456789cn"]


def test_tracking_stopped_push_says_push_stopped() -> None:
    body = fixture("seventeentrack", "push_tracking_stopped.json")
    sign = hashlib.sha256(body + b"/token-17").hexdigest()
    [result] = SeventeenTrackAdapter(CONFIG).parse_push({"sign": sign}, body)
    assert result.tracking_number == "RR123456789CN"
    assert result.push_stopped is True and result.events == []
    assert result.sub_carrier == "3011"
