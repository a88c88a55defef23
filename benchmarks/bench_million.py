"""At 1,000,000 active shipments: claiming 500 due polls, and the incident sweep over 500 due checks.

Baselines, measured in the same run: a plain index read of the same 500 rows.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import asyncpg
from common import best_of, connect, report, scratch_database

from tracking_service.db.incidents import CLAIM_SWEEP_SQL
from tracking_service.db.polling import CLAIM_DUE_SQL, claim_due
from tracking_service.estimates import Estimator
from tracking_service.incidents.service import sweep_once

TOTAL = int(os.environ.get("BENCH_MILLION_ROWS", "1000000"))
DUE = 500
NOW = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)

POPULATE_SQL = """
INSERT INTO shipments (tenant_id, id, carrier, tracking_number, status, last_event_at, last_event_status,
                       next_poll_at, sweep_at, created_at, updated_at)
SELECT 't' || (g % 100), gen_random_uuid(), 'sandbox', 'SBX-IN_TRANSIT-' || g, 'in_transit',
       CASE WHEN g <= $2 THEN $1::timestamptz - interval '80 hours' ELSE $1::timestamptz - interval '1 hour' END,
       'in_transit',
       $1::timestamptz + CASE WHEN g <= $2 THEN -1 ELSE 1 END * make_interval(secs => g),
       $1::timestamptz + CASE WHEN g <= $2 THEN -1 ELSE 1 END * make_interval(secs => g),
       $1::timestamptz - interval '5 days', $1::timestamptz - interval '5 days'
FROM generate_series(1, $3) g
"""


async def _plan_uses(conn: asyncpg.Connection, sql: str, index: str, *args: object) -> bool:
    plan = "\n".join(r[0] for r in await conn.fetch(f"EXPLAIN {sql}", *args))
    return index in plan


def _resetter(conn: asyncpg.Connection, column: str) -> Callable[[], Awaitable[None]]:
    async def reset() -> None:
        await conn.execute(
            f"UPDATE shipments SET {column} = $1::timestamptz - make_interval(secs => 1), lease_owner = NULL,"
            " lease_until = NULL"
            f" WHERE tracking_number = ANY($2::text[])",
            NOW,
            [f"SBX-IN_TRANSIT-{g}" for g in range(1, DUE + 1)],
        )
        await conn.execute("TRUNCATE incidents")

    return reset


async def main() -> None:
    async with scratch_database("million") as dsn:
        conn = await connect(dsn)
        await conn.execute(
            "INSERT INTO tenants (id, name, created_at) SELECT 't' || g, 'T', now() FROM generate_series(0, 99) g"
        )
        await conn.execute(POPULATE_SQL, NOW, DUE, TOTAL)
        await conn.execute("VACUUM ANALYZE shipments")
        poll_index = await _plan_uses(conn, CLAIM_DUE_SQL, "shipments_due_idx", NOW, DUE, 120.0, [], "b")
        sweep_index = await _plan_uses(conn, CLAIM_SWEEP_SQL, "shipments_sweep_idx", NOW, DUE, 300.0)

        async def claim() -> None:
            assert len(await claim_due(conn, NOW, DUE, 120.0, "bench", [])) == DUE

        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2, init=_init)
        estimator = Estimator()

        async def sweep() -> None:
            changes = await sweep_once(pool, NOW, estimator, limit=DUE)
            assert len(changes.opened) == DUE  # every candidate has been silent 80 h: stalled

        async def index_read() -> None:
            rows = await conn.fetch(
                "SELECT tenant_id, id FROM shipments WHERE next_poll_at <= $1 ORDER BY next_poll_at LIMIT $2", NOW, DUE
            )
            assert len(rows) == DUE

        claim_s = await best_of(5, claim, _resetter(conn, "next_poll_at"))
        sweep_s = await best_of(5, sweep, _resetter(conn, "sweep_at"))
        read_s = await best_of(5, index_read, _resetter(conn, "next_poll_at"))
        await pool.close()
        await conn.close()
    report(
        f"claim {DUE} due polls of {TOTAL:,}",
        f"{claim_s * 1000:.1f} ms",
        f"index read {read_s * 1000:.1f} ms",
        claim_s / read_s,
        f"< 20 ms; EXPLAIN index scan: {poll_index}",
    )
    report(
        f"sweep {DUE} due checks of {TOTAL:,} (opens {DUE})",
        f"{sweep_s * 1000:.1f} ms",
        f"index read {read_s * 1000:.1f} ms",
        sweep_s / read_s,
        f"candidates only; EXPLAIN index scan: {sweep_index}",
    )


async def _init(conn: asyncpg.Connection) -> None:
    from tracking_service.db.core import init_connection

    await init_connection(conn)


if __name__ == "__main__":
    asyncio.run(main())
