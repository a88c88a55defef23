"""Parse rate per adapter on its fixtures (events/s on one core) vs plain ``json.loads`` of the same bytes."""

from __future__ import annotations

import json
import time
from pathlib import Path

from common import ROOT, report

from carriers.base import CarrierConfig
from carriers.registry import ADAPTERS, build_adapter
from schemas import TrackingResult

FIXTURES = ROOT / "tests" / "contract" / "fixtures"
CONFIG = CarrierConfig(base_url="http://bench.test", key="k", secret="s", customer="c", partner_id="p", check_word="w")


def _rate(fn, payloads: list[bytes], events_per_round: int, seconds: float = 0.5) -> float:  # type: ignore[no-untyped-def]
    rounds, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for payload in payloads:
            fn(payload)
        rounds += 1
    return rounds * events_per_round / (time.perf_counter() - started)


def main() -> None:
    for code in sorted(ADAPTERS):
        files = sorted(Path(FIXTURES / code).glob("delivered*.json")) + sorted(
            Path(FIXTURES / code).glob("in_transit*.json")
        )
        if not files:
            print(f"parse {code:<15} no delivered/in_transit fixtures (sandbox timelines are generated)")
            continue
        adapter = build_adapter(code, CONFIG)
        payloads = [f.read_bytes() for f in files]
        events = sum(
            len(r.events)
            for p in payloads
            for r in adapter.parse(p).values()  # type: ignore[attr-defined]
            if isinstance(r, TrackingResult)
        )
        parse_rate = _rate(adapter.parse, payloads, events)  # type: ignore[attr-defined]
        json_rate = _rate(json.loads, payloads, events)
        report(
            f"parse {code} ({events} events/round)",
            f"{parse_rate:,.0f} ev/s",
            f"json.loads {json_rate:,.0f} ev/s",
            parse_rate / json_rate,
            ">= 20,000 ev/s per core",
        )


if __name__ == "__main__":
    main()
