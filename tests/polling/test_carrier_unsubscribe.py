"""DELETE /v1/shipments/{id} cancels the carrier subscription where the carrier allows (SPEC §12), through the
whole service against a fake 17TRACK / Kuaidi100 on 127.0.0.1 that counts every ``stoptrack``, ``register``
and ``retrack`` call: one call per number however many tenants stop it, none while a live shipment of any tenant
still has the number, retries with backoff and a given-up state, and a stopped number registered again is
subscribed again (17TRACK ``register`` then ``retrack``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
from aiohttp import web

from tests.conftest import LiveService, create_key, create_tenant, free_port, make_settings, start_service
from tests.polling.test_push_first import PUBLIC_URL, FakeCarrier, carriers_settings, shipment_row
from tracking_service import metrics
from tracking_service.clock import FrozenClock
from tracking_service.subscriptions import MAX_ATTEMPTS

NOT_REGISTERED = -18019902
ALREADY_REGISTERED = -18019901


@dataclass
class StoppingCarrier(FakeCarrier):
    """The push-first fake plus 17TRACK's ``stoptrack`` and ``retrack``."""

    stopped: list[list[str]] = field(default_factory=list)  # the numbers of each stoptrack call
    retracked: list[str] = field(default_factory=list)
    stop_status: int = 200
    stop_rejects: dict[str, int] = field(default_factory=dict)  # number → 17TRACK error code
    known: set[str] = field(default_factory=set)  # numbers register answers "already registered"

    def app(self) -> web.Application:
        app = super().app()
        app.router.add_post("/track/v2.2/stoptrack", self.stoptrack)
        app.router.add_post("/track/v2.2/retrack", self.retrack)
        return app

    async def register(self, request: web.Request) -> web.Response:
        self.calls["register"] += 1
        numbers = [item["number"] for item in await request.json()]
        self.registered.extend(numbers)
        accepted = [{"origin": 1, "number": n, "carrier": 3011} for n in numbers if n not in self.known]
        rejected = [
            {
                "number": n,
                "error": {"code": ALREADY_REGISTERED, "message": "The tracking number is already registered."},
            }
            for n in numbers
            if n in self.known
        ]
        self.known.update(numbers)
        return web.json_response({"code": 0, "data": {"accepted": accepted, "rejected": rejected}})

    async def stoptrack(self, request: web.Request) -> web.Response:
        self.calls["stoptrack"] += 1
        if self.stop_status != 200:
            return web.Response(status=self.stop_status, text="busy")
        numbers = [item["number"] for item in await request.json()]
        self.stopped.append(numbers)
        accepted = [{"number": n} for n in numbers if n not in self.stop_rejects]
        rejected = [
            {"number": n, "error": {"code": self.stop_rejects[n], "message": "refused"}}
            for n in numbers
            if n in self.stop_rejects
        ]
        return web.json_response({"code": 0, "data": {"accepted": accepted, "rejected": rejected}})

    async def retrack(self, request: web.Request) -> web.Response:
        self.calls["retrack"] += 1
        numbers = [item["number"] for item in await request.json()]
        self.retracked.extend(numbers)
        return web.json_response({"code": 0, "data": {"accepted": [{"number": n} for n in numbers], "rejected": []}})


@pytest.fixture
async def carrier() -> AsyncIterator[tuple[StoppingCarrier, str]]:
    fake = StoppingCarrier()
    runner = web.AppRunner(fake.app())
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield fake, f"http://127.0.0.1:{port}"
    await runner.cleanup()


@pytest.fixture
async def service(db_dsn: str, clock: FrozenClock, carrier: tuple[StoppingCarrier, str]) -> AsyncIterator[LiveService]:
    settings = make_settings(db_dsn, free_port(), public_url=PUBLIC_URL, carriers=carriers_settings(carrier[1]))
    live, runner = await start_service(settings, clock)
    yield live
    await runner.cleanup()


@pytest.fixture
async def shops(service: LiveService) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """Two shops' agent clients."""
    async with service.client() as admin:
        keys = []
        for tenant in ("shop-u1", "shop-u2"):
            await create_tenant(admin, tenant)
            keys.append(await create_key(admin, "agent", [tenant]))
    async with service.client(keys[0]) as one, service.client(keys[1]) as two:
        yield one, two


async def register(shop: httpx.AsyncClient, number: str, carrier: str = "seventeentrack") -> dict[str, Any]:
    answer = await shop.post("/v1/shipments", json={"tracking_number": number, "carrier": carrier})
    assert answer.status_code in (200, 201), answer.text
    body: dict[str, Any] = answer.json()
    return body


def subscriber(live: LiveService) -> Any:
    assert live.services.subscriber is not None
    return live.services.subscriber


async def subscribed(live: LiveService, shop: httpx.AsyncClient, number: str) -> dict[str, Any]:
    created = await register(shop, number)
    assert (await subscriber(live).subscribe_once()).subscribed >= 1
    return created


async def delete(shop: httpx.AsyncClient, shipment: dict[str, Any]) -> None:
    answer = await shop.delete(f"/v1/shipments/{shipment['id']}")
    assert answer.status_code == 204, answer.text


async def test_delete_cancels_the_17track_subscription_with_one_stoptrack(
    service: LiveService,
    shops: tuple[httpx.AsyncClient, httpx.AsyncClient],
    carrier: tuple[StoppingCarrier, str],
    db_dsn: str,
) -> None:
    shipment = await subscribed(service, shops[0], "RR100000001DE")
    await delete(shops[0], shipment)
    row = await shipment_row(db_dsn, shipment["id"])
    assert row["push_state"] == "cancelling" and row["stopped_at"] is not None
    assert carrier[0].calls["stoptrack"] == 0  # DELETE answers at once; the job makes the call

    report = await subscriber(service).unsubscribe_once()
    assert (report.claimed, report.cancelled, report.shared, report.failed) == (1, 1, 0, 0)
    assert carrier[0].stopped == [["RR100000001DE"]]
    row = await shipment_row(db_dsn, shipment["id"])
    assert (row["push_state"], row["push_due_at"], row["push_error"]) == ("cancelled", None, None)
    assert (await subscriber(service).unsubscribe_once()).claimed == 0
    assert carrier[0].calls["stoptrack"] == 1


async def test_a_number_another_tenant_still_tracks_is_let_go_of_without_a_call(
    service: LiveService,
    shops: tuple[httpx.AsyncClient, httpx.AsyncClient],
    carrier: tuple[StoppingCarrier, str],
    db_dsn: str,
) -> None:
    mine = await subscribed(service, shops[0], "RR100000002DE")
    theirs = await subscribed(service, shops[1], "RR100000002DE")
    await delete(shops[0], mine)
    report = await subscriber(service).unsubscribe_once()
    assert (report.shared, report.cancelled, report.calls) == (1, 0, 0)
    assert carrier[0].calls["stoptrack"] == 0
    assert (await shipment_row(db_dsn, mine["id"]))["push_state"] == "cancelled"
    assert (await shipment_row(db_dsn, theirs["id"]))["push_state"] == "subscribed"  # still pushed to them


async def test_two_tenants_stopping_one_number_cost_one_stoptrack(
    service: LiveService,
    shops: tuple[httpx.AsyncClient, httpx.AsyncClient],
    carrier: tuple[StoppingCarrier, str],
    db_dsn: str,
) -> None:
    first = await subscribed(service, shops[0], "RR100000003DE")
    second = await subscribed(service, shops[1], "RR100000003DE")
    await delete(shops[0], first)
    await delete(shops[1], second)
    report = await subscriber(service).unsubscribe_once()
    assert (report.claimed, report.cancelled, report.calls) == (2, 2, 1)
    assert carrier[0].stopped == [["RR100000003DE"]]
    for shipment in (first, second):
        assert (await shipment_row(db_dsn, shipment["id"]))["push_state"] == "cancelled"


async def test_a_number_17track_never_had_counts_as_stopped(
    service: LiveService,
    shops: tuple[httpx.AsyncClient, httpx.AsyncClient],
    carrier: tuple[StoppingCarrier, str],
    db_dsn: str,
) -> None:
    shipment = await subscribed(service, shops[0], "RR100000004DE")
    carrier[0].stop_rejects["RR100000004DE"] = NOT_REGISTERED
    await delete(shops[0], shipment)
    report = await subscriber(service).unsubscribe_once()
    assert (report.cancelled, report.failed) == (1, 0)
    assert (await shipment_row(db_dsn, shipment["id"]))["push_state"] == "cancelled"


async def test_a_failing_stoptrack_is_retried_with_backoff_then_given_up(
    service: LiveService,
    shops: tuple[httpx.AsyncClient, httpx.AsyncClient],
    carrier: tuple[StoppingCarrier, str],
    db_dsn: str,
) -> None:
    shipment = await subscribed(service, shops[0], "RR100000005DE")
    carrier[0].stop_status = 503
    await delete(shops[0], shipment)
    given_up = metrics.CARRIER_SUBSCRIPTIONS.labels("seventeentrack", "cancel_given_up")
    before = given_up._value.get()

    first = await subscriber(service).unsubscribe_once()
    assert (first.cancelled, first.failed) == (0, 1) and first.errors == {"CarrierUnavailable": 1}
    row = await shipment_row(db_dsn, shipment["id"])
    assert row["push_state"] == "cancelling" and row["push_attempts"] == 1 and "503" in row["push_error"]
    assert row["push_due_at"] > service.clock.now()
    assert (await subscriber(service).unsubscribe_once()).claimed == 0  # backing off: no call

    for _ in range(MAX_ATTEMPTS - 1):
        service.clock.advance(timedelta(days=2))
        assert (await subscriber(service).unsubscribe_once()).failed == 1
    row = await shipment_row(db_dsn, shipment["id"])
    assert (row["push_state"], row["push_due_at"]) == ("cancel_failed", None)
    assert row["push_attempts"] == MAX_ATTEMPTS and "CarrierUnavailable" in row["push_error"]
    assert given_up._value.get() == before + 1
    service.clock.advance(timedelta(days=30))
    assert (await subscriber(service).unsubscribe_once()).claimed == 0
    assert carrier[0].calls["stoptrack"] == MAX_ATTEMPTS


async def test_a_failed_stop_recovers_once_the_carrier_answers(
    service: LiveService,
    shops: tuple[httpx.AsyncClient, httpx.AsyncClient],
    carrier: tuple[StoppingCarrier, str],
    db_dsn: str,
) -> None:
    shipment = await subscribed(service, shops[0], "RR100000006DE")
    carrier[0].stop_status = 500
    await delete(shops[0], shipment)
    await subscriber(service).unsubscribe_once()
    carrier[0].stop_status = 200
    service.clock.advance(timedelta(hours=2))
    assert (await subscriber(service).unsubscribe_once()).cancelled == 1
    row = await shipment_row(db_dsn, shipment["id"])
    assert (row["push_state"], row["push_attempts"], row["push_error"]) == ("cancelled", 0, None)


async def test_registering_a_stopped_number_again_resubscribes_it_with_retrack(
    service: LiveService,
    shops: tuple[httpx.AsyncClient, httpx.AsyncClient],
    carrier: tuple[StoppingCarrier, str],
    db_dsn: str,
) -> None:
    shipment = await subscribed(service, shops[0], "RR100000007DE")
    await delete(shops[0], shipment)
    await subscriber(service).unsubscribe_once()
    assert carrier[0].stopped == [["RR100000007DE"]]

    again = await register(shops[0], "RR100000007DE")
    report = await subscriber(service).subscribe_once()
    assert report.subscribed == 1
    assert carrier[0].registered == ["RR100000007DE", "RR100000007DE"]
    assert carrier[0].retracked == ["RR100000007DE"]  # register: "already registered" → retrack
    row = await shipment_row(db_dsn, again["id"])
    assert row["stopped_at"] is None and row["push_state"] == "subscribed"


async def test_kuaidi100_has_no_cancel_call_and_is_never_asked(
    service: LiveService,
    shops: tuple[httpx.AsyncClient, httpx.AsyncClient],
    carrier: tuple[StoppingCarrier, str],
    db_dsn: str,
) -> None:
    created = await register(shops[0], "YT7512345670001", carrier="kuaidi100")
    assert (await subscriber(service).subscribe_once()).subscribed == 1
    await delete(shops[0], created)
    row = await shipment_row(db_dsn, created["id"])
    assert row["push_state"] != "cancelling"
    report = await subscriber(service).unsubscribe_once()
    assert report.claimed == 0 and carrier[0].calls["stoptrack"] == 0


async def test_another_tenant_cannot_stop_my_parcel(
    service: LiveService,
    shops: tuple[httpx.AsyncClient, httpx.AsyncClient],
    carrier: tuple[StoppingCarrier, str],
    db_dsn: str,
) -> None:
    mine = await subscribed(service, shops[0], "RR100000008DE")
    refused = await shops[1].delete(f"/v1/shipments/{mine['id']}")
    assert refused.status_code == 404
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert (await subscriber(service).unsubscribe_once()).claimed == 0
    row = await shipment_row(db_dsn, mine["id"])
    assert (row["push_state"], row["stopped_at"]) == ("subscribed", None)
