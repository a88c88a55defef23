"""A small HTTP load generator, run as its own process (the other core) by bench_api.py.

Two modes over a list of paths taken round-robin:
- ``closed``: N connections, each sending its next request when the last answered (saturation rps);
- ``open``: requests started on a fixed schedule (e.g. 1,000/s) whatever the server does; latency is
  measured from the scheduled start, so a stalled server cannot hide its queueing (no coordinated omission).

Prints one JSON object: requests, errors, seconds, rps, p50_ms, p99_ms.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from typing import Any

import aiohttp


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(
    base: str, paths: list[str], token: str, mode: str, connections: int, rate: float, seconds: float
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    cycle = itertools.cycle(paths)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    connector = aiohttp.TCPConnector(limit=connections, force_close=False)
    async with aiohttp.ClientSession(base, connector=connector, headers=headers) as session:

        async def one(path: str, started: float) -> None:
            nonlocal errors
            try:
                async with session.get(path) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
            except aiohttp.ClientError:
                errors += 1
            latencies.append(time.perf_counter() - started)

        began = time.perf_counter()
        end = began + seconds
        if mode == "closed":

            async def worker() -> None:
                while time.perf_counter() < end:
                    await one(next(cycle), time.perf_counter())

            await asyncio.gather(*(worker() for _ in range(connections)))
        else:
            interval = 1.0 / rate
            pending: set[asyncio.Task[None]] = set()
            for n in itertools.count():
                scheduled = began + n * interval
                if scheduled >= end:
                    break
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                task = asyncio.ensure_future(one(next(cycle), scheduled))
                pending.add(task)
                task.add_done_callback(pending.discard)
            if pending:
                await asyncio.wait(pending)
        elapsed = time.perf_counter() - began
    ms = [s * 1000 for s in latencies]
    return {
        "requests": len(ms),
        "errors": errors,
        "seconds": round(elapsed, 3),
        "rps": len(ms) / elapsed,
        "p50_ms": _percentile(ms, 0.50),
        "p99_ms": _percentile(ms, 0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("paths_file")
    parser.add_argument("--token", default="")
    parser.add_argument("--mode", choices=["closed", "open"], default="closed")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with open(args.paths_file, encoding="utf-8") as handle:
        paths = [line.strip() for line in handle if line.strip()]
    result = asyncio.run(
        run(args.base, paths, args.token, args.mode, args.connections, args.rate, args.seconds),
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
