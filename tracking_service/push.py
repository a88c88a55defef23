"""Carrier pushes: verified by the adapter, stored through the same ingest path as polls."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import asyncpg

from carriers.base import PushAdapter
from schemas import EventSource, TrackingResult
from tracking_service import metrics
from tracking_service.clock import Clock
from tracking_service.db.shipments import find_by_numbers
from tracking_service.estimates import Estimator
from tracking_service.incidents.service import after_ingest
from tracking_service.ingest import ShipmentRef, ingest

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PushReport:
    parcels: int
    matched_shipments: int
    events_new: int


def as_pushed(result: TrackingResult) -> TrackingResult:
    return replace(result, events=[replace(e, source=EventSource.PUSH) for e in result.events])


async def accept_push(
    pool: asyncpg.Pool, adapter: PushAdapter, results: list[TrackingResult], clock: Clock, estimator: Estimator
) -> PushReport:
    """Store pushed results for every tenant's shipment with that carrier and number."""
    by_number = {r.tracking_number: as_pushed(r) for r in results}
    async with pool.acquire() as conn:
        shipments = await find_by_numbers(conn, adapter.code, list(by_number))
        batch = [
            (ShipmentRef(row["tenant_id"], row["id"], adapter.code), by_number[row["tracking_number"]])
            for row in shipments
        ]
        now = clock.now()
        report = await ingest(conn, batch, now)
        await after_ingest(conn, report.changes, now, estimator)
    unknown = len(by_number) - len({row["tracking_number"] for row in shipments})
    if unknown:
        log.info("push for unregistered numbers ignored", extra={"carrier": adapter.code, "count": unknown})
    metrics.PUSHES.labels(adapter.code, "stored").inc()
    return PushReport(parcels=len(by_number), matched_shipments=len(shipments), events_new=report.inserted)
