"""Applies the incident rules to shipments: opens, auto-resolves, schedules the next sweep."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from schemas import TERMINAL_STATUSES, Status
from schemas.settings import Thresholds
from tracking_service import metrics, notices
from tracking_service.db import incidents as sql
from tracking_service.db.events import StatusChange
from tracking_service.db.shipments import RuleRow, ShipmentRow
from tracking_service.estimates import Estimator, estimate_shipment
from tracking_service.incidents.rules import MANUAL_ONLY, Kind, Snapshot, evaluate, resolution_facts
from tracking_service.tenants import settings_of

log = logging.getLogger(__name__)

Key = tuple[str, uuid.UUID]


@dataclass
class IncidentChanges:
    opened: list[asyncpg.Record] = field(default_factory=list)
    resolved: list[asyncpg.Record] = field(default_factory=list)


async def _snapshot(row: RuleRow, conn: asyncpg.Connection, estimator: Estimator) -> Snapshot:
    p90_at = None
    needs_lane = row.status != Status.PENDING and row.status not in TERMINAL_STATUSES
    if needs_lane and row.promised_delivery_at is None and row.carrier_eta is None:
        p90_at = (await estimate_shipment(estimator, conn, row)).p90_at
    return Snapshot.of(row, p90_at)


@dataclass(frozen=True, slots=True)
class PlannedCheck:
    """When the rules want to look at a shipment again, beside the check time it has now."""

    tenant_id: str
    shipment_id: uuid.UUID
    current: datetime | None
    planned: datetime | None

    @property
    def sooner(self) -> bool:
        return self.planned is not None and (self.current is None or self.planned < self.current)


@dataclass
class Decisions:
    """What the rules decided over a batch of snapshots, before anything is written."""

    to_open: list[dict[str, Any]] = field(default_factory=list)
    to_resolve: list[tuple[str, uuid.UUID, dict[str, Any]]] = field(default_factory=list)
    checks: list[PlannedCheck] = field(default_factory=list)


async def evaluate_shipments(
    conn: asyncpg.Connection,
    keys: list[Key],
    now: datetime,
    estimator: Estimator,
) -> IncidentChanges:
    """The sweep's half: load the snapshots, apply the rules; the sweep owns the check time, so every
    planned check is written."""
    if not keys:
        return IncidentChanges()
    decisions = await decide(conn, await sql.load_snapshots(conn, keys), now, estimator)
    return await write_decisions(conn, decisions, decisions.checks, now)


async def decide(conn: asyncpg.Connection, rows: Sequence[RuleRow], now: datetime, estimator: Estimator) -> Decisions:
    """Run the rules over snapshot rows: incidents to open, to auto-resolve, and the next check times."""
    decisions = Decisions()
    thresholds: dict[str, Thresholds] = {}
    for row in rows:
        snap = await _snapshot(row, conn, estimator)
        if row.tenant_id not in thresholds:
            thresholds[row.tenant_id] = settings_of(row.settings).thresholds
        result = evaluate(snap, thresholds[row.tenant_id], now)
        unresolved = {Kind(i["kind"]): uuid.UUID(str(i["id"])) for i in row.unresolved}
        for kind, finding in result.findings.items():
            if kind not in unresolved:
                decisions.to_open.append(
                    {
                        "tenant_id": row.tenant_id,
                        "shipment_id": row.id,
                        "carrier": row.carrier,
                        "kind": kind.value,
                        "facts": finding.facts,
                        "opened_at": now,
                        "detect_seconds": max(0.0, (now - finding.caused_at).total_seconds()),
                    }
                )
        for kind, incident_id in unresolved.items():
            if kind not in result.findings and kind not in MANUAL_ONLY:
                decisions.to_resolve.append((row.tenant_id, incident_id, resolution_facts(kind, snap)))
        decisions.checks.append(PlannedCheck(row.tenant_id, row.id, row.sweep_at, result.next_check))
    return decisions


async def write_decisions(
    conn: asyncpg.Connection, decisions: Decisions, checks: Sequence[PlannedCheck], now: datetime
) -> IncidentChanges:
    """Write openings, auto-resolutions, the given check times and their notices in one transaction."""
    changes = IncidentChanges()
    sweeps = [(c.tenant_id, c.shipment_id, c.planned) for c in checks]
    if decisions.to_open or decisions.to_resolve or sweeps:
        # One transaction for the writes only: the common "nothing to do" case costs no round trip.
        async with conn.transaction():
            changes.opened = await sql.insert_incidents(conn, decisions.to_open)
            changes.resolved = await sql.auto_resolve(conn, decisions.to_resolve, now)
            await sql.set_sweep_at(conn, sweeps)
            await enqueue_incident_notices(conn, changes, now)
    for incident in changes.opened:
        metrics.INCIDENTS_OPENED.labels(incident["kind"], incident["carrier"]).inc()
        metrics.INCIDENT_DETECT_SECONDS.labels(incident["kind"]).observe(incident["detect_seconds"] or 0.0)
    for incident in changes.resolved:
        metrics.INCIDENTS_RESOLVED.labels(incident["kind"], incident["carrier"], "auto").inc()
    return changes


async def enqueue_incident_notices(conn: asyncpg.Connection, changes: IncidentChanges, now: datetime) -> None:
    """Notices of opened/resolved incidents, in the caller's transaction (the cause's)."""
    await notices.incidents_opened(conn, changes.opened, now)
    await notices.incidents_resolved(conn, changes.resolved, now)


async def after_ingest(
    conn: asyncpg.Connection, changes: Sequence[StatusChange], now: datetime, estimator: Estimator
) -> IncidentChanges:
    """Event-driven half of detection, on the snapshots the ingest statement already returned. Check times
    are only pulled closer: a check that comes too early just looks again (and reschedules), so skipping
    later times keeps the hot path to the writes that matter."""
    decisions = await decide(conn, [c.row for c in changes], now, estimator)
    return await write_decisions(conn, decisions, [c for c in decisions.checks if c.sooner], now)


async def sweep_once(
    pool: asyncpg.Pool, now: datetime, estimator: Estimator, limit: int = 500, lease_seconds: float = 300
) -> IncidentChanges:
    """Time-driven half: evaluate only shipments whose next check time has come (an index scan)."""
    async with pool.acquire() as conn:
        keys = await sql.claim_sweep(conn, now, limit, lease_seconds)
        changes = await evaluate_shipments(conn, keys, now, estimator)
        for kind, count in (await sql.open_counts(conn)).items():
            metrics.INCIDENTS_OPEN.labels(kind).set(count)
        return changes


def dispute_facts(shipment: ShipmentRow, reported_by: str) -> dict[str, Any]:
    """What a ``delivery_disputed`` incident records: the delivery scan the buyer disputes, and who said so."""
    return {
        "carrier": shipment.carrier,
        "status": shipment.status,
        "sub_status": shipment.sub_status,
        "delivered_at": shipment.last_event_at.isoformat() if shipment.last_event_at else None,
        "delivery_location": shipment.last_event_location,
        "delivery_description": shipment.last_event_description,
        "carrier_code": shipment.last_event_code,
        "reported_by": reported_by,
    }


async def open_dispute(
    conn: asyncpg.Connection, shipment: ShipmentRow, reported_by: str, now: datetime
) -> IncidentChanges:
    """A buyer or agent says a delivered parcel never arrived: open ``delivery_disputed`` (once) with notices."""
    facts = dispute_facts(shipment, reported_by)
    async with conn.transaction():
        changes = IncidentChanges(
            opened=await sql.insert_incidents(
                conn,
                [
                    {
                        "tenant_id": shipment.tenant_id,
                        "shipment_id": shipment.id,
                        "carrier": shipment.carrier,
                        "kind": Kind.DELIVERY_DISPUTED.value,
                        "facts": facts,
                        "opened_at": now,
                        "detect_seconds": 0.0,
                    }
                ],
            )
        )
        await enqueue_incident_notices(conn, changes, now)
    for incident in changes.opened:
        metrics.INCIDENTS_OPENED.labels(incident["kind"], incident["carrier"]).inc()
    return changes
