"""Sandbox scenarios end to end: register over HTTP, poll over real HTTP, read the result over HTTP."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from tests.conftest import LiveService


async def register(client: httpx.AsyncClient, number: str, **extra: object) -> dict[str, object]:
    response = await client.post("/v1/shipments", json={"tracking_number": number, **extra})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def poll(service: LiveService) -> None:
    poller = service.services.poller
    assert poller is not None
    await poller.poll_once()


@pytest.mark.parametrize(
    ("number", "status", "sub_status", "events"),
    [
        ("SBX-DELIVERED-0001", "delivered", None, 5),
        ("SBX-IN_TRANSIT-0002", "in_transit", None, 3),
        ("SBX-OUT_FOR_DELIVERY-0003", "out_for_delivery", None, 3),
        ("SBX-RETURNED-0004", "returned", "refused", 5),
        ("SBX-DAMAGED-0005", "exception", "damaged", 3),
        ("SBX-CUSTOMS_HOLD-0006", "exception", "customs_hold", 3),
    ],
)
async def test_scenario_reaches_its_status(
    service: LiveService, shop: httpx.AsyncClient, number: str, status: str, sub_status: str | None, events: int
) -> None:
    created = await register(shop, number)
    assert created["status"] == "pending"
    await poll(service)
    shipment = (await shop.get(f"/v1/shipments/{created['id']}")).json()
    assert (shipment["status"], shipment["sub_status"]) == (status, sub_status)
    timeline = (await shop.get(f"/v1/shipments/{created['id']}/events")).json()["items"]
    assert len(timeline) == events
    assert timeline[0]["occurred_at"] == shipment["last_event"]["occurred_at"]
    assert [e["occurred_at"] for e in timeline] == sorted((e["occurred_at"] for e in timeline), reverse=True)


async def test_delivered_shipment_is_not_polled_again(service: LiveService, shop: httpx.AsyncClient) -> None:
    created = await register(shop, "SBX-DELIVERED-0101")
    await poll(service)
    shipment = (await shop.get(f"/v1/shipments/{created['id']}")).json()
    assert shipment["next_poll_at"] is None


async def test_in_transit_shipment_carries_the_carrier_eta(service: LiveService, shop: httpx.AsyncClient) -> None:
    created = await register(shop, "SBX-IN_TRANSIT-0102")
    await poll(service)
    shipment = (await shop.get(f"/v1/shipments/{created['id']}")).json()
    assert shipment["estimated_delivery"]["source"] == "carrier"
    assert shipment["estimated_delivery"]["at"] is not None
    assert shipment["next_poll_at"] is not None


async def test_not_found_stays_pending_then_expires_after_the_give_up_window(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    created = await register(shop, "SBX-NOT_FOUND-0103")
    await poll(service)
    shipment = (await shop.get(f"/v1/shipments/{created['id']}")).json()
    assert shipment["status"] == "pending"
    assert shipment["next_poll_at"] is not None
    window = service.services.settings.polling.give_up_after_hours
    service.clock.advance(timedelta(hours=window) - timedelta(minutes=1))
    await poll(service)
    assert (await shop.get(f"/v1/shipments/{created['id']}")).json()["status"] == "pending"
    service.clock.advance(timedelta(hours=3))
    await poll(service)
    shipment = (await shop.get(f"/v1/shipments/{created['id']}")).json()
    assert shipment["status"] == "expired"
    assert shipment["next_poll_at"] is None


async def test_flaky_carrier_is_survived_without_duplicate_events(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    created = await register(shop, "SBX-FLAKY-0104")
    for _ in range(4):
        await shop.post(f"/v1/shipments/{created['id']}/refresh")
    shipment = (await shop.get(f"/v1/shipments/{created['id']}")).json()
    assert shipment["status"] == "in_transit"
    timeline = (await shop.get(f"/v1/shipments/{created['id']}/events")).json()["items"]
    assert len(timeline) == 2


async def test_refresh_polls_now_and_reports_what_it_stored(service: LiveService, shop: httpx.AsyncClient) -> None:
    created = await register(shop, "SBX-DELIVERED-0105")
    first = await shop.post(f"/v1/shipments/{created['id']}/refresh")
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "delivered"
    assert first.json()["refresh"]["events_new"] == 5
    again = await shop.post(f"/v1/shipments/{created['id']}/refresh")
    assert again.json()["refresh"]["events_new"] == 0


async def test_refresh_of_a_shipment_another_poller_holds_is_409(
    service: LiveService, shop: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracking_service.db import polling as polling_sql
    from tracking_service.usecases import shipments as shipment_cases

    monkeypatch.setattr(shipment_cases, "REFRESH_WAIT_STEPS", 2)
    created = await register(shop, "SBX-IN_TRANSIT-0106")
    async with service.services.db.acquire() as conn:
        assert await polling_sql.claim_due(conn, service.clock.now(), 10, 600, "someone-else", [])
    response = await shop.post(f"/v1/shipments/{created['id']}/refresh")
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
