"""Carrier budgets shared by every replica and kept across restarts (SPEC §10), in PostgreSQL.

- **rate**: one GCRA cell per carrier (``rate_per_second``, ``rate_burst``): a caller reserves the next
  slot and sleeps until it, so N replicas together make at most the carrier's rate;
- **daily quota**: calls per carrier and UTC day (DHL's 250 a day reset at 00:00 GMT);
- **per-number minimum interval** (Kuaidi100 wants ≥ 30 min between queries of one number and locks a
  number queried more than 48 times in 24 h): a number queried within it is not asked again.

The concurrency semaphore and the circuit breaker stay per process: they protect this replica.
"""

from __future__ import annotations

import asyncio
from datetime import UTC as _UTC
from datetime import datetime, timedelta

import asyncpg

from carriers.errors import RateLimited
from tracking_service import metrics
from tracking_service.clock import Clock
from tracking_service.config import CarrierSettings
from tracking_service.db import budgets as sql


class CarrierBudget:
    """One carrier's shared rate, daily quota and per-number interval."""

    def __init__(
        self, pool: asyncpg.Pool, carrier: str, settings: CarrierSettings, clock: Clock, max_wait: float
    ) -> None:
        self.pool = pool
        self.carrier = carrier
        self.clock = clock
        self.interval = 1.0 / settings.rate_per_second
        self.tolerance = (settings.rate_burst - 1) * self.interval
        self.daily_quota = settings.daily_quota
        self.min_interval = settings.min_interval_seconds
        self.max_wait = max_wait

    async def spend_call(self) -> None:
        """Wait for the carrier's next shared slot and count the call; ``RateLimited`` when there is none soon."""
        if self.daily_quota is not None:
            today = self.clock.now().astimezone(_UTC).date()
            if not await sql.take_quota(self.pool, self.carrier, today, self.daily_quota):
                metrics.CARRIER_BUDGET_REFUSALS.labels(self.carrier, "daily_quota").inc()
                wait = (self.quota_resets_at() - self.clock.now()).total_seconds()
                raise RateLimited(self.carrier, "daily quota exhausted", retry_after=wait)
        reserved, wait = await sql.reserve_rate(self.pool, self.carrier, self.interval, self.tolerance, self.max_wait)
        if not reserved:
            metrics.CARRIER_BUDGET_REFUSALS.labels(self.carrier, "rate").inc()
            raise RateLimited(self.carrier, "shared carrier rate exhausted", retry_after=wait)
        if wait > 0:
            await asyncio.sleep(wait)

    def quota_resets_at(self) -> datetime:
        now = self.clock.now().astimezone(_UTC)
        return datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=_UTC)

    async def take_numbers(self, numbers: list[str]) -> dict[str, datetime]:
        """Claim the numbers' query slots; answers the numbers that must wait, with when they may be asked."""
        if self.min_interval <= 0 or not numbers:
            return {}
        last = await sql.take_numbers(self.pool, self.carrier, numbers, self.clock.now(), self.min_interval)
        waiting = {n: at + timedelta(seconds=self.min_interval) for n, at in last.items() if at is not None}
        if waiting:
            metrics.CARRIER_BUDGET_REFUSALS.labels(self.carrier, "min_interval").inc(len(waiting))
        return waiting
