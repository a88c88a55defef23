"""Parse rate per adapter on its fixtures (events/s on one core) beside plain ``json.loads`` of the same bytes.

Every adapter in ``carriers.registry.ADAPTERS`` with a synchronous ``parse(content: bytes)`` (the
function its ``track`` uses) is timed on ``tests/contract/fixtures/<code>/delivered*`` and
``in_transit*``. The baseline is ``json.loads`` of the same bytes, counted as if it produced the same
events: the ratio says how much of the time is the adapter's own work beyond decoding JSON.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from common import ROOT, report

from carriers.base import CarrierConfig
from carriers.errors import CarrierError
from carriers.registry import ADAPTERS, build_adapter
from schemas import TrackingResult

FIXTURES = ROOT / "tests" / "contract" / "fixtures"
CONFIG = CarrierConfig(base_url="http://bench.test", key="k", secret="s", customer="c", partner_id="p", check_word="w")
SECONDS = 0.5
TARGET = 20_000


def _rate(fn: Callable[[bytes], Any], payloads: list[bytes], events_per_round: int) -> float:
    """Events per second of ``fn`` over all payloads, repeated for at least ``SECONDS``."""
    rounds, started = 0, time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        for payload in payloads:
            fn(payload)
        rounds += 1
    return rounds * events_per_round / (time.perf_counter() - started)


def _events(parse: Callable[[bytes], Any], payload: bytes) -> int:
    return sum(len(r.events) for r in parse(payload).values() if isinstance(r, TrackingResult))


def bench(code: str) -> None:
    adapter = build_adapter(code, CONFIG)
    parse = getattr(adapter, "parse", None)
    if not callable(parse):
        print(f"parse {code:<38} skipped: the adapter has no parse(content) entry point")
        return
    folder = FIXTURES / code
    files = sorted(p for p in folder.glob("*") if p.name.startswith(("delivered", "in_transit")))
    payloads, events = [], 0
    for path in files:
        payload = path.read_bytes()
        try:
            count = _events(parse, payload)
        except CarrierError as exc:
            print(f"parse {code:<38} skipping {path.name}: {type(exc).__name__} {exc.detail}")
            continue
        payloads.append(payload)
        events += count
    if not events:
        print(f"parse {code:<38} skipped: no delivered*/in_transit* fixture with events in {folder.relative_to(ROOT)}")
        return
    parse_rate = _rate(parse, payloads, events)
    json_rate = _rate(json.loads, payloads, events)
    report(
        f"parse {code} ({events} events/round)",
        f"{parse_rate:,.0f} ev/s",
        f"json.loads {json_rate:,.0f} ev/s",
        parse_rate / json_rate,
        f">= {TARGET:,} ev/s per core" + ("" if parse_rate >= TARGET else "  MISSED"),
    )


def main() -> None:
    for code in sorted(ADAPTERS):
        bench(code)


if __name__ == "__main__":
    main()
