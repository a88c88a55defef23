"""Shared benchmark plumbing: a scratch database on the configured or embedded PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracking_service.db import migrate, resolve_dsn  # noqa: E402
from tracking_service.db.core import init_connection  # noqa: E402


def with_database(dsn: str, name: str) -> str:
    return urlunsplit(urlsplit(dsn)._replace(path="/" + name))


@asynccontextmanager
async def scratch_database(label: str) -> AsyncIterator[str]:
    """A migrated database that is dropped afterwards; DSN from TRACKING_DATABASE_URL or embedded."""
    server = await asyncio.to_thread(
        resolve_dsn, os.environ.get("TRACKING_DATABASE_URL"), ROOT / ".tracking-data" / "bench"
    )
    name = f"bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server)
    await admin.execute(f"CREATE DATABASE {name}")
    dsn = with_database(server, name)
    try:
        conn = await asyncpg.connect(dsn)
        await migrate(conn)
        await conn.close()
        yield dsn
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


async def connect(dsn: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(dsn)
    await init_connection(conn)
    return conn


async def best_of(runs: int, fn: Callable[[], Awaitable[None]], reset: Callable[[], Awaitable[None]]) -> float:
    """Fastest wall time of ``runs`` runs (noisy 2-core machine: the minimum is the stable figure)."""
    best = float("inf")
    for _ in range(runs):
        await reset()
        started = time.perf_counter()
        await fn()
        best = min(best, time.perf_counter() - started)
    return best


def report(name: str, figure: str, baseline: str, ratio: float, target: str) -> None:
    print(f"{name:<44} {figure:>22}   baseline {baseline:>22}   ratio {ratio:6.2f}   target {target}")
