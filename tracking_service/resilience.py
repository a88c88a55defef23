"""Per-carrier rate limiting, daily quotas and circuit breaking, owned by the poller."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timedelta

from tracking_service import metrics
from tracking_service.clock import Clock

log = logging.getLogger(__name__)


class TokenBucket:
    """At most ``rate`` calls per second on average, bursts up to ``burst``."""

    def __init__(self, rate: float, burst: float | None = None) -> None:
        self.rate = rate
        self.capacity = burst if burst is not None else max(1.0, rate)
        self._tokens = self.capacity
        self._stamp = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self.rate)


class DailyQuota:
    """Counts calls per UTC day against a carrier's daily allowance (e.g. DHL)."""

    def __init__(self, limit: int | None, clock: Clock) -> None:
        self.limit = limit
        self._clock = clock
        self._day = clock.now().date()
        self._used = 0

    def take(self) -> bool:
        today = self._clock.now().date()
        if today != self._day:
            self._day, self._used = today, 0
        if self.limit is not None and self._used >= self.limit:
            return False
        self._used += 1
        return True

    def resets_at(self) -> datetime:
        now = self._clock.now()
        return datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo)


class CircuitBreaker:
    """Opens after ``threshold`` consecutive failures; lets one trial call through after ``cooldown``."""

    def __init__(self, carrier: str, threshold: int, cooldown_seconds: float, clock: Clock) -> None:
        self.carrier = carrier
        self.threshold = threshold
        self.cooldown = timedelta(seconds=cooldown_seconds)
        self._clock = clock
        self._failures = 0
        self._opened_at: datetime | None = None
        metrics.CIRCUIT_OPEN.labels(carrier).set(0)

    @property
    def is_open(self) -> bool:
        """True while calls must not be made (half-open after the cooldown counts as closed)."""
        if self._opened_at is None:
            return False
        return self._clock.now() - self._opened_at < self.cooldown

    def success(self) -> None:
        if self._opened_at is not None:
            log.info("carrier circuit closed", extra={"carrier": self.carrier})
            metrics.CIRCUIT_OPEN.labels(self.carrier).set(0)
        self._failures = 0
        self._opened_at = None

    def failure(self) -> None:
        self._failures += 1
        if self._failures >= self.threshold and not self.is_open:
            self._opened_at = self._clock.now()
            metrics.CIRCUIT_OPEN.labels(self.carrier).set(1)
            log.warning(
                "carrier circuit opened",
                extra={
                    "carrier": self.carrier,
                    "failures": self._failures,
                    "cooldown_s": self.cooldown.total_seconds(),
                },
            )


class KeyRateLimiter:
    """Per-key token buckets (per replica); ``take`` answers how long to wait, 0 when allowed."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._buckets: dict[object, tuple[float, float]] = {}

    def take(self, key: object) -> float:
        now = time.monotonic()
        tokens, stamp = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - stamp) * self.rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate
        self._buckets[key] = (tokens - 1, now)
        return 0.0
