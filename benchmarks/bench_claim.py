"""Claiming 500 due shipments out of 1,000,000 with SKIP LOCKED + lease, vs a plain index read of them."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime

from common import best_of, connect, report, scratch_database

from tracking_service.db.polling import CLAIM_DUE_SQL, claim_due

TOTAL = int(os.environ.get("BENCH_CLAIM_ROWS", "1000000"))
DUE = 500
NOW = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)


async def main() -> None:
    async with scratch_database("claim") as dsn:
        conn = await connect(dsn)
        await conn.execute(
            "INSERT INTO tenants (id, name, created_at) SELECT 't' || g, 'T', now() FROM generate_series(0, 99) g"
        )
        # Most shipments are due later (or never: terminal); DUE of them are due now.
        await conn.execute(
            """
            INSERT INTO shipments
                (tenant_id, id, carrier, tracking_number, status, next_poll_at, created_at, updated_at)
            SELECT 't' || (g % 100), gen_random_uuid(), 'sandbox', 'SBX-IN_TRANSIT-' || g,
                   CASE WHEN g % 3 = 0 THEN 'delivered' ELSE 'in_transit' END,
                   CASE WHEN g % 3 = 0 THEN NULL
                        WHEN g <= $2::int * 3 / 2 THEN $1::timestamptz - make_interval(secs => g)
                        ELSE $1::timestamptz + make_interval(secs => g) END,
                   $1, $1
            FROM generate_series(1, $3) g
            """,
            NOW,
            DUE,
            TOTAL,
        )
        await conn.execute("VACUUM ANALYZE shipments")
        due = await conn.fetchval("SELECT count(*) FROM shipments WHERE next_poll_at <= $1", NOW)
        assert due == DUE, due
        plan = "\n".join(r[0] for r in await conn.fetch(f"EXPLAIN {CLAIM_DUE_SQL}", NOW, DUE, 120.0, [], "bench"))
        uses_index = "shipments_due_idx" in plan
        originals = await conn.fetch("SELECT tenant_id, id, next_poll_at FROM shipments WHERE next_poll_at <= $1", NOW)

        async def reset() -> None:
            await conn.executemany(
                "UPDATE shipments SET next_poll_at = $3, lease_owner = NULL WHERE tenant_id = $1 AND id = $2",
                [tuple(r) for r in originals],
            )

        async def claim() -> None:
            rows = await claim_due(conn, NOW, DUE, 120.0, "bench", [])
            assert len(rows) == DUE

        async def plain_read() -> None:
            rows = await conn.fetch(
                "SELECT tenant_id, id FROM shipments WHERE next_poll_at <= $1 ORDER BY next_poll_at LIMIT $2", NOW, DUE
            )
            assert len(rows) == DUE

        await claim()
        claim_s = await best_of(5, claim, reset)
        read_s = await best_of(5, plain_read, reset)
        await conn.close()
    report(
        f"claim {DUE} due of {TOTAL:,} shipments",
        f"{claim_s * 1000:.1f} ms",
        f"index read {read_s * 1000:.1f} ms",
        claim_s / read_s,
        "< 20 ms",
    )
    print(f"{'':<44} EXPLAIN uses shipments_due_idx: {uses_index}")


if __name__ == "__main__":
    asyncio.run(main())
