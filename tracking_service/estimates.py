"""Delivery estimates: transit-time percentiles per lane, falling back city → region → country → carrier."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import asyncpg

from tracking_service.db import lanes

MIN_SAMPLES = 20
_CACHE_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class LaneEstimate:
    carrier: str
    level: str
    origin: str
    destination: str
    samples: int
    p50_hours: int
    p90_hours: int

    def to_json(self) -> dict[str, Any]:
        return {
            "carrier": self.carrier,
            "level": self.level,
            "origin": self.origin,
            "destination": self.destination,
            "samples": self.samples,
            "p50_hours": self.p50_hours,
            "p90_hours": self.p90_hours,
        }


def percentile(buckets: list[tuple[int, int]], q: float) -> int:
    """Upper edge (hours) of the bucket holding the q-quantile of the histogram."""
    total = sum(n for _, n in buckets)
    need = q * total
    seen = 0
    for hours, n in buckets:
        seen += n
        if seen >= need:
            return hours + 1
    return buckets[-1][0] + 1


def lane_keys(place: dict[str, Any] | None) -> dict[str, str]:
    """The origin/destination key of a place at each level (matching db.lanes)."""
    place = place or {}
    parts = [place.get("country"), place.get("region"), place.get("city")]

    def join(n: int) -> str:
        return "/".join(p for p in parts[:n] if p)

    return {"city": join(3), "region": join(2), "country": parts[0] or "", "carrier": ""}


def parse_place(text: str | None) -> dict[str, Any]:
    """``CN/浙江/杭州`` → {country, region, city}."""
    if not text:
        return {}
    parts = [p.strip() for p in text.split("/")]
    return {k: v for k, v in zip(("country", "region", "city"), parts, strict=False) if v}


class Estimator:
    """Looks lanes up with fallback; caches answers briefly since histograms move slowly."""

    def __init__(self, min_samples: int = MIN_SAMPLES) -> None:
        self.min_samples = min_samples
        self._cache: dict[tuple[Any, ...], tuple[float, LaneEstimate | None]] = {}

    async def estimate(
        self,
        conn: asyncpg.Connection | asyncpg.Pool,
        tenants: list[str] | None,
        carrier: str,
        origin: dict[str, Any] | None,
        destination: dict[str, Any] | None,
    ) -> LaneEstimate | None:
        o, d = lane_keys(origin), lane_keys(destination)
        key = (tuple(tenants) if tenants else None, carrier, o["city"], d["city"])
        cached = self._cache.get(key)
        if cached is not None and time.monotonic() - cached[0] < _CACHE_SECONDS:
            return cached[1]
        found = None
        for level in ("city", "region", "country", "carrier"):
            if level != "carrier" and not (o[level] and d[level]):
                continue
            buckets = await lanes.histogram(conn, tenants, carrier, level, o[level], d[level])
            samples = sum(n for _, n in buckets)
            if samples >= self.min_samples:
                found = LaneEstimate(
                    carrier, level, o[level], d[level], samples, percentile(buckets, 0.5), percentile(buckets, 0.9)
                )
                break
        self._cache[key] = (time.monotonic(), found)
        return found


@dataclass(frozen=True, slots=True)
class ShipmentEstimate:
    """What the lane model says of one shipment: the lane, and when its parcels arrive at p50 / p90."""

    lane: LaneEstimate | None
    p50_at: datetime | None
    p90_at: datetime | None


class OnLane(Protocol):
    """What the lane estimate reads of a shipment (``ShipmentRow`` and ``RuleRow`` both have it)."""

    @property
    def tenant_id(self) -> str: ...
    @property
    def carrier(self) -> str: ...
    @property
    def origin(self) -> dict[str, Any] | None: ...
    @property
    def destination(self) -> dict[str, Any] | None: ...
    @property
    def picked_up_at(self) -> datetime | None: ...
    @property
    def created_at(self) -> datetime: ...


async def estimate_shipment(
    estimator: Estimator, conn: asyncpg.Connection | asyncpg.Pool, shipment: OnLane
) -> ShipmentEstimate:
    """The lane of the shipment's own tenant, counted from pickup (or registration when not picked up)."""
    lane = await estimator.estimate(conn, [shipment.tenant_id], shipment.carrier, shipment.origin, shipment.destination)
    if lane is None:
        return ShipmentEstimate(None, None, None)
    start = shipment.picked_up_at or shipment.created_at
    return ShipmentEstimate(lane, start + timedelta(hours=lane.p50_hours), start + timedelta(hours=lane.p90_hours))
