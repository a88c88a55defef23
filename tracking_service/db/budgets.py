"""SQL of the carrier budgets every replica shares: rate (GCRA cell), daily quota, per-number interval."""

from __future__ import annotations

from datetime import date, datetime

import asyncpg

# GCRA: a call may start once now >= tat - tolerance; taking it moves tat one emission interval on.
# The reservation is only made when the wait it implies is at most $4 seconds, so a caller never
# holds a slot it will not use. Times are the database's, so every replica reads one clock.
RESERVE_RATE_SQL = """
WITH cur AS (SELECT clock_timestamp() AS t),
taken AS (
    INSERT INTO carrier_rate AS r (carrier, tat)
    SELECT $1, t + make_interval(secs => $2) FROM cur
    ON CONFLICT (carrier) DO UPDATE
    SET tat = greatest(r.tat, (SELECT t FROM cur)) + make_interval(secs => $2)
    WHERE greatest(r.tat, (SELECT t FROM cur)) - make_interval(secs => $3) - (SELECT t FROM cur)
          <= make_interval(secs => $4)
    RETURNING r.tat
)
SELECT (SELECT extract(epoch FROM taken.tat - cur.t) FROM taken) AS reserved,
       (SELECT extract(epoch FROM r.tat - cur.t) FROM carrier_rate r WHERE r.carrier = $1) AS current
FROM cur
"""


async def reserve_rate(
    conn: asyncpg.Connection | asyncpg.Pool, carrier: str, interval: float, tolerance: float, max_wait: float
) -> tuple[bool, float]:
    """Reserve the carrier's next call slot: (reserved, seconds to wait before calling)."""
    row = await conn.fetchrow(RESERVE_RATE_SQL, carrier, interval, tolerance, max_wait)
    assert row is not None
    if row["reserved"] is not None:
        return True, max(0.0, float(row["reserved"]) - interval - tolerance)
    return False, max(0.0, float(row["current"] or 0.0) - tolerance)


async def take_quota(conn: asyncpg.Connection | asyncpg.Pool, carrier: str, day: date, limit: int) -> bool:
    """Count one call against the carrier's quota of ``day``; False (and nothing counted) when it is used up."""
    used = await conn.fetchval(
        """
        INSERT INTO carrier_quota AS q (carrier, day, used) VALUES ($1, $2, 1)
        ON CONFLICT (carrier, day) DO UPDATE SET used = q.used + 1 WHERE q.used < $3
        RETURNING used
        """,
        carrier,
        day,
        limit,
    )
    return used is not None


async def quota_used(conn: asyncpg.Connection | asyncpg.Pool, carrier: str, day: date) -> int:
    used = await conn.fetchval("SELECT used FROM carrier_quota WHERE carrier = $1 AND day = $2", carrier, day)
    return int(used or 0)


async def take_numbers(
    conn: asyncpg.Connection | asyncpg.Pool, carrier: str, numbers: list[str], now: datetime, interval: float
) -> dict[str, datetime | None]:
    """Mark the numbers whose last query is at least ``interval`` s old as queried now.

    Answers every asked number: None when it may be queried now, else when it was last queried.
    """
    rows = await conn.fetch(
        """
        WITH asked AS (SELECT DISTINCT n FROM unnest($2::text[]) AS n),
        taken AS (
            INSERT INTO carrier_number_calls AS c (carrier, tracking_number, last_call_at)
            SELECT $1, n, $3 FROM asked
            ON CONFLICT (carrier, tracking_number) DO UPDATE SET last_call_at = $3
            WHERE c.last_call_at <= $3 - make_interval(secs => $4)
            RETURNING tracking_number
        )
        SELECT a.n AS tracking_number, c.last_call_at,
               EXISTS (SELECT 1 FROM taken t WHERE t.tracking_number = a.n) AS taken
        FROM asked a LEFT JOIN carrier_number_calls c ON c.carrier = $1 AND c.tracking_number = a.n
        """,
        carrier,
        numbers,
        now,
        interval,
    )
    return {r["tracking_number"]: None if r["taken"] else r["last_call_at"] for r in rows}
