"""Applies the incident rules to shipments: opens, auto-resolves, schedules the next sweep."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import ValidationError

from schemas.api import Thresholds
from tracking_service import metrics
from tracking_service.db import incidents as sql
from tracking_service.db import outbox
from tracking_service.db.events import StatusChange
from tracking_service.estimates import Estimator, estimate_shipment
from tracking_service.incidents.rules import MANUAL_ONLY, Kind, Snapshot, evaluate, resolution_facts
from tracking_service.incidents.views import to_response

log = logging.getLogger(__name__)

Key = tuple[str, uuid.UUID]


@dataclass
class IncidentChanges:
    opened: list[asyncpg.Record] = field(default_factory=list)
    resolved: list[asyncpg.Record] = field(default_factory=list)


def thresholds_of(settings: dict[str, Any] | None) -> Thresholds:
    try:
        return Thresholds.model_validate((settings or {}).get("thresholds", {}))
    except ValidationError:
        log.warning("tenant thresholds unreadable; using defaults")
        return Thresholds()


async def _snapshot(row: Mapping[str, Any], conn: asyncpg.Connection, estimator: Estimator) -> Snapshot:
    p90_at = None
    needs_lane = row["status"] not in ("pending", "delivered", "returned", "expired")
    if needs_lane and row["promised_delivery_at"] is None and row["carrier_eta"] is None:
        p90_at = (await estimate_shipment(estimator, conn, row)).p90_at
    return Snapshot(
        carrier=row["carrier"],
        status=row["status"],
        sub_status=row["sub_status"],
        created_at=row["created_at"],
        last_event_at=row["last_event_at"],
        last_event_description=row["last_event_description"],
        last_event_location=row["last_event_location"],
        last_event_code=row["last_event_code"],
        promised_delivery_at=row["promised_delivery_at"],
        carrier_eta=row["carrier_eta"],
        lane_p90_at=p90_at,
        delivered_at=row["delivered_at"],
        origin_country=(row["origin"] or {}).get("country"),
        destination_country=(row["destination"] or {}).get("country"),
    )


def sweep_all(current: datetime | None, planned: datetime | None) -> bool:
    """The sweep owns the shipment's check time: always write what it planned."""
    return True


def sweep_if_sooner(current: datetime | None, planned: datetime | None) -> bool:
    """On ingest, only pull the check time closer; a check that comes too early just looks again
    (and reschedules), so skipping later times keeps the hot path to the writes that matter."""
    return planned is not None and (current is None or planned < current)


async def evaluate_shipments(
    conn: asyncpg.Connection,
    keys: list[Key],
    now: datetime,
    estimator: Estimator,
) -> IncidentChanges:
    """Load the shipments' snapshots and apply the rules (the sweep's entry point)."""
    if not keys:
        return IncidentChanges()
    return await apply_rules(conn, await sql.load_snapshots(conn, keys), now, estimator, sweep_all)


async def apply_rules(
    conn: asyncpg.Connection,
    rows: Sequence[Mapping[str, Any]],
    now: datetime,
    estimator: Estimator,
    write_sweep: Callable[[datetime | None, datetime | None], bool],
) -> IncidentChanges:
    """Run the rules over snapshot rows; write openings, auto-resolutions and check times in one transaction."""
    to_open: list[dict[str, Any]] = []
    to_resolve: list[tuple[str, uuid.UUID, dict[str, Any]]] = []
    sweeps: list[tuple[str, uuid.UUID, datetime | None]] = []
    thresholds: dict[str, Thresholds] = {}
    for row in rows:
        snap = await _snapshot(row, conn, estimator)
        if row["tenant_id"] not in thresholds:
            thresholds[row["tenant_id"]] = thresholds_of(row["settings"])
        result = evaluate(snap, thresholds[row["tenant_id"]], now)
        unresolved = {Kind(i["kind"]): uuid.UUID(str(i["id"])) for i in row["unresolved"]}
        for kind, finding in result.findings.items():
            if kind not in unresolved:
                to_open.append(
                    {
                        "tenant_id": row["tenant_id"],
                        "shipment_id": row["id"],
                        "carrier": row["carrier"],
                        "kind": kind.value,
                        "facts": finding.facts,
                        "opened_at": now,
                        "detect_seconds": max(0.0, (now - finding.caused_at).total_seconds()),
                    }
                )
        for kind, incident_id in unresolved.items():
            if kind not in result.findings and kind not in MANUAL_ONLY:
                to_resolve.append((row["tenant_id"], incident_id, resolution_facts(kind, snap)))
        if write_sweep(row["sweep_at"], result.next_check):
            sweeps.append((row["tenant_id"], row["id"], result.next_check))
    changes = IncidentChanges()
    if to_open or to_resolve or sweeps:
        # One transaction for the writes only: the common "nothing to do" case costs no round trip.
        async with conn.transaction():
            changes.opened = await sql.insert_incidents(conn, to_open)
            changes.resolved = await sql.auto_resolve(conn, to_resolve, now)
            await sql.set_sweep_at(conn, sweeps)
            await enqueue_incident_notices(conn, changes, now)
    for incident in changes.opened:
        metrics.INCIDENTS_OPENED.labels(incident["kind"], incident["carrier"]).inc()
        metrics.INCIDENT_DETECT_SECONDS.labels(incident["kind"]).observe(incident["detect_seconds"] or 0.0)
    for incident in changes.resolved:
        metrics.INCIDENTS_RESOLVED.labels(incident["kind"], incident["carrier"], "auto").inc()
    return changes


async def enqueue_incident_notices(conn: asyncpg.Connection, changes: IncidentChanges, now: datetime) -> None:
    """Outbox rows for opened/resolved incidents, in the caller's transaction (the cause's)."""
    opened = [to_response(r) for r in changes.opened]
    await outbox.enqueue_webhooks(conn, "incident.opened", opened, now)
    await outbox.enqueue_opened(conn, opened, now)
    await outbox.enqueue_webhooks(conn, "incident.resolved", [to_response(r) for r in changes.resolved], now)


async def after_ingest(
    conn: asyncpg.Connection, changes: Sequence[StatusChange], now: datetime, estimator: Estimator
) -> IncidentChanges:
    """Event-driven half of detection, on the snapshots the ingest statement already returned."""
    return await apply_rules(conn, [c.row for c in changes], now, estimator, sweep_if_sooner)


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


def dispute_facts(shipment: Mapping[str, Any], reported_by: str) -> dict[str, Any]:
    """What a ``delivery_disputed`` incident records: the delivery scan the buyer disputes, and who said so."""
    return {
        "carrier": shipment["carrier"],
        "status": shipment["status"],
        "sub_status": shipment["sub_status"],
        "delivered_at": shipment["last_event_at"].isoformat() if shipment["last_event_at"] else None,
        "delivery_location": shipment["last_event_location"],
        "delivery_description": shipment["last_event_description"],
        "carrier_code": shipment["last_event_code"],
        "reported_by": reported_by,
    }


async def open_dispute(
    conn: asyncpg.Connection, shipment: Mapping[str, Any], reported_by: str, now: datetime
) -> IncidentChanges:
    """A buyer or agent says a delivered parcel never arrived: open ``delivery_disputed`` (once) with notices."""
    facts = dispute_facts(shipment, reported_by)
    async with conn.transaction():
        changes = IncidentChanges(
            opened=await sql.insert_incidents(
                conn,
                [
                    {
                        "tenant_id": shipment["tenant_id"],
                        "shipment_id": shipment["id"],
                        "carrier": shipment["carrier"],
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
