"""The carrier-subscription job (SPEC §10 push first, §12 DELETE): subscribe newly registered parcels where the
carrier pushes, so polling only runs as a slow safety net, and cancel the subscriptions of stopped ones.

APScheduler ticks ``run_once``, which runs ``subscribe_once`` then ``unsubscribe_once``; both claim due work
(``db.carrier_subscriptions``, SKIP LOCKED), group it by carrier in batches of the adapter's own size, and
spend the carrier's shared budget (one unit per adapter call) behind its circuit breaker, like the poller.

Subscribing: batches of ``max_subscribe_batch`` (17TRACK ``register`` takes 40, Kuaidi100 ``poll`` and
EasyPost trackers one), ``SubscribeAdapter.subscribe`` with the carrier's push endpoint on
``TRACKING_PUBLIC_URL``. An accepted number becomes ``subscribed``; a refused one, or a failed call, is
logged, counted and retried with backoff (``failure_delay``), and after ``MAX_ATTEMPTS`` left to polling
alone — registration never waits for it. Kuaidi100 stopping a subscription with a corrected company
(``comNew``) sets it ``pending`` again (``db.carrier_facts.STORE_FACTS_SQL``), and this job subscribes it under
the new code.

Cancelling (``DELETE /v1/shipments/{id}``, ``push_state`` 'cancelling'): only carriers with a cancel call are
asked (``UnsubscribeAdapter``: 17TRACK ``stoptrack``, 40 numbers a call, one call per number however many
tenants stopped it); Kuaidi100 and EasyPost subscriptions run out by themselves ('stopped', no call). When a
live shipment of any tenant still has the same carrier and number, the subscription is theirs too: this
shipment is marked 'cancelled' without a call. A number the carrier confirms stopped (or never had) is
'cancelled'; a refusal or a failed call is retried with backoff and given up after ``MAX_ATTEMPTS``
('cancel_failed', the error kept). A shipment of that number registered while the stop was on its way is
subscribed again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import asyncpg
import httpx

from carriers.base import SubscribeAdapter, UnsubscribeAdapter
from carriers.errors import BadResponse, CarrierError, CarrierUnavailable, RateLimited
from schemas import TrackingQuery
from tracking_service import metrics
from tracking_service.clock import Clock
from tracking_service.config import PollingSettings
from tracking_service.db import carrier_subscriptions as sql
from tracking_service.pii import PiiVault
from tracking_service.polling import CarrierLane, failure_delay, query_for
from tracking_service.workers import BatchReport, Worker

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # about a day of backoff; polling carries the parcel after that

Answers = Mapping[str, CarrierError | None]


@dataclass
class SubscribeReport(BatchReport):
    subscribed: int = 0
    failed: int = 0


@dataclass
class UnsubscribeReport(BatchReport):
    cancelled: int = 0  # the carrier no longer pushes the number
    shared: int = 0  # a live shipment still wants the number: let go of without a call
    failed: int = 0
    resubscribed: int = 0  # live shipments registered while a stop was on its way, subscribing again


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
        self.cancel_lanes = {code: lane for code, lane in lanes.items() if isinstance(lane.adapter, UnsubscribeAdapter)}
        self.settings = settings
        self.public_base_url = public_base_url

    async def run_once(self) -> tuple[SubscribeReport, UnsubscribeReport]:
        """One tick of the job: subscribe what is due, then cancel what is due."""
        return await self.subscribe_once(), await self.unsubscribe_once()

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
            url = callback_url(self.public_base_url, carrier)
            size = max(1, adapter.max_subscribe_batch)
            for start in range(0, len(carrier_rows), size):
                chunk = carrier_rows[start : start + size]
                report.calls += 1
                queries = [query_for(lane.adapter, row, self.vault) for row in chunk]
                answers = await self._call(lane, queries, partial(adapter.subscribe, self.client, callback_url=url))
                for row in chunk:
                    error = answers if isinstance(answers, CarrierError) else answers.get(row["tracking_number"])
                    outcomes.append(self._subscribe_outcome(row, error, report))
        async with self.pool.acquire() as conn:
            await sql.release(conn, outcomes, self.clock.now(), self.settings.safety_net_hours * 3600)
        return report

    async def unsubscribe_once(self) -> UnsubscribeReport:
        """Claim one batch of due cancellations; ask the carriers about the numbers no live shipment wants."""
        report = UnsubscribeReport()
        if not self.cancel_lanes:
            return report
        async with self.pool.acquire() as conn:
            rows = await sql.claim_due_cancellations(
                conn,
                self.clock.now(),
                self.settings.subscribe_batch_size,
                self.settings.lease_seconds,
                sorted(self.cancel_lanes),
            )
        report.claimed = len(rows)
        outcomes: list[sql.CancelOutcome] = []
        asked: dict[str, dict[str, list[asyncpg.Record]]] = defaultdict(lambda: defaultdict(list))
        for row in rows:
            if row["still_wanted"]:
                outcomes.append(self._shared_outcome(row, report))
            else:  # two tenants' stops of one number are one question
                asked[row["carrier"]][row["tracking_number"]].append(row)
        stopped: list[tuple[str, str]] = []
        for carrier, by_number in asked.items():
            lane = self.cancel_lanes[carrier]
            adapter = lane.adapter
            assert isinstance(adapter, UnsubscribeAdapter)
            numbers = list(by_number)
            size = max(1, adapter.max_unsubscribe_batch)
            for start in range(0, len(numbers), size):
                chunk = numbers[start : start + size]
                report.calls += 1
                queries = [query_for(lane.adapter, by_number[number][0], self.vault) for number in chunk]
                answers = await self._call(lane, queries, partial(adapter.unsubscribe, self.client))
                for number in chunk:
                    error = answers if isinstance(answers, CarrierError) else _answer(answers, carrier, number)
                    if error is None:
                        stopped.append((carrier, number))
                    outcomes.extend(self._cancel_outcome(row, error, report) for row in by_number[number])
        async with self.pool.acquire() as conn:
            report.resubscribed = await sql.release_cancellations(conn, outcomes, stopped, self.clock.now())
        if report.resubscribed:
            log.info("stopped number registered meanwhile: subscribing again", extra={"count": report.resubscribed})
        return report

    async def _call(
        self,
        lane: CarrierLane,
        queries: Sequence[TrackingQuery],
        ask: Callable[[Sequence[TrackingQuery]], Awaitable[Answers]],
    ) -> Answers | CarrierError:
        """One adapter call within the carrier's shared budget and circuit breaker; a failure is returned."""
        carrier = lane.adapter.code
        if lane.breaker.is_open:
            return CarrierUnavailable(carrier, "circuit open")
        async with lane.semaphore:
            try:
                await lane.budget.spend_call()
            except RateLimited as refused:
                return refused
            try:
                with metrics.CARRIER_CALL_SECONDS.labels(carrier).time():
                    answers = await ask(queries)
            except CarrierError as exc:
                metrics.CARRIER_ERRORS.labels(carrier, type(exc).__name__).inc()
                lane.breaker.failure()
                return exc
        lane.breaker.success()
        return answers

    def _subscribe_outcome(
        self, row: asyncpg.Record, error: CarrierError | None, report: SubscribeReport
    ) -> sql.SubscribeOutcome:
        carrier = row["carrier"]
        if error is None:
            report.subscribed += 1
            metrics.CARRIER_SUBSCRIPTIONS.labels(carrier, "subscribed").inc()
            return sql.SubscribeOutcome(row["tenant_id"], row["id"], None, None)
        report.failed += 1
        metrics.CARRIER_SUBSCRIPTIONS.labels(carrier, "failed").inc()
        text, due = self._retry(row, error, report, "carrier subscription failed")
        return sql.SubscribeOutcome(row["tenant_id"], row["id"], text, due)

    def _shared_outcome(self, row: asyncpg.Record, report: UnsubscribeReport) -> sql.CancelOutcome:
        report.shared += 1
        metrics.CARRIER_SUBSCRIPTIONS.labels(row["carrier"], "cancel_shared").inc()
        log.info(
            "carrier subscription kept: another live shipment has the number",
            extra={"carrier": row["carrier"], "shipment_id": str(row["id"])},
        )
        return sql.CancelOutcome(row["tenant_id"], row["id"], None, None)

    def _cancel_outcome(
        self, row: asyncpg.Record, error: CarrierError | None, report: UnsubscribeReport
    ) -> sql.CancelOutcome:
        carrier = row["carrier"]
        if error is None:
            report.cancelled += 1
            metrics.CARRIER_SUBSCRIPTIONS.labels(carrier, "cancelled").inc()
            log.info("carrier subscription cancelled", extra={"carrier": carrier, "shipment_id": str(row["id"])})
            return sql.CancelOutcome(row["tenant_id"], row["id"], None, None)
        report.failed += 1
        text, due = self._retry(row, error, report, "carrier subscription cancel failed")
        metrics.CARRIER_SUBSCRIPTIONS.labels(carrier, "cancel_failed" if due else "cancel_given_up").inc()
        return sql.CancelOutcome(row["tenant_id"], row["id"], text, due)

    def _retry(
        self, row: asyncpg.Record, error: CarrierError, report: BatchReport, message: str
    ) -> tuple[str, datetime | None]:
        """Log and count a failure; the error as stored and the next attempt (None once they are used up)."""
        kind = type(error).__name__
        report.errors[kind] = report.errors.get(kind, 0) + 1
        attempts = row["push_attempts"] + 1
        due: datetime | None = None
        if attempts < MAX_ATTEMPTS:  # even a refusal: credentials get fixed, carriers learn numbers late
            retry_after = error.retry_after if isinstance(error, RateLimited) else None
            due = self.clock.now() + failure_delay(attempts, retry_after)
        log.warning(
            message if due else message + ": given up",
            extra={"carrier": row["carrier"], "shipment_id": str(row["id"]), "error": kind, "attempt": attempts},
        )
        return f"{kind}: {error.detail}"[:500], due


def _answer(answers: Answers, carrier: str, number: str) -> CarrierError | None:
    """The carrier's answer for one asked number; one it left out is not a confirmed stop."""
    if number not in answers:
        return BadResponse(carrier, "number not in the answer")
    return answers[number]
