"""The poller: claim due shipments, ask carriers (bounded, rate-limited, retried), store, reschedule.

APScheduler only ticks ``poll_once``; all timing and retry decisions live here,
never in the adapters.
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import asyncpg
import httpx

from carriers.base import CarrierAdapter
from carriers.errors import CarrierError, CarrierUnavailable, NotFound, RateLimited
from schemas import TERMINAL_STATUSES, Status, TrackingQuery, TrackingResult
from tracking_service import metrics
from tracking_service.clock import Clock
from tracking_service.config import CarrierSettings, PollingSettings
from tracking_service.db import polling as sql
from tracking_service.db.events import StatusChange
from tracking_service.estimates import Estimator
from tracking_service.incidents.service import after_ingest
from tracking_service.ingest import IngestReport, ShipmentRef, ingest
from tracking_service.pii import PiiVault, phone_last4
from tracking_service.resilience import CircuitBreaker, DailyQuota, TokenBucket

log = logging.getLogger(__name__)

CallResult = Mapping[str, TrackingResult | NotFound] | CarrierError


@dataclass
class CarrierLane:
    """One carrier's adapter plus the limits the poller applies to it."""

    adapter: CarrierAdapter
    semaphore: asyncio.Semaphore
    bucket: TokenBucket
    quota: DailyQuota
    breaker: CircuitBreaker
    needs_phone: bool = False


@dataclass
class PollReport:
    claimed: int = 0
    calls: int = 0
    events_received: int = 0
    events_inserted: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    changes: int = 0
    incidents_opened: int = 0
    incidents_resolved: int = 0


def next_poll_delay(status: Status, last_event_at: datetime | None, now: datetime) -> timedelta | None:
    """How long until the next poll of a healthy shipment; None for terminal states."""
    if status in TERMINAL_STATUSES:
        return None
    if status is Status.OUT_FOR_DELIVERY:
        return timedelta(minutes=30)
    if status in (Status.AVAILABLE_FOR_PICKUP, Status.ATTEMPT_FAILED):
        return timedelta(hours=2)
    if status in (Status.PENDING, Status.INFO_RECEIVED):
        return timedelta(hours=1)
    silent = now - last_event_at if last_event_at else timedelta(0)
    if silent < timedelta(hours=24):
        return timedelta(hours=2)
    if silent < timedelta(hours=72):
        return timedelta(hours=4)
    return timedelta(hours=8)


def failure_delay(failures: int, retry_after: float | None) -> timedelta:
    """Exponential backoff with jitter for a failed poll, never sooner than Retry-After."""
    backoff = min(60.0 * 2 ** max(0, failures - 1), 6 * 3600.0)
    backoff *= random.uniform(0.8, 1.2)
    return timedelta(seconds=max(backoff, retry_after or 0.0))


class Poller:
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
    ) -> None:
        self.pool = pool
        self.lanes = lanes
        self.client = client
        self.settings = settings
        self.clock = clock
        self.vault = vault
        self.owner = owner or f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self.estimator = estimator or Estimator()
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
            size = max(1, lane.adapter.max_batch)
            for start in range(0, len(carrier_rows), size):
                chunk = carrier_rows[start : start + size]
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
                    report.errors[outcome.error.split(":")[0]] = report.errors.get(outcome.error.split(":")[0], 0) + 1
        async with self.pool.acquire() as conn:
            now = self.clock.now()
            ingested = await ingest(conn, batch, now)
            outcomes = self._reschedule_changed(outcomes, ingested, rows)
            # Release first: it stores the carrier ETA that the delayed rule reads.
            await sql.release(conn, outcomes, self.owner, now)
            incidents = await after_ingest(conn, with_polled_eta(ingested.changes, outcomes), now, self.estimator)
        report.incidents_opened = len(incidents.opened)
        report.incidents_resolved = len(incidents.resolved)
        report.events_received = ingested.received
        report.events_inserted = ingested.inserted
        report.changes = len(ingested.changes)
        return report

    def _query(self, lane: CarrierLane, row: asyncpg.Record) -> TrackingQuery:
        last4 = None
        if lane.needs_phone and row["buyer_sealed"] is not None:
            last4 = phone_last4(self.vault.open(row["buyer_sealed"], row["buyer_key_id"]).get("phone"))
        return TrackingQuery(
            tracking_number=row["tracking_number"],
            sub_carrier=row["sub_carrier"],
            phone_last4=last4,
            registered_at=row["created_at"],
        )

    async def _call(self, lane: CarrierLane, queries: list[TrackingQuery]) -> CallResult:
        """One adapter call with limits, retries (backoff + jitter, Retry-After) and the breaker."""
        carrier = lane.adapter.code
        attempt = 0
        while True:
            if lane.breaker.is_open:
                return CarrierUnavailable(carrier, "circuit open")
            if not lane.quota.take():
                wait = (lane.quota.resets_at() - self.clock.now()).total_seconds()
                return RateLimited(carrier, "daily quota exhausted", retry_after=wait)
            async with lane.semaphore:
                await lane.bucket.acquire()
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
            outcome = sql.PollOutcome(
                row["tenant_id"], row["id"], now + delay, 0, None, None, None, expire=now >= give_up
            )
            return outcome, None
        metrics.POLLS.labels(row["carrier"], "ok").inc()
        delay = next_poll_delay(Status(row["status"]), row["last_event_at"], now)
        outcome = sql.PollOutcome(
            row["tenant_id"],
            row["id"],
            now + delay if delay else None,
            0,
            None,
            found.carrier_eta,
            found.sub_carrier,
            expire=False,
        )
        return outcome, found

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
            None,
            None,
            expire=False,
        )

    def _reschedule_changed(
        self, outcomes: list[sql.PollOutcome], ingested: IngestReport, rows: Sequence[asyncpg.Record]
    ) -> list[sql.PollOutcome]:
        """A shipment whose status just changed gets the cadence of its new status."""
        if not ingested.changes:
            return outcomes
        new_status = {c.shipment_id: Status(c.new_status) for c in ingested.changes}
        now = self.clock.now()
        out = []
        for outcome in outcomes:
            status = new_status.get(outcome.shipment_id)
            if status is not None and outcome.error is None:
                delay = next_poll_delay(status, now, now)
                outcome = sql.PollOutcome(
                    outcome.tenant_id,
                    outcome.shipment_id,
                    now + delay if delay else None,
                    0,
                    None,
                    outcome.carrier_eta,
                    outcome.sub_carrier,
                    outcome.expire,
                )
            out.append(outcome)
        return out


def with_polled_eta(changes: Sequence[StatusChange], outcomes: list[sql.PollOutcome]) -> list[StatusChange]:
    """The ingest snapshots, with the carrier ETA this poll just stored (the delayed rule reads it)."""
    eta = {o.shipment_id: o.carrier_eta for o in outcomes if o.carrier_eta is not None}
    return [
        replace(c, row={**dict(c.row), "carrier_eta": eta[c.shipment_id]}) if c.shipment_id in eta else c
        for c in changes
    ]


def build_lanes(
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
            bucket=TokenBucket(cfg.rate_per_second),
            quota=DailyQuota(cfg.daily_quota, clock),
            breaker=CircuitBreaker(code, polling.circuit_failure_threshold, polling.circuit_cooldown_seconds, clock),
            needs_phone=code in ("kuaidi100", "sf_express"),
        )
    return lanes
