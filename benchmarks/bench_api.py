"""API lookup speed and memory: `GET /v1/shipments/{id}` and search, served by one `serve` process on a
scratch database, vs a bare aiohttp handler returning the same JSON, both driven by the same load generator
from another process (the other core).

- saturation rps: wrk (Debian's, when installed) or benchmarks/loadgen.py in closed-loop mode;
- latency at a fixed 1,000 requests/s: loadgen.py in open-loop mode (latency from the scheduled start);
- RSS of the service process idle (after start and setup) and loaded (peak sampled during the runs);
- the buyers' tracking page ``GET /t/<token>`` (SPEC §11: a server-rendered page with the timeline, the ETA and
  the prepared incident text, no key) printed beside ``GET /v1/shipments/{id}``, its in-run baseline.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from common import ROOT, report, scratch_database

HERE = Path(__file__).resolve().parent
ADMIN = "bench-admin-key"
SHIPMENTS = 1000
SECONDS = 8.0
CONNECTIONS = 32
FIXED_RATE = 1000.0
# The buyers' page renders HTML from the answers' context: its fixed-rate latency is taken at a rate a buyer
# peak plausibly sends one replica (Double-11: tens of thousands of page views a day per shop), beside the
# API lookup at the same rate.
PAGE_RATE = 100.0

WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
"""

BARE_SERVER = """
import json, sys
from aiohttp import web
payload = json.load(open(sys.argv[2], encoding="utf-8"))
async def handler(request):
    return web.json_response(payload)
app = web.Application()
app.router.add_get("/{tail:.*}", handler)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
"""

# The floor for any lookup that reads PostgreSQL: a bare handler doing one asyncpg fetchrow of the same row.
BARE_DB_SERVER = """
import sys, uuid, asyncpg
from aiohttp import web
async def keep_session(conn):  # as the service does: no RESET ALL round trip on release
    pass
async def pool_ctx(app):
    app["pool"] = await asyncpg.create_pool(sys.argv[2], min_size=2, max_size=10, reset=keep_session)
    yield
    await app["pool"].close()
async def handler(request):
    shipment_id = uuid.UUID(request.path.rsplit("/", 1)[1])
    row = await request.app["pool"].fetchrow("SELECT row_to_json(s)::text FROM shipments s WHERE id = $1", shipment_id)
    return web.Response(text=row[0], content_type="application/json")
app = web.Application()
app.cleanup_ctx.append(pool_ctx)
app.router.add_get("/{tail:.*}", handler)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class RssSampler:
    """Peak RSS of a process, sampled every 100 ms while a load runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, _rss_mib(self.pid))

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _wait_ready(url: str) -> None:
    for _ in range(150):
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _wrk() -> str | None:
    return None if os.environ.get("BENCH_NO_WRK") else shutil.which("wrk")


def saturate(base: str, paths_file: str, token: str) -> dict[str, float]:
    """Closed-loop saturation with wrk when present, else loadgen.py; rps and p99 in ms."""
    wrk = _wrk()
    if wrk is None:
        return _loadgen(base, paths_file, token, "closed")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = [wrk, "-t1", f"-c{CONNECTIONS}", f"-d{int(SECONDS)}s", "--latency", "-s", script.name]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(  # noqa: S603
        [*command, base], capture_output=True, text=True, check=True, env={**os.environ, "BENCH_PATHS": paths_file}
    ).stdout
    os.unlink(script.name)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise RuntimeError(f"{non_2xx.group(1)} failed requests against {base}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)$", out, re.M).group(1)),  # type: ignore[union-attr]
    }


def _loadgen(base: str, paths_file: str, token: str, mode: str, rate: float = FIXED_RATE) -> dict[str, float]:
    out = subprocess.run(  # noqa: S603
        [
            sys.executable,
            str(HERE / "loadgen.py"),
            base,
            paths_file,
            f"--token={token}",
            f"--mode={mode}",
            f"--connections={CONNECTIONS if mode == 'closed' else 256}",
            f"--rate={rate}",
            f"--seconds={SECONDS}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(out)
    if result["errors"]:
        raise RuntimeError(f"{result['errors']} failed requests against {base}")
    return result


async def _setup(base: str) -> tuple[str, list[str], list[str], dict[str, object], list[str]]:
    """Two shops, an agent key for both, SHIPMENTS parcels with buyers and carrier events."""
    async with httpx.AsyncClient(base_url=base, timeout=60, headers={"Authorization": f"Bearer {ADMIN}"}) as admin:
        for shop in ("shop-a", "shop-b"):
            (await admin.post("/v1/tenants", json={"id": shop, "name": shop})).raise_for_status()
        key = await admin.post("/v1/keys", json={"role": "agent", "tenants": ["shop-a", "shop-b"]})
        key.raise_for_status()
        gate = asyncio.Semaphore(16)
        ids: list[str] = []
        numbers: list[str] = []
        pages: list[str] = []

        async def register(n: int) -> None:
            async with gate:
                number = f"SBX-IN_TRANSIT-{n:05d}"
                created = await admin.post(
                    "/v1/shipments",
                    json={
                        "tracking_number": number,
                        "tenant": "shop-a" if n % 2 else "shop-b",
                        "order_id": f"DD{n:08d}",
                        "buyer": {"name": "王小明", "phone": f"+86 138 0013 {n:04d}", "email": f"buyer{n}@example.com"},
                    },
                )
                created.raise_for_status()
                shipment_id = created.json()["id"]
                (await admin.post(f"/v1/shipments/{shipment_id}/refresh")).raise_for_status()
                ids.append(shipment_id)
                numbers.append(number)
                url = created.json()["tracking_url"]
                pages.append(url[url.index("/t/") :])

        await asyncio.gather(*(register(n) for n in range(SHIPMENTS)))
        sample = (await admin.get(f"/v1/shipments/{ids[0]}")).json()
    return key.json()["key"], ids, numbers, sample, pages


def main() -> int:
    return asyncio.run(_main())


def _service_env(dsn: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "TRACKING_DATABASE_URL": dsn,
        "TRACKING_HTTP__PORT": str(port),
        "TRACKING_SANDBOX": "true",
        "TRACKING_DEMO": "false",
        "TRACKING_BOOTSTRAP_ADMIN_KEY": ADMIN,
        "TRACKING_LOG_LEVEL": "WARNING",
        "TRACKING_POLLING__ENABLED": "false",
        "TRACKING_NOTIFY__ENABLED": "false",
        "TRACKING_SECURITY__RATE_LIMIT_PER_SECOND": "1000000",
        "TRACKING_SECURITY__RATE_LIMIT_BURST": "1000000",
        "TRACKING_CARRIERS__SANDBOX__RATE_PER_SECOND": "5000",
    }


def _start(
    command: list[str], env: dict[str, str] | None, ready_url: str, started: list[subprocess.Popen[bytes]]
) -> int:
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    started.append(process)
    _wait_ready(ready_url)
    return process.pid


def _print_saturation(name: str, sat: dict[str, float], bare: dict[str, float], bare_db: dict[str, float]) -> None:
    report(
        f"api {name} rps",
        f"{sat['rps']:.0f} req/s",
        f"bare {bare['rps']:.0f} req/s",
        sat["rps"] / bare["rps"],
        ">= 0.50",
    )
    print(
        f"    vs bare handler + one asyncpg fetchrow {bare_db['rps']:.0f} req/s:"
        f" ratio {sat['rps'] / bare_db['rps']:.2f};"
        f" p99 at saturation {sat['p99_ms']:.1f} ms (bare {bare['p99_ms']:.1f}, bare+db {bare_db['p99_ms']:.1f})"
    )


def _print_fixed(name: str, fixed: dict[str, float], bare: dict[str, float]) -> None:
    report(
        f"api {name} p99 @ {FIXED_RATE:.0f}/s",
        f"{fixed['p99_ms']:.1f} ms",
        f"bare {bare['p99_ms']:.1f} ms",
        fixed["p99_ms"] / bare["p99_ms"],
        "p99 < 20 ms",
    )
    print(
        f"    achieved {fixed['rps']:.0f} req/s, p50 {fixed['p50_ms']:.1f} ms"
        f" (bare achieved {bare['rps']:.0f} req/s, p50 {bare['p50_ms']:.1f} ms)"
    )


def _print_page(
    sat: dict[str, float], fixed: dict[str, float], api_sat: dict[str, float], api_fixed: dict[str, float]
) -> None:
    """The buyers' page beside the API lookup of the same parcels."""
    report(
        "buyers page GET /t/<token> rps",
        f"{sat['rps']:.0f} req/s",
        f"/v1/shipments/{{id}} {api_sat['rps']:.0f}",
        sat["rps"] / api_sat["rps"],
        ">= 0.25",
    )
    report(
        f"buyers page p99 @ {PAGE_RATE:.0f}/s",
        f"{fixed['p99_ms']:.1f} ms",
        f"/v1/shipments/{{id}} {api_fixed['p99_ms']:.1f} ms",
        fixed["p99_ms"] / api_fixed["p99_ms"],
        "p99 < 100 ms",
    )
    print(
        f"    page p99 at saturation {sat['p99_ms']:.1f} ms (API {api_sat['p99_ms']:.1f} ms);"
        f" at the fixed rate achieved {fixed['rps']:.0f} req/s, p50 {fixed['p50_ms']:.1f} ms"
    )


async def _main() -> int:
    started: list[subprocess.Popen[bytes]] = []
    async with scratch_database("api") as dsn:
        try:
            port = _free_port()
            base = f"http://127.0.0.1:{port}"
            service_pid = await asyncio.to_thread(
                _start,
                [sys.executable, "-m", "tracking_service", "serve"],
                _service_env(dsn, port),
                f"{base}/readyz",
                started,
            )
            token, ids, numbers, sample, pages = await _setup(base)
            await asyncio.to_thread(_measure, dsn, base, service_pid, token, ids, numbers, sample, pages, started)
        finally:
            for process in started:
                process.terminate()
                process.wait(timeout=15)
    return 0


def _measure(
    dsn: str,
    base: str,
    service_pid: int,
    token: str,
    ids: list[str],
    numbers: list[str],
    sample: dict[str, object],
    pages: list[str],
    started: list[subprocess.Popen[bytes]],
) -> None:
    idle_rss = _rss_mib(service_pid)
    bare_port, bare_db_port = _free_port(), _free_port()
    bare_base, bare_db_base = f"http://127.0.0.1:{bare_port}", f"http://127.0.0.1:{bare_db_port}"
    with tempfile.TemporaryDirectory() as tmp:
        payload_file = Path(tmp, "payload.json")
        payload_file.write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
        bare_pid = _start(
            [sys.executable, "-c", BARE_SERVER, str(bare_port), str(payload_file)], None, bare_base, started
        )
        _start(
            [sys.executable, "-c", BARE_DB_SERVER, str(bare_db_port), dsn],
            None,
            f"{bare_db_base}/v1/shipments/{ids[0]}",
            started,
        )
        bare_idle_rss = _rss_mib(bare_pid)
        lookups = Path(tmp, "lookups.txt")
        lookups.write_text("\n".join(f"/v1/shipments/{i}" for i in ids))
        searches = Path(tmp, "searches.txt")
        searches.write_text(
            "\n".join(
                f"/v1/shipments?tracking_number={numbers[n]}"
                if n % 2
                else f"/v1/shipments?phone_last4={n:04d}&limit=20"
                for n in range(SHIPMENTS)
            )
        )
        page_paths = Path(tmp, "pages.txt")
        page_paths.write_text("\n".join(pages))
        generator = "wrk" if _wrk() else "loadgen.py (wrk not installed, or BENCH_NO_WRK set)"
        print(f"load generator: {generator}, {CONNECTIONS} connections, {SECONDS:.0f} s per run")
        with RssSampler(service_pid) as service_rss:
            bare_sat = saturate(bare_base, str(lookups), "")
            bare_db_sat = saturate(bare_db_base, str(lookups), "")
            lookup_sat = saturate(base, str(lookups), token)
            search_sat = saturate(base, str(searches), token)
            bare_fixed = _loadgen(bare_base, str(lookups), "", "open")
            lookup_fixed = _loadgen(base, str(lookups), token, "open")
            search_fixed = _loadgen(base, str(searches), token, "open")
            page_sat = saturate(base, str(page_paths), "")
            page_fixed = _loadgen(base, str(page_paths), "", "open", PAGE_RATE)
            api_at_page_rate = _loadgen(base, str(lookups), token, "open", PAGE_RATE)
    _print_saturation("GET /v1/shipments/{id}", lookup_sat, bare_sat, bare_db_sat)
    _print_saturation("GET /v1/shipments?… (search)", search_sat, bare_sat, bare_db_sat)
    _print_fixed("GET /v1/shipments/{id}", lookup_fixed, bare_fixed)
    _print_fixed("GET /v1/shipments?… (search)", search_fixed, bare_fixed)
    _print_page(page_sat, page_fixed, lookup_sat, api_at_page_rate)
    report("service RSS idle", f"{idle_rss:.0f} MiB", f"bare {bare_idle_rss:.0f} MiB", idle_rss / bare_idle_rss, "-")
    report(
        "service RSS loaded (peak)",
        f"{service_rss.peak:.0f} MiB",
        f"idle {idle_rss:.0f} MiB",
        service_rss.peak / idle_rss,
        "-",
    )


if __name__ == "__main__":
    raise SystemExit(main())
