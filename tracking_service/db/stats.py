"""SQL of GET /v1/stats: counts over a time window, scoped to the caller's tenants."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

SCOPE = "($1::text[] IS NULL OR tenant_id = ANY($1))"


async def stats(
    pool: asyncpg.Pool, tenants: list[str] | None, start: datetime, end: datetime, tz: str
) -> dict[str, Any]:
    """Shipments by status and carrier, incidents by kind and carrier, intents, questions by local hour."""
    by_status = await pool.fetch(
        f"SELECT status, count(*) AS n FROM shipments WHERE {SCOPE} AND created_at >= $2 AND created_at <= $3"
        " GROUP BY status ORDER BY n DESC",
        tenants,
        start,
        end,
    )
    by_carrier = await pool.fetch(
        f"SELECT carrier, count(*) AS n FROM shipments WHERE {SCOPE} AND created_at >= $2 AND created_at <= $3"
        " GROUP BY carrier ORDER BY n DESC",
        tenants,
        start,
        end,
    )
    incidents = await pool.fetch(
        f"SELECT kind, carrier, count(*) AS n FROM incidents WHERE {SCOPE} AND opened_at >= $2 AND opened_at <= $3"
        " GROUP BY kind, carrier ORDER BY n DESC",
        tenants,
        start,
        end,
    )
    intents = await pool.fetch(
        f"SELECT intent, count(*) AS n FROM questions WHERE {SCOPE} AND asked_at >= $2 AND asked_at <= $3"
        " GROUP BY intent ORDER BY n DESC",
        tenants,
        start,
        end,
    )
    hours = await pool.fetch(
        f"SELECT extract(hour FROM asked_at AT TIME ZONE $4)::int AS hour, count(*) AS n FROM questions"
        f" WHERE {SCOPE} AND asked_at >= $2 AND asked_at <= $3 GROUP BY 1",
        tenants,
        start,
        end,
        tz,
    )
    per_hour = {r["hour"]: r["n"] for r in hours}
    return {
        "from": start,
        "to": end,
        "timezone": tz,
        "shipments_by_status": {r["status"]: r["n"] for r in by_status},
        "shipments_by_carrier": {r["carrier"]: r["n"] for r in by_carrier},
        "incidents": [{"kind": r["kind"], "carrier": r["carrier"], "count": r["n"]} for r in incidents],
        "incidents_by_kind": _sum_by(incidents, "kind"),
        "intents": {r["intent"]: r["n"] for r in intents},
        "questions_by_hour": [per_hour.get(h, 0) for h in range(24)],
    }


def _sum_by(rows: list[asyncpg.Record], key: str) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in rows:
        totals[row[key]] = totals.get(row[key], 0) + row["n"]
    return totals
