"""The poller: SKIP LOCKED claims with a lease, adaptive cadence, retries, circuit breaking."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from prometheus_client import REGISTRY

from carriers.base import SHANGHAI, CarrierConfig
from carriers.errors import CarrierUnavailable, NotFound, RateLimited
from carriers.sandbox.adapter import SandboxAdapter
from schemas import Status, TrackingQuery, TrackingResult
from tests.conftest import LiveService
from tracking_service.app import Jobs
from tracking_service.config import CarrierSettings, PollingSettings
from tracking_service.db import polling as sql
from tracking_service.polling import Poller, build_lanes, next_poll_delay

NOW = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)


class CountingSandbox(SandboxAdapter):
    """The real sandbox adapter, counting how often each number was asked."""

    def __init__(self, config: CarrierConfig) -> None:
        super().__init__(config)
        self.asked: Counter[str] = Counter()

    async def track(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> Mapping[str, TrackingResult | NotFound]:
        self.asked.update(q.tracking_number for q in queries)
        await asyncio.sleep(0.05)  # hold the claim a little so the two pollers overlap
        return await super().track(client, queries)


class DownCarrier:
    code = "sandbox"
    zone = SHANGHAI
    max_batch = 40
    needs_phone = False

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0

    async def track(self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]) -> Mapping[str, object]:
        self.calls += 1
        raise self.error


def _poller(service: LiveService, adapter: object, **polling: object) -> Poller:
    svc = service.services
    settings = PollingSettings(**{"batch_size": 30, "retry_base_seconds": 0.0, **polling})  # type: ignore[arg-type]
    lanes = build_lanes(
        svc.db,
        {"sandbox": adapter},
        {"sandbox": CarrierSettings(concurrency=4, rate_per_second=1000)},  # type: ignore[dict-item]
        settings,
        svc.clock,
    )
    assert svc.client is not None
    return Poller(svc.db, lanes, svc.client, settings, svc.clock, svc.vault)


async def _register(shop: httpx.AsyncClient, numbers: list[str]) -> None:
    for number in numbers:
        assert (await shop.post("/v1/shipments", json={"tracking_number": number})).status_code == 201


async def test_two_pollers_never_poll_one_shipment_twice(service: LiveService, shop: httpx.AsyncClient) -> None:
    numbers = [f"SBX-IN_TRANSIT-{n}" for n in range(90)]
    await _register(shop, numbers)
    adapter = CountingSandbox(CarrierConfig(base_url=service.base_url))
    first, second = _poller(service, adapter), _poller(service, adapter)
    reports = await asyncio.gather(first.poll_once(), second.poll_once(), first.poll_once(), second.poll_once())
    assert sum(r.claimed for r in reports) == 90
    assert set(adapter.asked) == set(numbers)
    assert max(adapter.asked.values()) == 1


async def test_a_claimed_shipment_is_due_again_only_after_its_lease(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    await _register(shop, ["SBX-IN_TRANSIT-1"])
    now = service.clock.now()
    async with service.services.db.acquire() as conn:
        crashed = await sql.claim_due(conn, now, 10, 120, "crashed-poller", [])
        assert len(crashed) == 1
        assert await sql.claim_due(conn, now + timedelta(seconds=119), 10, 120, "other", []) == []
        again = await sql.claim_due(conn, now + timedelta(seconds=121), 10, 120, "other", [])
    assert [r["tracking_number"] for r in again] == ["SBX-IN_TRANSIT-1"]


async def test_circuit_opens_after_repeated_failures_and_skips_the_carrier(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    await _register(shop, ["SBX-IN_TRANSIT-1"])
    down = DownCarrier(CarrierUnavailable("sandbox", "HTTP 503"))
    poller = _poller(service, down, max_retries=4, circuit_failure_threshold=3, circuit_cooldown_seconds=3600)
    report = await poller.poll_once()
    assert down.calls == 3  # the breaker stops the retries once open
    assert report.errors == {"CarrierUnavailable": 1}
    assert REGISTRY.get_sample_value("tracking_carrier_circuit_open", {"carrier": "sandbox"}) == 1.0
    service.clock.advance(timedelta(minutes=30))  # the shipment is due again, the circuit still open
    assert (await poller.poll_once()).claimed == 0
    assert down.calls == 3
    service.clock.advance(timedelta(minutes=31))  # cooldown over: one trial call goes through
    await poller.poll_once()
    assert down.calls == 4


async def test_long_retry_after_reschedules_instead_of_waiting(service: LiveService, shop: httpx.AsyncClient) -> None:
    await _register(shop, ["SBX-IN_TRANSIT-1"])
    limited = DownCarrier(RateLimited("sandbox", "HTTP 429", retry_after=3600))
    poller = _poller(service, limited, retry_max_wait_seconds=1)
    await poller.poll_once()
    assert limited.calls == 1
    row = (await shop.get("/v1/shipments")).json()["items"][0]
    assert datetime.fromisoformat(row["next_poll_at"]) >= service.clock.now() + timedelta(seconds=3600)
    assert row["status"] == "pending"


@pytest.mark.parametrize(
    ("status", "silent_hours", "expected"),
    [
        (Status.DELIVERED, 0, None),
        (Status.RETURNED, 0, None),
        (Status.EXPIRED, 0, None),
        (Status.OUT_FOR_DELIVERY, 1, timedelta(minutes=30)),
        (Status.AVAILABLE_FOR_PICKUP, 1, timedelta(hours=2)),
        (Status.PENDING, 0, timedelta(hours=1)),
        (Status.IN_TRANSIT, 23, timedelta(hours=2)),
        (Status.IN_TRANSIT, 25, timedelta(hours=4)),
        (Status.IN_TRANSIT, 80, timedelta(hours=8)),
    ],
)
def test_poll_cadence_follows_status_and_staleness(
    status: Status, silent_hours: float, expected: timedelta | None
) -> None:
    assert next_poll_delay(status, NOW - timedelta(hours=silent_hours), NOW) == expected


async def test_claim_query_reads_due_shipments_through_the_partial_index(service: LiveService) -> None:
    from tracking_service.db.polling import CLAIM_DUE_SQL

    async with service.services.db.acquire() as conn:
        await conn.execute("INSERT INTO tenants (id, name, created_at) VALUES ('big', 'Big', now())")
        await conn.execute(
            """
            INSERT INTO shipments (tenant_id, id, carrier, tracking_number, next_poll_at, created_at, updated_at)
            SELECT 'big', gen_random_uuid(), 'sandbox', 'SBX-IN_TRANSIT-' || g,
                   CASE WHEN g % 2 = 0 THEN NULL ELSE now() + make_interval(days => g) END, now(), now()
            FROM generate_series(1, 20000) g
            """
        )
        await conn.execute("ANALYZE shipments")
        plan = "\n".join(r[0] for r in await conn.fetch("EXPLAIN " + CLAIM_DUE_SQL, NOW, 500, 120.0, [], "x"))
    assert "shipments_due_idx" in plan, plan


class HangingSandbox(SandboxAdapter):
    """A carrier call that never answers until the test lets it."""

    def __init__(self, config: CarrierConfig) -> None:
        super().__init__(config)
        self.called = asyncio.Event()
        self.answer = asyncio.Event()

    async def track(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> Mapping[str, TrackingResult | NotFound]:
        self.called.set()
        await self.answer.wait()
        return await super().track(client, queries)


async def _poll_waiting_on_its_carrier(
    service: LiveService, shop: httpx.AsyncClient, numbers: list[str]
) -> tuple[HangingSandbox, Poller, Jobs, asyncio.Future[None]]:
    """``numbers`` registered and a tracked poll of them under way, held at the carrier until ``answer`` is set."""
    await _register(shop, numbers)
    hanging = HangingSandbox(CarrierConfig(base_url=service.base_url))
    poller = _poller(service, hanging)
    jobs = Jobs()
    in_flight = asyncio.ensure_future(jobs.tracked(poller.poll_once)())
    await asyncio.wait_for(hanging.called.wait(), 5)
    return hanging, poller, jobs, in_flight


async def test_shutdown_waits_for_in_flight_polls_then_hands_back_the_rest(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    numbers = [f"SBX-IN_TRANSIT-{n}" for n in range(5)]
    hanging, stopping, jobs, in_flight = await _poll_waiting_on_its_carrier(service, shop, numbers)
    started = asyncio.get_running_loop().time()
    await jobs.drain(0.2)  # the grace period runs out with the poll still waiting on its carrier
    assert 0.2 <= asyncio.get_running_loop().time() - started < 1 and not in_flight.done()
    assert await stopping.release_unfinished() == 5
    other = CountingSandbox(CarrierConfig(base_url=service.base_url))
    report = await _poller(service, other).poll_once()  # at once: the clock has not moved past any lease
    assert report.claimed == 5 and set(other.asked) == set(numbers)
    hanging.answer.set()
    await in_flight  # the late poll's results are stored (deduplicated) but it no longer holds the lease
    assert await stopping.release_unfinished() == 0


async def test_the_scheduler_cancelling_a_job_at_shutdown_leaves_the_poll_to_the_drain(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    slow, stopping, jobs, wrapper = await _poll_waiting_on_its_carrier(service, shop, ["SBX-DELIVERED-78"])
    wrapper.cancel()  # what AsyncIOScheduler.shutdown() does to the jobs it is running
    await asyncio.wait([wrapper], timeout=1)
    assert wrapper.done() and not wrapper.cancelled() and wrapper.exception() is None  # nothing logged
    asyncio.get_running_loop().call_later(0.1, slow.answer.set)
    await jobs.drain(5)  # the poll is still tracked: the drain waits for it
    assert await stopping.release_unfinished() == 0
    [shipment] = (await shop.get("/v1/shipments")).json()["items"]
    assert shipment["status"] == "delivered"


async def test_shutdown_lets_a_poll_that_finishes_within_the_grace_store_its_results(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    slow, stopping, jobs, in_flight = await _poll_waiting_on_its_carrier(service, shop, ["SBX-DELIVERED-77"])
    asyncio.get_running_loop().call_later(0.1, slow.answer.set)
    await jobs.drain(5)
    assert in_flight.done() and await stopping.release_unfinished() == 0
    [shipment] = (await shop.get("/v1/shipments")).json()["items"]
    assert shipment["status"] == "delivered"
