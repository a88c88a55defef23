"""Every real adapter, fed answers it cannot read, fails with a typed ``CarrierError`` and nothing else.

The poller only catches ``CarrierError`` (``tracking_service/polling.py``): a bare ``KeyError``, ``TypeError``,
``ValueError``, ``AttributeError`` or ``json.JSONDecodeError`` escaping ``track`` is a crash, not a failed poll.
The adapters are driven through the contract framework's fake carrier (``httpx.MockTransport`` answering a
``Reply``), each with the config and queries of its own contract table, on:

- truncated JSON, non-JSON text and other unreadable bytes with status 200: ``BadResponse``;
- JSON of the wrong shape at the top (a list, a scalar, an object without the carrier's keys): ``BadResponse``.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import pytest

from carriers.errors import BadResponse, CarrierError, NotFound
from carriers.registry import ADAPTERS, build_adapter
from schemas import TrackingResult
from tests.contract.framework import PullCase, Reply
from tests.contract.test_contract import PULL_CASES

CARRIERS = sorted(ADAPTERS)
# The config and queries each carrier's own table uses for an unreadable answer.
BASE: dict[str, PullCase] = {c.carrier: c for c in PULL_CASES if c.name == "garbage"}

TEXT = {"Content-Type": "text/plain; charset=utf-8"}
HTML = {"Content-Type": "text/html"}
JSON_TYPE = {"Content-Type": "application/json"}

# name -> what the fake carrier answers; every one must raise BadResponse.
UNREADABLE: dict[str, Reply] = {
    "truncated_object": Reply(200, b'{"data": [{"trunc', JSON_TYPE),
    "truncated_list": Reply(200, b'[{"number": "1", "events": [', JSON_TYPE),
    "truncated_string": Reply(200, b'{"status": "deliv', JSON_TYPE),
    "empty_body": Reply(200, b"", JSON_TYPE),
    "html_page": Reply(200, "<html><body><h1>200 OK</h1>Service is running</body></html>", HTML),
    "plain_text": Reply(200, "OK", TEXT),
    "chinese_text": Reply(200, "系统繁忙，请稍后再试", TEXT),
    "binary": Reply(200, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", {"Content-Type": "image/png"}),
    "not_utf8": Reply(200, b'{"data": "\xff\xfe\xfa"}', JSON_TYPE),
    "nan_text": Reply(200, b"NaN", JSON_TYPE),
    "top_list_empty": Reply(200, [], JSON_TYPE),
    "top_list_of_objects": Reply(200, [{"number": "1234567890", "status": "delivered"}], JSON_TYPE),
    "top_list_of_lists": Reply(200, [[1, 2], [3]], JSON_TYPE),
    "top_string": Reply(200, b'"delivered"', JSON_TYPE),
    "top_number": Reply(200, b"200", JSON_TYPE),
    "top_true": Reply(200, b"true", JSON_TYPE),
    "top_null": Reply(200, b"null", JSON_TYPE),
    "empty_object": Reply(200, {}, JSON_TYPE),
    "no_known_keys": Reply(200, {"message": "ok", "items": [{"id": 1}]}, JSON_TYPE),
}


def test_every_adapter_has_a_table_to_borrow_config_and_queries_from() -> None:
    assert set(BASE) == set(CARRIERS), f"carriers without a 'garbage' contract case: {set(CARRIERS) - set(BASE)}"


async def track_through_fake(case: PullCase, reply: Reply) -> Mapping[str, TrackingResult | NotFound]:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return reply.to_response()

    adapter = build_adapter(case.carrier, case.config)
    try:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await adapter.track(client, case.queries)
    finally:
        assert calls, "the adapter must have called the fake carrier"


@pytest.mark.parametrize("name", sorted(UNREADABLE))
@pytest.mark.parametrize("carrier", CARRIERS)
async def test_unreadable_answer_is_bad_response(carrier: str, name: str) -> None:
    case = BASE[carrier]
    try:
        results = await track_through_fake(case, UNREADABLE[name])
    except BadResponse as exc:
        assert exc.carrier == carrier
        return
    except CarrierError as exc:
        pytest.fail(f"{carrier} answered {name!r} with {type(exc).__name__}, not BadResponse: {exc}")
    except Exception as exc:  # the point: nothing but a CarrierError may escape
        pytest.fail(f"{carrier} let {type(exc).__name__} escape on {name!r}: {exc!r}")
    pytest.fail(f"{carrier} read {name!r} as a valid answer: {results!r}")
