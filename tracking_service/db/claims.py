"""SQL of the claim aggregate and its transition history."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg

from tracking_service.db.core import fetch_row, fetch_rows
from tracking_service.db.keyset import Listing

CLAIM_COLUMNS = """
    c.tenant_id, c.id, c.shipment_id, c.incident_id, c.carrier, c.kind, c.state, c.description,
    c.amount_value, c.amount_currency, c.evidence, c.deadline_at, c.past_window, c.created_at, c.updated_at
"""


async def insert_claim(
    conn: asyncpg.Connection, values: dict[str, Any], by: uuid.UUID | None, now: datetime
) -> asyncpg.Record | None:
    """Insert with its first history row; None when an active claim of that kind exists. ``by`` is the key that
    opened it (None: the buyer, from the tracking page)."""
    row = await fetch_row(
        conn,
        f"""
        INSERT INTO claims AS c (tenant_id, id, shipment_id, incident_id, carrier, kind, description, amount_value,
                                 amount_currency, evidence, deadline_at, past_window, created_by, created_at,
                                 updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
        ON CONFLICT (tenant_id, shipment_id, kind) WHERE state NOT IN ('paid', 'closed') DO NOTHING
        RETURNING {CLAIM_COLUMNS}
        """,
        values["tenant_id"],
        uuid.uuid4(),
        values["shipment_id"],
        values["incident_id"],
        values["carrier"],
        values["kind"],
        values["description"],
        values["amount_value"],
        values["amount_currency"],
        values["evidence"],
        values["deadline_at"],
        values["past_window"],
        by,
        now,
    )
    if row is not None:
        await conn.execute(
            "INSERT INTO claim_transitions (tenant_id, claim_id, seq, from_state, to_state, by_key, note, at)"
            " VALUES ($1, $2, 1, NULL, 'open', $3, NULL, $4)",
            row["tenant_id"],
            row["id"],
            by,
            now,
        )
    return row


async def get_claim(
    conn: asyncpg.Connection | asyncpg.Pool, claim_id: uuid.UUID, tenants: list[str] | None, lock: bool = False
) -> asyncpg.Record | None:
    return await fetch_row(
        conn,
        f"SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.id = $1 AND ($2::text[] IS NULL OR c.tenant_id = ANY($2))"
        + (" FOR UPDATE" if lock else ""),
        claim_id,
        tenants,
    )


async def active_claim(
    conn: asyncpg.Connection | asyncpg.Pool, tenant_id: str, shipment_id: uuid.UUID
) -> asyncpg.Record | None:
    return await fetch_row(
        conn,
        f"SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.tenant_id = $1 AND c.shipment_id = $2"
        " AND c.state NOT IN ('paid', 'closed') ORDER BY c.created_at DESC LIMIT 1",
        tenant_id,
        shipment_id,
    )


async def active_claim_of_kind(
    conn: asyncpg.Connection, tenant_id: str, shipment_id: uuid.UUID, kind: str
) -> asyncpg.Record | None:
    """The shipment's active claim of ``kind``, locked for the caller's transaction."""
    return await fetch_row(
        conn,
        f"SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.tenant_id = $1 AND c.shipment_id = $2 AND c.kind = $3"
        " AND c.state NOT IN ('paid', 'closed') FOR UPDATE",
        tenant_id,
        shipment_id,
        kind,
    )


async def history(conn: asyncpg.Connection | asyncpg.Pool, tenant_id: str, claim_id: uuid.UUID) -> list[asyncpg.Record]:
    return await fetch_rows(
        conn,
        "SELECT from_state, to_state, by_key, note, at FROM claim_transitions"
        " WHERE tenant_id = $1 AND claim_id = $2 ORDER BY seq",
        tenant_id,
        claim_id,
    )


async def move(
    conn: asyncpg.Connection, claim: asyncpg.Record, to_state: str, by: uuid.UUID, note: str | None, now: datetime
) -> asyncpg.Record:
    """Apply a transition the caller checked, with its history row (call inside a transaction holding the row)."""
    row = await conn.fetchrow(
        f"UPDATE claims c SET state = $3, updated_at = $4 WHERE c.tenant_id = $1 AND c.id = $2"
        f" RETURNING {CLAIM_COLUMNS}",
        claim["tenant_id"],
        claim["id"],
        to_state,
        now,
    )
    await conn.execute(
        """
        INSERT INTO claim_transitions (tenant_id, claim_id, seq, from_state, to_state, by_key, note, at)
        SELECT $1, $2, COALESCE(max(seq), 0) + 1, $3, $4, $5, $6, $7
        FROM claim_transitions WHERE tenant_id = $1 AND claim_id = $2
        """,
        claim["tenant_id"],
        claim["id"],
        claim["state"],
        to_state,
        by,
        note,
        now,
    )
    assert row is not None
    return row


async def matching_incident(
    conn: asyncpg.Connection, tenant_id: str, shipment_id: uuid.UUID, kind: str
) -> uuid.UUID | None:
    value: uuid.UUID | None = await conn.fetchval(
        "SELECT id FROM incidents WHERE tenant_id = $1 AND shipment_id = $2 AND kind = $3"
        " ORDER BY (state <> 'resolved') DESC, opened_at DESC LIMIT 1",
        tenant_id,
        shipment_id,
        kind,
    )
    return value


CLAIMS = Listing(
    f"SELECT {CLAIM_COLUMNS} FROM claims c",
    "c.tenant_id",
    ("c.created_at", "c.id"),
    {"state": "c.state = ${}", "kind": "c.kind = ${}"},
)
