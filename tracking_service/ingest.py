"""Ingest: canonical carrier results → stored events, shipment state, carrier facts and incidents.

``apply_results`` is the one path every carrier result takes — polls, pushes and refreshes alike.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import asyncpg

from schemas import Status, TrackingResult
from tracking_service import metrics, notices
from tracking_service.cadence import DEFAULT_CADENCE, Cadence, next_poll_delay
from tracking_service.db.carrier_facts import CarrierFacts, store_carrier_facts
from tracking_service.db.events import EventColumns, StatusChange, insert_events
from tracking_service.estimates import Estimator
from tracking_service.incidents.service import IncidentChanges, after_ingest

log = logging.getLogger(__name__)

_logged_unmapped: set[tuple[str, str]] = set()


@dataclass(frozen=True, slots=True)
class ShipmentRef:
    tenant_id: str
    shipment_id: uuid.UUID
    carrier: str


@dataclass(frozen=True, slots=True)
class IngestReport:
    received: int
    inserted: int
    changes: list[StatusChange]
    incidents: IncidentChanges = field(default_factory=IncidentChanges)


def note_unmapped(carrier: str, code: str) -> None:
    """Count an unmapped carrier code; log it the first time this process sees it."""
    metrics.UNMAPPED_CODES.labels(carrier, code).inc()
    if (carrier, code) not in _logged_unmapped:
        _logged_unmapped.add((carrier, code))
        log.warning("unmapped carrier code stored as unknown", extra={"carrier": carrier, "code": code})


def to_columns(batch: Iterable[tuple[ShipmentRef, TrackingResult]]) -> EventColumns:
    columns = EventColumns.empty()
    for ref, result in batch:
        for event in result.events:
            if event.status is Status.UNKNOWN:
                note_unmapped(ref.carrier, event.carrier_code)
            columns.tenant_id.append(ref.tenant_id)
            columns.shipment_id.append(ref.shipment_id)
            columns.occurred_at.append(event.occurred_at)
            columns.status.append(event.status.value)
            columns.sub_status.append(event.sub_status.value if event.sub_status else None)
            columns.description.append(event.description)
            columns.location.append(event.location)
            columns.carrier_code.append(event.carrier_code)
            columns.source.append(event.source.value)
    return columns


async def ingest(
    conn: asyncpg.Connection, batch: list[tuple[ShipmentRef, TrackingResult]], now: datetime
) -> IngestReport:
    """Store every event of ``batch`` in one round trip (dedupe and no-backwards rules live in SQL), plus one
    for the ``shipment.status_changed`` notices when a moved shipment's tenant listens for them. Run it in
    the caller's transaction (``apply_results``), so events and their notices commit together."""
    columns = to_columns(batch)
    if not len(columns):
        return IngestReport(received=0, inserted=0, changes=[])
    inserted, changes = await insert_events(conn, columns, now)
    await notices.statuses_changed(conn, changes, now)
    carrier_of = {ref.shipment_id: ref.carrier for ref, _ in batch}
    for change in changes:
        metrics.STATUS_CHANGES.labels(carrier_of.get(change.shipment_id, "?"), change.new_status).inc()
    metrics.EVENTS_INGESTED.labels(columns.source[0]).inc(inserted)
    return IngestReport(received=len(columns), inserted=inserted, changes=changes)


async def apply_results(
    conn: asyncpg.Connection,
    batch: list[tuple[ShipmentRef, TrackingResult]],
    now: datetime,
    estimator: Estimator,
    cadence: Cadence = DEFAULT_CADENCE,
) -> IngestReport:
    """Store carrier results in one transaction: events and status, carrier ETA and sub-carrier, the end of
    a push subscription, the new cadence of every shipment whose status changed, then the incident rules."""
    async with conn.transaction():
        report = await ingest(conn, batch, now)
        changed = {c.shipment_id: Status(c.new_status) for c in report.changes}
        facts = [_facts(ref, result, changed.get(ref.shipment_id), now) for ref, result in batch]
        await store_carrier_facts(
            conn, facts, now, cadence.resume_after_push.total_seconds(), cadence.safety_net.total_seconds()
        )
        incidents = await after_ingest(conn, with_carrier_eta(report.changes, batch), now, estimator)
    return replace(report, incidents=incidents)


def _facts(ref: ShipmentRef, result: TrackingResult, new_status: Status | None, now: datetime) -> CarrierFacts:
    delay = next_poll_delay(new_status, now, now) if new_status is not None else None
    return CarrierFacts(
        tenant_id=ref.tenant_id,
        shipment_id=ref.shipment_id,
        carrier_eta=result.carrier_eta,
        sub_carrier=result.sub_carrier,
        push_stopped=result.push_stopped,
        next_poll_at=now + delay if delay is not None else None,
        sub_carrier_corrected=result.sub_carrier_corrected,
    )


def with_carrier_eta(
    changes: Sequence[StatusChange], batch: list[tuple[ShipmentRef, TrackingResult]]
) -> list[StatusChange]:
    """The ingest snapshots, with the carrier ETA these results just stored (the delayed rule reads it)."""
    eta = {ref.shipment_id: r.carrier_eta for ref, r in batch if r.carrier_eta is not None}
    return [
        replace(c, row=replace(c.row, carrier_eta=eta[c.shipment_id])) if c.shipment_id in eta else c for c in changes
    ]
