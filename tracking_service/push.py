"""Carrier pushes: verified by the adapter, stored through ``apply_results`` like polls and refreshes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import asyncpg

from carriers.base import PushAdapter
from schemas import EventSource, TrackingResult
from tracking_service import metrics
from tracking_service.cadence import DEFAULT_CADENCE, Cadence
from tracking_service.clock import Clock
from tracking_service.db.shipments import find_by_numbers
from tracking_service.estimates import Estimator
from tracking_service.ingest import ShipmentRef, apply_results

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PushReport:
    parcels: int
    matched_shipments: int
    events_new: int


def as_pushed(result: TrackingResult) -> TrackingResult:
    return replace(result, events=[replace(e, source=EventSource.PUSH) for e in result.events])


async def accept_push(
    pool: asyncpg.Pool,
    adapter: PushAdapter,
    results: list[TrackingResult],
    clock: Clock,
    estimator: Estimator,
    cadence: Cadence = DEFAULT_CADENCE,
) -> PushReport:
    """Store pushed results for every tenant's shipment with that carrier and number."""
    by_number = {r.tracking_number: as_pushed(r) for r in results}
    async with pool.acquire() as conn:
        shipments = await find_by_numbers(conn, adapter.code, list(by_number))
        batch = [
            (ShipmentRef(row["tenant_id"], row["id"], adapter.code), by_number[row["tracking_number"]])
            for row in shipments
        ]
        report = await apply_results(conn, batch, clock.now(), estimator, cadence)
    unknown = len(by_number) - len({row["tracking_number"] for row in shipments})
    if unknown:
        metrics.PUSHES.labels(adapter.code, "unregistered").inc(unknown)
        log.info("push for unregistered numbers ignored", extra={"carrier": adapter.code, "count": unknown})
    if batch:
        metrics.PUSHES.labels(adapter.code, "stored").inc()
    return PushReport(parcels=len(by_number), matched_shipments=len(shipments), events_new=report.inserted)
