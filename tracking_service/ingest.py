"""Ingest: canonical carrier results → stored events and moved shipment status."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from schemas import Status, TrackingResult
from tracking_service import metrics
from tracking_service.db.events import EventColumns, StatusChange, insert_events

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
    """Store every event of ``batch`` in one round trip; dedupe and no-backwards rules live in SQL."""
    columns = to_columns(batch)
    if not len(columns):
        return IngestReport(received=0, inserted=0, changes=[])
    inserted, changes = await insert_events(conn, columns, now)
    carrier_of = {ref.shipment_id: ref.carrier for ref, _ in batch}
    for change in changes:
        metrics.STATUS_CHANGES.labels(carrier_of.get(change.shipment_id, "?"), change.new_status).inc()
    metrics.EVENTS_INGESTED.labels(columns.source[0]).inc(inserted)
    return IngestReport(received=len(columns), inserted=inserted, changes=changes)
