"""SQL of the incident aggregate and of the sweep's candidate claim."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg

from schemas.vocabulary import IncidentKind
from tracking_service.db.core import columns, fetch_row, fetch_rows
from tracking_service.db.keyset import Listing
from tracking_service.db.shipments import RULE_COLUMNS, RULE_EXTRAS, RuleRow

INCIDENT_COLUMNS = """
    i.tenant_id, i.id, i.shipment_id, i.carrier, i.kind, i.state, i.facts, i.opened_at, i.detect_seconds,
    i.acknowledged_at, i.acknowledged_by, i.resolved_at, i.resolved_by, i.resolution, i.note
"""

SNAPSHOT_SQL = f"""
SELECT {", ".join("s." + c for c in RULE_COLUMNS)}, {RULE_EXTRAS.format(alias="s")}
FROM shipments s
JOIN tenants t ON t.id = s.tenant_id
JOIN unnest($1::text[], $2::uuid[]) AS k(tenant_id, id) ON s.tenant_id = k.tenant_id AND s.id = k.id
"""

CLAIM_SWEEP_SQL = """
WITH due AS (
    SELECT tenant_id, id FROM shipments
    WHERE sweep_at <= $1
    ORDER BY sweep_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
UPDATE shipments s SET sweep_at = $1 + make_interval(secs => $3)
FROM due WHERE s.tenant_id = due.tenant_id AND s.id = due.id
RETURNING s.tenant_id, s.id
"""

# The columns an opened incident is written with, in the order of the insert's unnest.
INCIDENT_INSERT = ("tenant_id", "id", "shipment_id", "carrier", "kind", "facts", "opened_at", "detect_seconds")

KINDS = tuple(kind.value for kind in IncidentKind)

# The filters the incident queue accepts; values are always parameters.
LIST_FILTERS = {"state": "i.state = ${}", "kind": "i.kind = ${}", "carrier": "i.carrier = ${}"}


async def load_snapshots(conn: asyncpg.Connection, keys: list[tuple[str, uuid.UUID]]) -> list[RuleRow]:
    rows = await conn.fetch(SNAPSHOT_SQL, *columns(keys, 0, 1))
    return [RuleRow.of(row) for row in rows]


async def claim_sweep(
    conn: asyncpg.Connection, now: datetime, limit: int, lease_seconds: float
) -> list[tuple[str, uuid.UUID]]:
    """Shipments whose time-driven rules may have changed their answer; leased so replicas split them."""
    rows = await conn.fetch(CLAIM_SWEEP_SQL, now, limit, lease_seconds)
    return [(r["tenant_id"], r["id"]) for r in rows]


async def insert_incidents(conn: asyncpg.Connection, rows: list[dict[str, Any]]) -> list[asyncpg.Record]:
    """Open incidents; a (shipment, kind) that already has an unresolved one is skipped by the unique index."""
    if not rows:
        return []
    return await fetch_rows(
        conn,
        f"""
        INSERT INTO incidents AS i ({", ".join(INCIDENT_INSERT)})
        SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::jsonb[],
                             $7::timestamptz[], $8::float8[])
        ON CONFLICT (tenant_id, shipment_id, kind) WHERE state <> 'resolved' DO NOTHING
        RETURNING {INCIDENT_COLUMNS}
        """,
        *columns([{**r, "id": uuid.uuid4()} for r in rows], *INCIDENT_INSERT),
    )


async def auto_resolve(
    conn: asyncpg.Connection, items: list[tuple[str, uuid.UUID, dict[str, Any]]], now: datetime
) -> list[asyncpg.Record]:
    """Resolve incidents whose cause went away, merging what was learned into their facts."""
    if not items:
        return []
    return await fetch_rows(
        conn,
        f"""
        UPDATE incidents i
        SET state = 'resolved', resolved_at = $4, resolution = 'auto', facts = i.facts || r.extra
        FROM unnest($1::text[], $2::uuid[], $3::jsonb[]) AS r(tenant_id, id, extra)
        WHERE i.tenant_id = r.tenant_id AND i.id = r.id AND i.state <> 'resolved'
        RETURNING {INCIDENT_COLUMNS}
        """,
        *columns(items, 0, 1, 2),
        now,
    )


async def set_sweep_at(conn: asyncpg.Connection, items: list[tuple[str, uuid.UUID, datetime | None]]) -> None:
    if not items:
        return
    await conn.execute(
        """
        UPDATE shipments s SET sweep_at = r.at
        FROM unnest($1::text[], $2::uuid[], $3::timestamptz[]) AS r(tenant_id, id, at)
        WHERE s.tenant_id = r.tenant_id AND s.id = r.id
        """,
        *columns(items, 0, 1, 2),
    )


QUEUE = Listing(f"SELECT {INCIDENT_COLUMNS} FROM incidents i", "i.tenant_id", ("i.opened_at", "i.id"), LIST_FILTERS)


async def unresolved_for_shipment(
    conn: asyncpg.Connection | asyncpg.Pool, tenant_id: str, shipment_id: uuid.UUID
) -> list[asyncpg.Record]:
    return await fetch_rows(
        conn,
        f"SELECT {INCIDENT_COLUMNS} FROM incidents i"
        " WHERE i.tenant_id = $1 AND i.shipment_id = $2 AND i.state <> 'resolved' ORDER BY i.opened_at",
        tenant_id,
        shipment_id,
    )


async def transition(
    conn: asyncpg.Connection | asyncpg.Pool,
    incident_id: uuid.UUID,
    tenants: list[str] | None,
    to_state: str,
    from_states: list[str],
    by: uuid.UUID,
    note: str | None,
    now: datetime,
) -> tuple[asyncpg.Record | None, bool]:
    """Move an incident to ``to_state`` if it is in one of ``from_states``; (row, moved)."""
    stamp = "acknowledged" if to_state == "acknowledged" else "resolved"
    row = await conn.fetchrow(
        f"""
        UPDATE incidents i
        SET state = $3, {stamp}_at = $5, {stamp}_by = $6,
            resolution = CASE WHEN $3 = 'resolved' THEN 'manual' ELSE i.resolution END,
            note = COALESCE($7, i.note)
        WHERE i.id = $1 AND ($2::text[] IS NULL OR i.tenant_id = ANY($2)) AND i.state = ANY($4::text[])
        RETURNING {INCIDENT_COLUMNS}
        """,
        incident_id,
        tenants,
        to_state,
        from_states,
        now,
        by,
        note,
    )
    if row is not None:
        return row, True
    current = await conn.fetchrow(
        f"SELECT {INCIDENT_COLUMNS} FROM incidents i WHERE i.id = $1 AND ($2::text[] IS NULL OR i.tenant_id = ANY($2))",
        incident_id,
        tenants,
    )
    return current, False


async def open_counts(conn: asyncpg.Connection) -> dict[str, int]:
    """Unresolved incidents by kind (reads the partial unique index of unresolved incidents)."""
    rows = await conn.fetch("SELECT kind, count(*) AS n FROM incidents WHERE state <> 'resolved' GROUP BY kind")
    counts = {kind: 0 for kind in KINDS}
    counts.update({r["kind"]: int(r["n"]) for r in rows})
    return counts


async def get_incident(
    conn: asyncpg.Connection | asyncpg.Pool, incident_id: uuid.UUID, tenants: list[str] | None
) -> asyncpg.Record | None:
    """The incident if it belongs to one of ``tenants`` (None = every tenant)."""
    return await fetch_row(
        conn,
        f"SELECT {INCIDENT_COLUMNS} FROM incidents i WHERE i.id = $1 AND ($2::text[] IS NULL OR i.tenant_id = ANY($2))",
        incident_id,
        tenants,
    )
