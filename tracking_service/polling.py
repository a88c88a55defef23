"""The poller: claim due shipments, ask carriers (bounded, rate-limited, retried), store, reschedule.

APScheduler only ticks ``poll_once``; all timing and retry decisions live here,
never in the adapters.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg
import httpx

from carriers.base import CarrierAdapter
from carriers.errors import CarrierError, CarrierUnavailable, NotFound, RateLimited
from schemas import Status, TrackingQuery, TrackingResult
from tracking_service import metrics
from tracking_service.budgets import CarrierBudget
from tracking_service.cadence import Cadence, next_poll_delay
from tracking_service.clock import Clock
from tracking_service.config import CarrierSettings, PollingSettings
from tracking_service.db import polling as sql
from tracking_service.estimates import Estimator
from tracking_service.ingest import ShipmentRef, apply_results
from tracking_service.pii import PiiVault, phone_last4
from tracking_service.resilience import CircuitBreaker
from tracking_service.workers import BatchReport, Worker

__all__ = ["CarrierLane", "PollReport", "Poller", "build_lanes", "failure_delay", "next_poll_delay", "query_for"]

log = logging.getLogger(__name__)

# A carrier's "look again soon" on a number it does not know yet (17TRACK syncing a new registration) is
# honoured only this long after registration; later the number is looked at on the not-found cadence.
SYNC_WINDOW = timedelta(hours=1)

CallResult = Mapping[str, TrackingResult | NotFound] | CarrierError


@dataclass
class CarrierLane:
    """One carrier's adapter plus the limits the poller applies to it."""

    adapter: CarrierAdapter
    semaphore: asyncio.Semaphore
    budget: CarrierBudget  # shared by every replica
    breaker: CircuitBreaker  # this replica's view of the carrier's health


@dataclass
class PollReport(BatchReport):
    events_received: int = 0
    events_inserted: int = 0
    changes: int = 0
    incidents_opened: int = 0
    incidents_resolved: int = 0
    skipped_min_interval: int = 0  # numbers queried too recently: not asked, stored state kept


def failure_delay(failures: int, retry_after: float | None) -> timedelta:
    """Exponential backoff with jitter for a failed poll, never sooner than Retry-After."""
    backoff = min(60.0 * 2 ** max(0, failures - 1), 6 * 3600.0)
    backoff *= random.uniform(0.8, 1.2)
    return timedelta(seconds=max(backoff, retry_after or 0.0))


class Poller(Worker):
    def __init__(
        self,
        pool: asyncpg.Pool,
        lanes: dict[str, CarrierLane],
        client: httpx.AsyncClient,
        settings: PollingSettings,
        clock: Clock,
        vault: PiiVault,
        owner: str | None = None,
        estimator: Estimator | None = None,
        cadence: Cadence | None = None,
    ) -> None:
        super().__init__(pool, client, clock, vault, owner)
        self.lanes = lanes
        self.settings = settings
        self.estimator = estimator or Estimator()
        self.cadence = cadence or Cadence(
            safety_net=timedelta(hours=settings.safety_net_hours), resume_after_push=timedelta(hours=2)
        )
        self._claimed: set[tuple[str, uuid.UUID]] = set()  # claimed and not yet released

    async def release_unfinished(self) -> int:
        """On shutdown, after the grace period: hand back claims whose poll did not finish."""
        claimed, self._claimed = list(self._claimed), set()
        return await sql.release_unfinished(self.pool, self.owner, claimed)

    async def poll_once(self) -> PollReport:
        """Claim one batch of due shipments and poll them."""
        now = self.clock.now()
        open_circuits = [code for code, lane in self.lanes.items() if lane.breaker.is_open]
        async with self.pool.acquire() as conn:
            rows = await sql.claim_due(
                conn, now, self.settings.batch_size, self.settings.lease_seconds, self.owner, open_circuits
            )
        return await self.poll_claimed(rows)

    async def refresh(self, tenant_id: str, shipment_id: uuid.UUID) -> PollReport | None:
        """Poll one shipment now; None when another poller holds its lease."""
        async with self.pool.acquire() as conn:
            row = await sql.claim_one(
                conn, tenant_id, shipment_id, self.clock.now(), self.settings.lease_seconds, self.owner
            )
        if row is None:
            return None
        return await self.poll_claimed([row])

    async def poll_claimed(self, rows: Sequence[asyncpg.Record]) -> PollReport:
        keys = {(row["tenant_id"], row["id"]) for row in rows}
        self._claimed |= keys
        try:
            return await self._poll(rows)
        finally:
            self._claimed -= keys

    async def _poll(self, rows: Sequence[asyncpg.Record]) -> PollReport:
        """Claimed rows → carrier calls (bounded, budgeted, retried) → outcomes → ``apply_results``."""
        report = PollReport(claimed=len(rows))
        if not rows:
            return report
        by_carrier: dict[str, list[asyncpg.Record]] = defaultdict(list)
        for row in rows:
            by_carrier[row["carrier"]].append(row)
        jobs: list[tuple[list[asyncpg.Record], asyncio.Task[CallResult]]] = []
        outcomes: list[sql.PollOutcome] = []
        for carrier, carrier_rows in by_carrier.items():
            lane = self.lanes.get(carrier)
            if lane is None:
                outcomes.extend(
                    self._failed(r, CarrierUnavailable(carrier, "carrier not enabled")) for r in carrier_rows
                )
                continue
            waiting = await lane.budget.take_numbers([r["tracking_number"] for r in carrier_rows])
            report.skipped_min_interval += sum(1 for r in carrier_rows if r["tracking_number"] in waiting)
            outcomes.extend(
                self._too_soon(r, waiting[r["tracking_number"]])
                for r in carrier_rows
                if r["tracking_number"] in waiting
            )
            asked = [r for r in carrier_rows if r["tracking_number"] not in waiting]
            size = max(1, lane.adapter.max_batch)
            for start in range(0, len(asked), size):
                chunk = asked[start : start + size]
                jobs.append((chunk, asyncio.create_task(self._call(lane, [self._query(lane, r) for r in chunk]))))
        report.calls = len(jobs)
        batch: list[tuple[ShipmentRef, TrackingResult]] = []
        for chunk, task in jobs:
            result = await task
            for row in chunk:
                outcome, found = self._outcome(row, result)
                outcomes.append(outcome)
                if found is not None:
                    batch.append((ShipmentRef(row["tenant_id"], row["id"], row["carrier"]), found))
                if outcome.error:
                    kind = outcome.error.split(":")[0]
                    report.errors[kind] = report.errors.get(kind, 0) + 1
        async with self.pool.acquire() as conn, conn.transaction():
            now = self.clock.now()
            await sql.release(conn, outcomes, self.owner, now, self.cadence.safety_net.total_seconds())
            applied = await apply_results(conn, batch, now, self.estimator, self.cadence)
        report.incidents_opened = len(applied.incidents.opened)
        report.incidents_resolved = len(applied.incidents.resolved)
        report.events_received = applied.received
        report.events_inserted = applied.inserted
        report.changes = len(applied.changes)
        return report

    def _query(self, lane: CarrierLane, row: asyncpg.Record) -> TrackingQuery:
        return query_for(lane.adapter, row, self.vault)

    async def _call(self, lane: CarrierLane, queries: list[TrackingQuery]) -> CallResult:
        """One adapter call with limits, retries (backoff + jitter, Retry-After) and the breaker."""
        carrier = lane.adapter.code
        attempt = 0
        while True:
            if lane.breaker.is_open:
                return CarrierUnavailable(carrier, "circuit open")
            async with lane.semaphore:
                try:
                    await lane.budget.spend_call()
                except RateLimited as refused:
                    return refused  # our own budget: not the carrier's failure, no breaker, no retry
                try:
                    with metrics.CARRIER_CALL_SECONDS.labels(carrier).time():
                        result = await lane.adapter.track(self.client, queries)
                except CarrierError as exc:
                    error: CarrierError = exc
                else:
                    lane.breaker.success()
                    return result
            metrics.CARRIER_ERRORS.labels(carrier, type(error).__name__).inc()
            log.warning(
                "carrier call failed",
                extra={"carrier": carrier, "error": type(error).__name__, "detail": error.detail, "attempt": attempt},
            )
            lane.breaker.failure()
            retry_after = error.retry_after if isinstance(error, RateLimited) else None
            wait = retry_after if retry_after is not None else self._backoff(attempt)
            if (
                not error.retryable
                or attempt >= self.settings.max_retries
                or wait > self.settings.retry_max_wait_seconds
            ):
                return error
            attempt += 1
            await asyncio.sleep(wait)

    def _backoff(self, attempt: int) -> float:
        return float(self.settings.retry_base_seconds * 2**attempt * random.uniform(0.5, 1.5))

    def _outcome(self, row: asyncpg.Record, result: CallResult) -> tuple[sql.PollOutcome, TrackingResult | None]:
        if isinstance(result, CarrierError):
            return self._failed(row, result), None
        found = result.get(row["tracking_number"])
        now = self.clock.now()
        if found is None or isinstance(found, NotFound):
            metrics.POLLS.labels(row["carrier"], "not_found").inc()
            give_up = row["created_at"] + timedelta(hours=self.settings.give_up_after_hours)
            delay = next_poll_delay(Status(row["status"]), row["last_event_at"], now) or timedelta(hours=2)
            retry = found.retry_after if isinstance(found, NotFound) else None
            soon = retry is not None and now - row["created_at"] < SYNC_WINDOW
            if soon and retry is not None:
                delay = min(delay, timedelta(seconds=retry))  # e.g. 17TRACK's first sync
            outcome = sql.PollOutcome(
                row["tenant_id"], row["id"], now + delay, 0, None, expire=now >= give_up, soon=soon
            )
            return outcome, None
        metrics.POLLS.labels(row["carrier"], "ok").inc()
        cadence = next_poll_delay(Status(row["status"]), row["last_event_at"], now)
        outcome = sql.PollOutcome(
            row["tenant_id"], row["id"], now + cadence if cadence else None, 0, None, expire=False
        )
        return outcome, found

    def _too_soon(self, row: asyncpg.Record, allowed_at: datetime) -> sql.PollOutcome:
        """A number queried within the carrier's minimum interval: look again once it has passed."""
        metrics.POLLS.labels(row["carrier"], "min_interval").inc()
        return sql.PollOutcome(
            row["tenant_id"], row["id"], allowed_at, row["poll_failures"], row["last_poll_error"], expire=False
        )

    def _failed(self, row: asyncpg.Record, error: CarrierError) -> sql.PollOutcome:
        metrics.POLLS.labels(row["carrier"], "error").inc()
        failures = row["poll_failures"] + 1
        retry_after = error.retry_after if isinstance(error, RateLimited) else None
        return sql.PollOutcome(
            row["tenant_id"],
            row["id"],
            self.clock.now() + failure_delay(failures, retry_after),
            failures,
            f"{type(error).__name__}: {error.detail}"[:500],
            expire=False,
        )


def query_for(adapter: CarrierAdapter, row: asyncpg.Record, vault: PiiVault) -> TrackingQuery:
    """What the carrier is asked about one claimed shipment (the phone's last 4 only where it needs them)."""
    last4 = None
    if adapter.needs_phone and row["buyer_sealed"] is not None:
        last4 = phone_last4(vault.open(row["buyer_sealed"], row["buyer_key_id"]).get("phone"))
    return TrackingQuery(
        tracking_number=row["tracking_number"],
        sub_carrier=row["sub_carrier"],
        phone_last4=last4,
        registered_at=row["created_at"],
    )


def build_lanes(
    pool: asyncpg.Pool,
    adapters: Mapping[str, CarrierAdapter],
    settings: Mapping[str, CarrierSettings],
    polling: PollingSettings,
    clock: Clock,
) -> dict[str, CarrierLane]:
    lanes = {}
    for code, adapter in adapters.items():
        cfg = settings[code]
        lanes[code] = CarrierLane(
            adapter=adapter,
            semaphore=asyncio.Semaphore(cfg.concurrency),
            budget=CarrierBudget(pool, code, cfg, clock, max_wait=polling.retry_max_wait_seconds),
            breaker=CircuitBreaker(code, polling.circuit_failure_threshold, polling.circuit_cooldown_seconds, clock),
        )
    return lanes
