"""Every real adapter, fed a documented answer broken at any one node, returns a result or raises a ``CarrierError``.

The poller only catches ``CarrierError`` (``tracking_service/polling.py``), so anything else escaping ``track``
is a crash. Each documented 200 answer of the carrier's contract table (the required cases) has every node
replaced in turn by a value of another JSON type, or dropped; JSON held in a string (SF's ``apiResultData``)
is mutated inside and truncated too. Driven through the contract framework's fake carrier.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from carriers.errors import CarrierError, NotFound
from carriers.registry import ADAPTERS
from schemas import TrackingResult
from tests.contract.framework import REQUIRED_PULL_CASES, PullCase, Reply
from tests.contract.test_contract import PULL_CASES
from tests.contract.test_malformed_answers import BASE, JSON_TYPE, track_through_fake

CARRIERS = sorted(ADAPTERS)
# The documented 200 answers of the table, whose every node the sweep breaks in turn.
SWEPT_CASES = sorted(REQUIRED_PULL_CASES - {"garbage", "http_401", "http_429", "http_5xx"})
# Shapes the mutations of the documented answers do not reach (keys those answers do not carry).
EXTRA: dict[str, list[tuple[str, Any]]] = {
    "seventeentrack": [
        ("data.errors is a number", {"code": 0, "data": {"errors": 5}}),
        ("data.errors is a list of strings", {"code": 0, "data": {"errors": ["busy"]}}),
    ],
    "kuaidi100": [("returnCode is a list", {"result": False, "returnCode": ["400"], "message": "x"})],
    "sf_express": [("apiResultData is not JSON", {"apiResultCode": "A1000", "apiResultData": "{oops"})],
}

# -- the sweep ---------------------------------------------------------------------------------------------------

_EMBEDDED = "<json in string>"  # a path step into the JSON text a string holds
_DROP = object()
_OTHER_TYPES: list[Any] = [None, True, 7, -1.5, "", "x", [], [None], [7], {}, {"x": 1}]


def _kind(value: Any) -> str:
    return "bool" if isinstance(value, bool) else "number" if isinstance(value, int | float) else type(value).__name__


def _embedded(value: Any) -> Any | None:
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            inner = json.loads(value)
        except ValueError:
            return None
        return inner if isinstance(inner, dict | list) else None
    return None


def _nodes(doc: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, doc
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            yield from _nodes(value, (*path, index))
    elif (inner := _embedded(doc)) is not None:
        yield from _nodes(inner, (*path, _EMBEDDED))


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    step, rest = path[0], path[1:]
    if step == _EMBEDDED:
        return json.dumps(_replace(json.loads(doc), rest, value), ensure_ascii=False)
    new = copy.copy(doc)
    if value is _DROP and not rest:
        del new[step]
    else:
        new[step] = _replace(doc[step], rest, value)
    return new


def _mutations(doc: Any) -> Iterator[tuple[str, Any]]:
    """(what was done, mutated document) for every node below the root."""
    for path, node in _nodes(doc):
        if not path or path[-1] == _EMBEDDED:
            continue
        where = "/".join(str(step) for step in path)
        if isinstance(path[-1], str):
            yield f"drop {where}", _replace(doc, path, _DROP)
        for other in _OTHER_TYPES:
            if _kind(other) != _kind(node):
                yield f"{where} = {json.dumps(other)}", _replace(doc, path, other)
        if _embedded(node) is not None:
            yield f"truncate {where}", _replace(doc, path, node[: len(node) // 2])


def _document(reply: Reply) -> Any | None:
    if isinstance(reply.body, dict | list):
        return reply.body
    try:
        return json.loads(reply.body)
    except ValueError:
        return None


def _swept(carrier: str) -> list[PullCase]:
    return [
        c
        for c in PULL_CASES
        if c.carrier == carrier
        and c.name in SWEPT_CASES
        and c.reply.status == 200
        and isinstance(_document(c.reply), dict | list)
    ]


@pytest.mark.parametrize("carrier", CARRIERS)
async def test_answers_broken_anywhere_raise_only_carrier_errors(carrier: str) -> None:
    cases = _swept(carrier)
    assert cases, f"{carrier}: no documented 200 answer to sweep"
    escaped: list[str] = []
    broken = [(case, change, doc) for case in cases for change, doc in _mutations(_document(case.reply))]
    broken += [(BASE[carrier], change, doc) for change, doc in EXTRA.get(carrier, [])]
    for case, change, doc in broken:
        try:
            results = await track_through_fake(case, Reply(200, json.dumps(doc, ensure_ascii=False), JSON_TYPE))
        except CarrierError as exc:
            assert exc.carrier == carrier
            continue
        except Exception as exc:  # the point: nothing but a CarrierError may escape
            escaped.append(f"{case.name}: {change} -> {type(exc).__name__}: {exc}")
            continue
        if not isinstance(results, Mapping) or not all(
            isinstance(r, TrackingResult | NotFound) for r in results.values()
        ):
            escaped.append(f"{case.name}: {change} -> returned {results!r}")
    tried = len(broken)
    assert tried > 50, f"{carrier}: the sweep tried only {tried} answers"
    assert not escaped, f"{carrier}: {len(escaped)} of {tried} broken answers escaped untyped:\n" + "\n".join(
        escaped[:80]
    )
