"""Per-process circuit breaking (per carrier) and per-key API rate limiting; carrier budgets live in ``budgets``."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from tracking_service import metrics
from tracking_service.clock import Clock

log = logging.getLogger(__name__)


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
