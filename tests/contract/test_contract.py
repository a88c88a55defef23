"""One contract suite over every adapter, driven by the case tables ``cases_<carrier>.py``."""

from __future__ import annotations

import importlib
import pkgutil

import httpx
import pytest

import tests.contract as contract_pkg
from carriers.errors import NotFound, RateLimited
from carriers.registry import ADAPTERS, build_adapter
from schemas import Status, TrackingResult
from tests.contract.framework import REQUIRED_PULL_CASES, Parcel, PullCase, PushCase


def _case_modules() -> list[object]:
    names = [m.name for m in pkgutil.iter_modules(contract_pkg.__path__) if m.name.startswith("cases_")]
    return [importlib.import_module(f"tests.contract.{name}") for name in sorted(names)]


PULL_CASES: list[PullCase] = [c for m in _case_modules() for c in getattr(m, "PULL_CASES", [])]
PUSH_CASES: list[PushCase] = [c for m in _case_modules() for c in getattr(m, "PUSH_CASES", [])]


def _newest(result: TrackingResult):  # type: ignore[no-untyped-def]
    return max(result.events, key=lambda e: e.occurred_at)


def _check_parcel(result: TrackingResult, expected: Parcel) -> None:
    assert result.events, "a found parcel must carry events"
    assert all(e.occurred_at.tzinfo is not None for e in result.events)
    newest = _newest(result)
    assert newest.status == expected.status, [(e.carrier_code, e.status) for e in result.events]
    assert newest.sub_status == expected.sub_status
    if expected.events is not None:
        assert len(result.events) == expected.events
    if expected.carrier_eta is not None:
        assert result.carrier_eta == expected.carrier_eta
    if expected.sub_carrier is not None:
        assert result.sub_carrier == expected.sub_carrier
    assert any(e.status == Status.UNKNOWN for e in result.events) == expected.unmapped


def test_every_pull_adapter_covers_the_required_cases() -> None:
    covered: dict[str, set[str]] = {}
    for case in PULL_CASES:
        covered.setdefault(case.carrier, set()).add(case.name)
    pull_carriers = {code for code in ADAPTERS if getattr(build_adapter_dummy(code), "max_batch", 0) > 0}
    assert pull_carriers <= set(covered), f"carriers without contract cases: {pull_carriers - set(covered)}"
    for carrier, names in covered.items():
        assert REQUIRED_PULL_CASES <= names, f"{carrier} misses {sorted(REQUIRED_PULL_CASES - names)}"


def build_adapter_dummy(code: str) -> object:
    from carriers.base import CarrierConfig

    return build_adapter(code, CarrierConfig(base_url="http://carrier.test", key="k", secret="s", customer="c"))


@pytest.mark.parametrize("case", PULL_CASES, ids=lambda c: f"{c.carrier}-{c.name}")
async def test_pull_contract(case: PullCase) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return case.reply.to_response()

    adapter = build_adapter(case.carrier, case.config)
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        if isinstance(case.expect, type):
            with pytest.raises(case.expect) as raised:
                await adapter.track(client, case.queries)
            assert raised.value.carrier == case.carrier
            if case.retry_after is not None:
                assert isinstance(raised.value, RateLimited)
                assert raised.value.retry_after == case.retry_after
            return
        results = await adapter.track(client, case.queries)
    assert sent, "the adapter must call the carrier"
    if case.check_request is not None:
        case.check_request(sent[0])
    assert set(results) == set(case.expect)
    for number, expected in case.expect.items():
        if expected == "not_found":
            assert isinstance(results[number], NotFound)
        else:
            assert isinstance(expected, Parcel)
            result = results[number]
            assert isinstance(result, TrackingResult), result
            _check_parcel(result, expected)


@pytest.mark.parametrize("case", PUSH_CASES, ids=lambda c: f"{c.carrier}-{c.name}")
def test_push_contract(case: PushCase) -> None:
    adapter = build_adapter(case.carrier, case.config)
    if isinstance(case.expect, type):
        with pytest.raises(case.expect):
            adapter.parse_push(case.headers, case.body)  # type: ignore[attr-defined]
        return
    results = {r.tracking_number: r for r in adapter.parse_push(case.headers, case.body)}  # type: ignore[attr-defined]
    assert set(results) == set(case.expect)
    for number, expected in case.expect.items():
        _check_parcel(results[number], expected)
