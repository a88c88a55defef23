"""SQL of event ingest: a whole batch of events, for many shipments, in one round trip."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from tracking_service.db.lanes import TRANSIT_HOURS, lane_upsert
from tracking_service.db.shipments import RULE_COLUMNS, RULE_EXTRAS, RuleRow

log = logging.getLogger(__name__)

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
    SELECT DISTINCT ON (tenant_id, shipment_id) *,
           min(occurred_at) FILTER (WHERE status NOT IN ('pending', 'info_received', 'unknown', 'expired'))
               OVER (PARTITION BY tenant_id, shipment_id) AS first_moving_at
    FROM inserted
    ORDER BY tenant_id, shipment_id, occurred_at DESC
), moved AS (
    UPDATE shipments s
    SET status = n.status, sub_status = n.sub_status, last_event_at = n.occurred_at,
        last_event_status = n.status, last_event_sub_status = n.sub_status,
        last_event_description = n.description, last_event_location = n.location,
        last_event_code = n.carrier_code, last_event_source = n.source, updated_at = $10,
        picked_up_at = LEAST(s.picked_up_at, n.first_moving_at),
        delivered_at = CASE WHEN n.status = 'delivered' THEN n.occurred_at ELSE s.delivered_at END
    FROM newest n, shipments old
    WHERE s.tenant_id = n.tenant_id AND s.id = n.shipment_id
      AND old.tenant_id = s.tenant_id AND old.id = s.id
      AND (s.last_event_at IS NULL OR n.occurred_at > s.last_event_at)
    RETURNING old.status AS old_status, {RULE_COLUMNS}
), arrived AS (
    SELECT tenant_id, carrier, origin, destination, {TRANSIT_HOURS} AS hours
    FROM moved
    WHERE status = 'delivered' AND old_status <> 'delivered'
      AND delivered_at >= COALESCE(picked_up_at, created_at)
), lanes AS (
    {LANE_UPSERT}
)
SELECT c.inserted, m.*, {RULE_EXTRAS},
       -- Whether anyone listens for shipment.status_changed: only then is a notice enqueued (a second
       -- statement, tracking_service.notices), so ingest stays one round trip for everyone else.
       EXISTS (SELECT 1 FROM subscriptions sub
               WHERE sub.tenant_id = m.tenant_id AND sub.deleted_at IS NULL
                 AND 'shipment.status_changed' = ANY(sub.events)) AS status_watched
FROM (SELECT count(*) AS inserted FROM inserted) c
LEFT JOIN (moved m JOIN tenants t ON t.id = m.tenant_id) ON true
""".format(
    RULE_COLUMNS=", ".join(f"s.{c}" for c in RULE_COLUMNS),
    RULE_EXTRAS=RULE_EXTRAS.format(alias="m"),
    TRANSIT_HOURS=TRANSIT_HOURS.format(s="moved"),
    LANE_UPSERT=lane_upsert("arrived"),
)


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A shipment whose newest event advanced; ``row`` is what the incident rules read of it after the move."""

    tenant_id: str
    shipment_id: uuid.UUID
    old_status: str
    new_status: str
    sub_status: str | None
    row: RuleRow
    watched: bool = False  # a webhook subscription of the tenant wants shipment.status_changed


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
    rows = await conn.fetch(
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
    changes = [
        StatusChange(
            r["tenant_id"], r["id"], r["old_status"], r["status"], r["sub_status"], RuleRow.of(r), r["status_watched"]
        )
        for r in rows
        if r["id"] is not None
    ]
    return int(rows[0]["inserted"]), changes


def _month_start(moment: datetime, months_later: int = 0) -> date:
    index = moment.year * 12 + moment.month - 1 + months_later
    return date(index // 12, index % 12 + 1, 1)


async def ensure_event_partitions(
    conn: asyncpg.Connection | asyncpg.Pool, now: datetime, months_ahead: int = 3
) -> list[str]:
    """Create the monthly ``events`` partitions from this month to ``months_ahead`` months on (idempotent).

    Run at start-up and by the maintenance job, so events never pile up in ``events_default``.
    """
    created: list[str] = []
    for offset in range(months_ahead + 1):
        start, end = _month_start(now, offset), _month_start(now, offset + 1)
        name = f"events_{start:%Y_%m}"
        exists = await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", name)
        if exists:
            continue
        try:
            await conn.execute(
                f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF events FOR VALUES FROM ('{start}') TO ('{end}')"
            )
        except (asyncpg.DuplicateTableError, asyncpg.UniqueViolationError):
            continue  # another replica created it at the same moment
        except asyncpg.CheckViolationError:
            # events_default already holds rows of that month: they stay there, still correct, only unsplit.
            log.warning(
                "events partition not created: rows of that month are in events_default", extra={"partition": name}
            )
            continue
        created.append(name)
    return created
