"""The carrier-subscription job (SPEC §10 push first): subscribe newly registered parcels where the carrier
pushes, so polling only runs as a slow safety net.

APScheduler ticks ``subscribe_once``: it claims due subscriptions (``db.carrier_subscriptions``, SKIP LOCKED),
groups them by carrier in batches of the adapter's ``max_subscribe_batch`` (17TRACK ``register`` takes 40,
Kuaidi100 ``poll`` and EasyPost trackers one), spends the carrier's shared budget and calls
``SubscribeAdapter.subscribe`` with the carrier's push endpoint on ``TRACKING_PUBLIC_URL``. An accepted
number becomes ``subscribed``; a refused one, or a failed call, is logged, counted and retried with
backoff (``failure_delay``), and after ``MAX_ATTEMPTS`` left to polling alone — registration never waits
for it. Kuaidi100 stopping a subscription with a corrected company (``comNew``) sets it ``pending``
again (``db.carrier_facts.STORE_FACTS_SQL``), and this job subscribes it under the new code.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import asyncpg
import httpx

from carriers.base import SubscribeAdapter
from carriers.errors import CarrierError, CarrierUnavailable, RateLimited
from tracking_service import metrics
from tracking_service.clock import Clock
from tracking_service.config import PollingSettings
from tracking_service.db import carrier_subscriptions as sql
from tracking_service.pii import PiiVault
from tracking_service.polling import CarrierLane, failure_delay, query_for
from tracking_service.workers import BatchReport, Worker

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # about a day of backoff; polling carries the parcel after that


@dataclass
class SubscribeReport(BatchReport):
    subscribed: int = 0
    failed: int = 0


def callback_url(public_base_url: str, carrier: str) -> str:
    return f"{public_base_url.rstrip('/')}/v1/webhooks/carriers/{carrier}"


class Subscriber(Worker):
    def __init__(
        self,
        pool: asyncpg.Pool,
        lanes: Mapping[str, CarrierLane],
        client: httpx.AsyncClient,
        settings: PollingSettings,
        clock: Clock,
        vault: PiiVault,
        public_base_url: str,
    ) -> None:
        super().__init__(pool, client, clock, vault)
        self.lanes = {code: lane for code, lane in lanes.items() if isinstance(lane.adapter, SubscribeAdapter)}
        self.settings = settings
        self.public_base_url = public_base_url

    async def subscribe_once(self) -> SubscribeReport:
        """Claim one batch of due subscriptions and ask the carriers."""
        report = SubscribeReport()
        if not self.lanes:
            return report
        async with self.pool.acquire() as conn:
            rows = await sql.claim_due(
                conn,
                self.clock.now(),
                self.settings.subscribe_batch_size,
                self.settings.lease_seconds,
                sorted(self.lanes),
            )
        report.claimed = len(rows)
        by_carrier: dict[str, list[asyncpg.Record]] = defaultdict(list)
        for row in rows:
            by_carrier[row["carrier"]].append(row)
        outcomes: list[sql.SubscribeOutcome] = []
        for carrier, carrier_rows in by_carrier.items():
            lane = self.lanes[carrier]
            adapter = lane.adapter
            assert isinstance(adapter, SubscribeAdapter)
            size = max(1, adapter.max_subscribe_batch)
            for start in range(0, len(carrier_rows), size):
                chunk = carrier_rows[start : start + size]
                report.calls += 1
                answers = await self._call(lane, adapter, chunk)
                for row in chunk:
                    error = answers if isinstance(answers, CarrierError) else answers.get(row["tracking_number"])
                    outcomes.append(self._outcome(row, error, report))
        async with self.pool.acquire() as conn:
            await sql.release(conn, outcomes, self.clock.now(), self.settings.safety_net_hours * 3600)
        return report

    async def _call(
        self, lane: CarrierLane, adapter: SubscribeAdapter, rows: list[asyncpg.Record]
    ) -> Mapping[str, CarrierError | None] | CarrierError:
        carrier = adapter.code
        if lane.breaker.is_open:
            return CarrierUnavailable(carrier, "circuit open")
        queries = [query_for(lane.adapter, row, self.vault) for row in rows]
        async with lane.semaphore:
            try:
                await lane.budget.spend_call()
            except RateLimited as refused:
                return refused
            try:
                with metrics.CARRIER_CALL_SECONDS.labels(carrier).time():
                    answers = await adapter.subscribe(self.client, queries, callback_url(self.public_base_url, carrier))
            except CarrierError as exc:
                metrics.CARRIER_ERRORS.labels(carrier, type(exc).__name__).inc()
                lane.breaker.failure()
                return exc
        lane.breaker.success()
        return answers

    def _outcome(
        self, row: asyncpg.Record, error: CarrierError | None, report: SubscribeReport
    ) -> sql.SubscribeOutcome:
        carrier = row["carrier"]
        if error is None:
            report.subscribed += 1
            metrics.CARRIER_SUBSCRIPTIONS.labels(carrier, "subscribed").inc()
            return sql.SubscribeOutcome(row["tenant_id"], row["id"], None, None)
        kind = type(error).__name__
        report.failed += 1
        report.errors[kind] = report.errors.get(kind, 0) + 1
        attempts = row["push_attempts"] + 1
        metrics.CARRIER_SUBSCRIPTIONS.labels(carrier, "failed").inc()
        log.warning(
            "carrier subscription failed",
            extra={"carrier": carrier, "shipment_id": str(row["id"]), "error": kind, "attempt": attempts},
        )
        retry_after = error.retry_after if isinstance(error, RateLimited) else None
        due: datetime | None = None
        if attempts < MAX_ATTEMPTS:  # even a refusal: credentials get fixed, carriers learn numbers late
            due = self.clock.now() + failure_delay(attempts, retry_after)
        return sql.SubscribeOutcome(row["tenant_id"], row["id"], f"{kind}: {error.detail}"[:500], due)
