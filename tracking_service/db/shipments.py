"""SQL of the shipment aggregate: registration, lookup, search, and the poll lease."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import asyncpg

from tracking_service.db.core import columns, fetch_row, fetch_rows
from tracking_service.db.keyset import Listing

SHIPMENT_COLUMNS = """
    tenant_id, id, carrier, tracking_number, sub_carrier, order_id, status, sub_status,
    last_event_at, last_event_status, last_event_sub_status, last_event_description,
    last_event_location, last_event_code, last_event_source, carrier_eta, promised_delivery_at,
    linked_shipment_id, origin, destination, buyer_masked, metadata, next_poll_at,
    created_at, updated_at, picked_up_at, delivered_at, stopped_at, link_generation,
    (SELECT COALESCE(json_agg(json_build_object('id', i.id, 'kind', i.kind, 'status', i.state,
                                                'opened_at', i.opened_at) ORDER BY i.opened_at), '[]')
     FROM incidents i
     WHERE i.tenant_id = shipments.tenant_id AND i.shipment_id = shipments.id AND i.state <> 'resolved')
        AS open_incidents
"""


@dataclass(frozen=True, slots=True)
class ShipmentRow:
    """A shipment as ``SHIPMENT_COLUMNS`` reads it: what every entry point shows and answers from."""

    tenant_id: str
    id: uuid.UUID
    carrier: str
    tracking_number: str
    sub_carrier: str | None
    order_id: str | None
    status: str
    sub_status: str | None
    last_event_at: datetime | None
    last_event_status: str | None
    last_event_sub_status: str | None
    last_event_description: str | None
    last_event_location: str | None
    last_event_code: str | None
    last_event_source: str | None
    carrier_eta: datetime | None
    promised_delivery_at: datetime | None
    linked_shipment_id: uuid.UUID | None
    origin: dict[str, Any] | None
    destination: dict[str, Any] | None
    buyer_masked: dict[str, Any] | None
    metadata: dict[str, Any]
    next_poll_at: datetime | None
    created_at: datetime
    updated_at: datetime
    picked_up_at: datetime | None
    delivered_at: datetime | None
    stopped_at: datetime | None  # DELETE /v1/shipments/{id}: no more polls, pushes or notices
    open_incidents: list[dict[str, Any]]
    link_generation: int = 0  # the buyers' page link (tracking_service.tracking_links); +1 revokes it

    @classmethod
    def of(cls, record: asyncpg.Record) -> ShipmentRow:
        return cls(**dict(record))


@dataclass(frozen=True, slots=True)
class RuleRow:
    """What the incident rules read of a shipment (``RULE_COLUMNS``), its tenant's settings and the kinds
    of its unresolved incidents; read by the sweep and returned by event ingest."""

    tenant_id: str
    id: uuid.UUID
    carrier: str
    tracking_number: str
    order_id: str | None
    status: str
    sub_status: str | None
    created_at: datetime
    last_event_at: datetime | None
    last_event_description: str | None
    last_event_location: str | None
    last_event_code: str | None
    promised_delivery_at: datetime | None
    carrier_eta: datetime | None
    delivered_at: datetime | None
    picked_up_at: datetime | None
    origin: dict[str, Any] | None
    destination: dict[str, Any] | None
    sweep_at: datetime | None
    settings: dict[str, Any] | None
    unresolved: list[dict[str, Any]]

    @classmethod
    def of(cls, record: asyncpg.Record) -> RuleRow:
        return cls(**{name: record[name] for name in RULE_FIELDS})


RULE_FIELDS = tuple(f.name for f in fields(RuleRow))
# The shipment columns of a RuleRow (the rest come from the tenant and its incidents).
RULE_COLUMNS = RULE_FIELDS[: RULE_FIELDS.index("sweep_at") + 1]
# A RuleRow's tenant settings and unresolved incidents, for a query that names the shipment ``alias``.
RULE_EXTRAS = """t.settings,
       COALESCE((SELECT json_agg(json_build_object('id', i.id, 'kind', i.kind))
                 FROM incidents i
                 WHERE i.tenant_id = {alias}.tenant_id AND i.shipment_id = {alias}.id AND i.state <> 'resolved'), '[]')
           AS unresolved"""

# The only filters search accepts, each with its SQL; values are always parameters.
SEARCH_FILTERS: dict[str, str] = {
    "tracking_number": "tracking_number = ${}",
    "order_id": "order_id = ${}",
    "phone_last4_hash": "phone_last4_hash = ${}",
    "status": "status = ${}",
    "carrier": "carrier = ${}",
    "incident": (
        "EXISTS (SELECT 1 FROM incidents i WHERE i.tenant_id = shipments.tenant_id"
        " AND i.shipment_id = shipments.id AND i.state <> 'resolved' AND i.kind = ${})"
    ),
}


@dataclass(frozen=True, slots=True)
class NewShipment:
    tenant_id: str
    carrier: str
    tracking_number: str
    sub_carrier: str | None
    order_id: str | None
    promised_delivery_at: datetime | None
    linked_shipment_id: uuid.UUID | None
    origin: dict[str, Any] | None
    destination: dict[str, Any] | None
    buyer_sealed: bytes | None
    buyer_key_id: str | None
    buyer_masked: dict[str, Any] | None
    phone_last4_hash: bytes | None
    metadata: dict[str, Any]
    buyer_opted_out: bool = False
    subscribe: bool = False  # the carrier pushes: the subscription job subscribes it (push_state pending)


INSERT_COLUMNS = (
    "tenant_id",
    "id",
    "carrier",
    "tracking_number",
    "sub_carrier",
    "order_id",
    "promised_delivery_at",
    "linked_shipment_id",
    "origin",
    "destination",
    "buyer_sealed",
    "buyer_key_id",
    "buyer_masked",
    "phone_last4_hash",
    "metadata",
    "buyer_opted_out",
    "subscribe",
)
INSERT_TYPES = (
    "text uuid text text text text timestamptz uuid jsonb jsonb bytea text jsonb bytea jsonb bool bool".split()
)

INSERT_SQL = f"""
INSERT INTO shipments (
    {", ".join(INSERT_COLUMNS[:-1])},
    next_poll_at, sweep_at, created_at, updated_at, push_state, push_due_at)
SELECT {", ".join("i." + c for c in INSERT_COLUMNS[:-1])},
       $18, $18, $18, $18,
       -- a carrier that pushes: the subscription job subscribes the parcel (SPEC §2)
       CASE WHEN i.subscribe THEN 'pending' END, CASE WHEN i.subscribe THEN $18::timestamptz END
FROM unnest({", ".join(f"${n}::{t}[]" for n, t in enumerate(INSERT_TYPES, 1))}) AS i({", ".join(INSERT_COLUMNS)})
ON CONFLICT (tenant_id, carrier, tracking_number) DO NOTHING
RETURNING {SHIPMENT_COLUMNS}
"""

EXISTING_SQL = f"""
SELECT {SHIPMENT_COLUMNS} FROM shipments
WHERE (tenant_id, carrier, tracking_number) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))
"""


async def insert_shipments(
    conn: asyncpg.Connection | asyncpg.Pool, news: list[NewShipment], now: datetime
) -> list[tuple[ShipmentRow, bool]]:
    """Insert many in one statement; a (tenant, carrier, number) already registered — before, or earlier in
    ``news`` — comes back as the stored row with "created" False. Results follow ``news``' order."""
    if not news:
        return []
    values = [{**{f.name: getattr(new, f.name) for f in fields(NewShipment)}, "id": uuid.uuid4()} for new in news]
    inserted = {
        _key(row): row
        for row in map(ShipmentRow.of, await conn.fetch(INSERT_SQL, *columns(values, *INSERT_COLUMNS), now))
    }
    results: list[tuple[ShipmentRow, bool] | None] = []
    missing: list[NewShipment] = []
    for new in news:
        row = inserted.pop(_key(new), None)  # popped: a repeat later in the batch is "already registered"
        results.append((row, True) if row is not None else None)
        if row is None:
            missing.append(new)
    existing: dict[tuple[str, str, str], ShipmentRow] = {}
    if missing:
        keys = columns(missing, "tenant_id", "carrier", "tracking_number")
        existing = {_key(row): row for row in map(ShipmentRow.of, await conn.fetch(EXISTING_SQL, *keys))}
    return [result or (existing[_key(new)], False) for result, new in zip(results, news, strict=True)]


def _key(item: NewShipment | ShipmentRow) -> tuple[str, str, str]:
    return item.tenant_id, item.carrier, item.tracking_number


async def insert_shipment(conn: asyncpg.Connection, new: NewShipment, now: datetime) -> tuple[ShipmentRow, bool]:
    """Insert, or return the existing row for (tenant, carrier, number); the flag says "created"."""
    [result] = await insert_shipments(conn, [new], now)
    return result


async def existing_ids(
    conn: asyncpg.Connection | asyncpg.Pool, keys: Sequence[tuple[str, uuid.UUID | None]]
) -> set[tuple[str, uuid.UUID]]:
    """Which of the (tenant, shipment id) pairs name a stored shipment."""
    if not keys:
        return set()
    rows = await conn.fetch(
        "SELECT tenant_id, id FROM shipments WHERE (tenant_id, id) IN (SELECT * FROM unnest($1::text[], $2::uuid[]))",
        *columns(keys, 0, 1),
    )
    return {(r["tenant_id"], r["id"]) for r in rows}


async def get_shipment(
    conn: asyncpg.Connection | asyncpg.Pool, shipment_id: uuid.UUID, tenants: list[str] | None
) -> ShipmentRow | None:
    """The shipment if it belongs to one of ``tenants`` (None = every tenant)."""
    row = await conn.fetchrow(
        f"SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE id = $1 AND ($2::text[] IS NULL OR tenant_id = ANY($2))",
        shipment_id,
        tenants,
    )
    return ShipmentRow.of(row) if row is not None else None


SEARCH = Listing(f"SELECT {SHIPMENT_COLUMNS} FROM shipments", "tenant_id", ("created_at", "id"), SEARCH_FILTERS)
EVENTS = Listing(
    "SELECT occurred_at, dedupe_key, status, sub_status, description, location, carrier_code, source FROM events",
    "tenant_id",
    ("occurred_at", "dedupe_key"),
    {"shipment_id": "shipment_id = ${}"},
)


async def search_shipments(
    conn: asyncpg.Connection | asyncpg.Pool,
    tenants: list[str] | None,
    filters: dict[str, Any],
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[ShipmentRow]:
    """Shipments matching every filter, newest first, keyset-paginated after ``after``."""
    return [ShipmentRow.of(row) for row in await SEARCH.fetch(conn, tenants, filters, after, limit)]


async def list_events(
    conn: asyncpg.Connection | asyncpg.Pool,
    tenant_id: str,
    shipment_id: uuid.UUID,
    after: tuple[datetime, bytes] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """The timeline, newest first, keyset-paginated."""
    return await EVENTS.fetch(conn, [tenant_id], {"shipment_id": shipment_id}, after, limit)


async def is_leased(pool: asyncpg.Pool, tenant_id: str, shipment_id: uuid.UUID) -> bool:
    """True while a poller holds this shipment's lease."""
    owner = await pool.fetchval(
        "SELECT lease_owner FROM shipments WHERE tenant_id = $1 AND id = $2", tenant_id, shipment_id
    )
    return owner is not None


async def find_by_numbers(conn: asyncpg.Connection, carrier: str, numbers: list[str]) -> list[asyncpg.Record]:
    """Every tenant's shipment of ``carrier`` with one of ``numbers`` (a carrier push names no tenant)."""
    return await fetch_rows(
        conn,
        "SELECT tenant_id, id, tracking_number FROM shipments"
        " WHERE tracking_number = ANY($1::text[]) AND carrier = $2 AND stopped_at IS NULL",
        numbers,
        carrier,
    )


async def buyer_contact(
    conn: asyncpg.Connection | asyncpg.Pool, tenant_id: str, shipment_id: uuid.UUID
) -> asyncpg.Record | None:
    """The sealed buyer record (only the notice dispatcher opens it)."""
    return await fetch_row(
        conn,
        "SELECT buyer_sealed, buyer_key_id, buyer_opted_out FROM shipments WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        shipment_id,
    )


# The columns PATCH /v1/shipments/{id} may change (values always parameters).
PATCHABLE = frozenset(
    {
        "order_id",
        "promised_delivery_at",
        "metadata",
        "destination",
        "buyer_sealed",
        "buyer_key_id",
        "buyer_masked",
        "phone_last4_hash",
        "buyer_opted_out",
    }
)


async def update_shipment(
    conn: asyncpg.Connection | asyncpg.Pool,
    tenant_id: str,
    shipment_id: uuid.UUID,
    changes: dict[str, Any],
    now: datetime,
) -> ShipmentRow | None:
    """Change the given columns (``PATCHABLE`` only); the incident rules look again at once (a new promise
    may make the parcel late, a new destination changes its lane)."""
    assert changes and set(changes) <= PATCHABLE, sorted(changes)
    names = sorted(changes)
    assignments = ", ".join(f"{name} = ${n}" for n, name in enumerate(names, 4))
    row = await conn.fetchrow(
        f"UPDATE shipments SET {assignments}, updated_at = $3,"
        " sweep_at = CASE WHEN stopped_at IS NULL THEN $3 ELSE sweep_at END"
        f" WHERE tenant_id = $1 AND id = $2 RETURNING {SHIPMENT_COLUMNS}",
        tenant_id,
        shipment_id,
        now,
        *(changes[name] for name in names),
    )
    return ShipmentRow.of(row) if row is not None else None
