"""SQL of event ingest: a whole batch of events, for many shipments, in one round trip."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

# Inserts with dedupe, then moves each shipment to its newest *new* event, but only
# when that event is newer than the shipment's current one: a late older event is
# stored and never moves the status backwards. The self-join `old` reads the row as
# it was before the update, so we can report the status it changed from.
INGEST_SQL = """
WITH input AS (
    SELECT * FROM unnest($1::text[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::text[],
                         $7::text[], $8::text[], $9::text[])
        AS t(tenant_id, shipment_id, occurred_at, status, sub_status, description, location, carrier_code, source)
), inserted AS (
    INSERT INTO events (tenant_id, shipment_id, occurred_at, dedupe_key, status, sub_status, description,
                        location, carrier_code, source, received_at)
    SELECT tenant_id, shipment_id, occurred_at, decode(md5(carrier_code || chr(31) || description), 'hex'),
           status, sub_status, description, location, carrier_code, source, $10
    FROM input
    ON CONFLICT DO NOTHING
    RETURNING tenant_id, shipment_id, occurred_at, status, sub_status, description, location, carrier_code, source
), newest AS (
    SELECT DISTINCT ON (tenant_id, shipment_id) *
    FROM inserted
    ORDER BY tenant_id, shipment_id, occurred_at DESC
), first_moving AS (
    SELECT tenant_id, shipment_id, min(occurred_at) AS at
    FROM inserted
    WHERE status NOT IN ('pending', 'info_received', 'unknown', 'expired')
    GROUP BY tenant_id, shipment_id
), moved AS (
    UPDATE shipments s
    SET status = n.status, sub_status = n.sub_status, last_event_at = n.occurred_at,
        last_event_status = n.status, last_event_sub_status = n.sub_status,
        last_event_description = n.description, last_event_location = n.location,
        last_event_code = n.carrier_code, last_event_source = n.source, updated_at = $10,
        picked_up_at = LEAST(s.picked_up_at, (SELECT f.at FROM first_moving f
                                             WHERE f.tenant_id = n.tenant_id AND f.shipment_id = n.shipment_id)),
        delivered_at = CASE WHEN n.status = 'delivered' THEN n.occurred_at ELSE s.delivered_at END
    FROM newest n, shipments old
    WHERE s.tenant_id = n.tenant_id AND s.id = n.shipment_id
      AND old.tenant_id = s.tenant_id AND old.id = s.id
      AND (s.last_event_at IS NULL OR n.occurred_at > s.last_event_at)
    RETURNING s.tenant_id, s.id, old.status AS old_status, s.status AS new_status, s.sub_status
)
SELECT (SELECT count(*) FROM inserted) AS inserted,
       (SELECT json_agg(json_build_object('tenant_id', tenant_id, 'id', id, 'old_status', old_status,
                                          'new_status', new_status, 'sub_status', sub_status)) FROM moved) AS moved
"""


@dataclass(frozen=True, slots=True)
class StatusChange:
    tenant_id: str
    shipment_id: uuid.UUID
    old_status: str
    new_status: str
    sub_status: str | None


@dataclass(slots=True)
class EventColumns:
    """Column-wise buffers of events to insert (what ``unnest`` wants)."""

    tenant_id: list[str]
    shipment_id: list[uuid.UUID]
    occurred_at: list[datetime]
    status: list[str]
    sub_status: list[str | None]
    description: list[str]
    location: list[str | None]
    carrier_code: list[str]
    source: list[str]

    @classmethod
    def empty(cls) -> EventColumns:
        return cls([], [], [], [], [], [], [], [], [])

    def __len__(self) -> int:
        return len(self.tenant_id)


async def insert_events(
    conn: asyncpg.Connection, columns: EventColumns, now: datetime
) -> tuple[int, list[StatusChange]]:
    """Store the events; returns how many were new and which shipments changed status."""
    row = await conn.fetchrow(
        INGEST_SQL,
        columns.tenant_id,
        columns.shipment_id,
        columns.occurred_at,
        columns.status,
        columns.sub_status,
        columns.description,
        columns.location,
        columns.carrier_code,
        columns.source,
        now,
    )
    assert row is not None
    changes = [
        StatusChange(
            tenant_id=m["tenant_id"],
            shipment_id=uuid.UUID(m["id"]),
            old_status=m["old_status"],
            new_status=m["new_status"],
            sub_status=m["sub_status"],
        )
        for m in row["moved"] or []
    ]
    return int(row["inserted"]), changes
