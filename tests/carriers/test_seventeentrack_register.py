"""17TRACK registers the numbers ``gettrackinfo`` does not know, once, and reports them NotFound meanwhile."""

from __future__ import annotations

import json

import httpx

from carriers.base import CarrierConfig
from carriers.errors import NotFound
from carriers.seventeentrack import SeventeenTrackAdapter
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


async def _track(
    answers: dict[str, bytes], numbers: list[str]
) -> tuple[dict[str, TrackingResult | NotFound], list[httpx.Request]]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, content=answers[request.url.path.rsplit("/", 1)[-1]])

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        results = await SeventeenTrackAdapter(CONFIG).track(client, [TrackingQuery(n) for n in numbers])
    return dict(results), sent


async def test_unregistered_number_is_registered_once_and_reported_not_found() -> None:
    answers = {
        "gettrackinfo": fixture("seventeentrack", "not_registered.json"),
        "register": fixture("seventeentrack", "register_accepted.json"),
    }
    results, sent = await _track(answers, ["RR123456789CN"])
    assert [r.url.path for r in sent] == ["/track/v2.2/gettrackinfo", "/track/v2.2/register"]
    assert json.loads(sent[1].content) == [{"number": "RR123456789CN"}]
    assert sent[1].headers["17token"] == "token-17"
    assert isinstance(results["RR123456789CN"], NotFound)
    assert "registered" in results["RR123456789CN"].detail


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
    assert isinstance(results["LX123456789CN"], NotFound)
    assert "-18019908" in results["LX123456789CN"].detail


async def test_results_are_keyed_by_the_number_as_asked() -> None:
    results, _ = await _track({"gettrackinfo": fixture("seventeentrack", "delivered.json")}, ["rr123456789cn"])
    assert list(results) == ["rr123456789cn"]
