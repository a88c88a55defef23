"""Outbox delivery to real local peers: signed webhooks, retries, dead letters, replay, crash safety."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from tests.conftest import LiveService
from tests.notify.conftest import Peers
from tracking_service.db import outbox as outbox_sql
from tracking_service.notify.dispatcher import RETRY_SCHEDULE, Dispatcher


async def subscribe(shop: httpx.AsyncClient, peers: Peers, events: list[str]) -> dict[str, object]:
    response = await shop.post("/v1/subscriptions", json={"url": peers.base_url + "/hook", "events": events})
    assert response.status_code == 201, response.text
    peers.webhook_secret = response.json()["secret"]
    return response.json()  # type: ignore[no-any-return]


async def register_and_poll(service: LiveService, shop: httpx.AsyncClient, number: str, **body: object) -> str:
    created = await shop.post("/v1/shipments", json={"tracking_number": number, **body})
    assert created.status_code == 201, created.text
    await service.services.poller.poll_once()  # type: ignore[union-attr]
    return str(created.json()["id"])


def dispatcher(service: LiveService) -> Dispatcher:
    assert service.services.dispatcher is not None
    return service.services.dispatcher


async def test_subscription_returns_a_whsec_secret_once(notify_shop: httpx.AsyncClient, peers: Peers) -> None:
    created = await subscribe(notify_shop, peers, ["shipment.status_changed"])
    assert str(created["secret"]).startswith("whsec_")
    fetched = (await notify_shop.get(f"/v1/subscriptions/{created['id']}")).json()
    assert "secret" not in fetched and fetched["events"] == ["shipment.status_changed"]
    assert (await notify_shop.delete(f"/v1/subscriptions/{created['id']}")).status_code == 204
    assert (await notify_shop.get(f"/v1/subscriptions/{created['id']}")).status_code == 404


@pytest.mark.parametrize(
    "url", ["ftp://example.test/hook", "https://user:pass@example.test/hook", "not a url", "http:///nohost"]
)
async def test_bad_subscription_urls_are_422(notify_shop: httpx.AsyncClient, url: str) -> None:
    response = await notify_shop.post("/v1/subscriptions", json={"url": url, "events": ["incident.opened"]})
    assert response.status_code == 422


async def test_status_change_is_delivered_as_a_signed_webhook(
    notify_service: LiveService, notify_shop: httpx.AsyncClient, peers: Peers
) -> None:
    await subscribe(notify_shop, peers, ["shipment.status_changed"])
    await register_and_poll(notify_service, notify_shop, "SBX-DELIVERED-0700", order_id="TB-700")
    report = await dispatcher(notify_service).dispatch_once()
    assert (report.claimed, report.delivered) == (1, 1), report.errors
    [hook] = peers.webhooks
    assert hook["body"]["type"] == "shipment.status_changed"
    assert hook["body"]["data"]["status"] == "delivered"
    assert hook["body"]["data"]["previous_status"] == "pending"
    assert hook["body"]["data"]["order_id"] == "TB-700"


async def test_failed_delivery_retries_with_the_same_id_then_succeeds(
    notify_service: LiveService, notify_shop: httpx.AsyncClient, peers: Peers
) -> None:
    await subscribe(notify_shop, peers, ["incident.opened"])
    peers.webhook_failures = [503]
    await register_and_poll(notify_service, notify_shop, "SBX-DAMAGED-0701")
    first = await dispatcher(notify_service).dispatch_once()
    assert first.retrying == 1 and peers.webhooks == []
    notify_service.clock.advance(timedelta(seconds=RETRY_SCHEDULE[0] - 1))
    assert (await dispatcher(notify_service).dispatch_once()).claimed == 0
    notify_service.clock.advance(timedelta(seconds=2))
    assert (await dispatcher(notify_service).dispatch_once()).delivered == 1
    [hook] = peers.webhooks
    listed = (await notify_shop.get("/v1/deliveries", params={"status": "delivered"})).json()["items"]
    assert [d["id"] for d in listed] == [hook["id"]]
    assert listed[0]["attempts"] == 2
    assert hook["body"]["data"]["kind"] == "damaged"


async def test_retries_span_a_day_then_dead_letter_and_replay(
    notify_service: LiveService, notify_shop: httpx.AsyncClient, notify_admin: httpx.AsyncClient, peers: Peers
) -> None:
    await subscribe(notify_shop, peers, ["incident.opened"])
    peers.webhook_failures = [500] * (len(RETRY_SCHEDULE) + 1)
    await register_and_poll(notify_service, notify_shop, "SBX-LOST-0702")
    started = notify_service.clock.now()
    for wait in (0, *RETRY_SCHEDULE):
        notify_service.clock.advance(timedelta(seconds=wait))
        await dispatcher(notify_service).dispatch_once()
    assert notify_service.clock.now() - started >= timedelta(hours=24)
    dead = (await notify_shop.get("/v1/deliveries", params={"status": "dead"})).json()["items"]
    assert len(dead) == 1 and dead[0]["attempts"] == len(RETRY_SCHEDULE) + 1
    assert (await notify_shop.post(f"/v1/deliveries/{dead[0]['id']}/replay")).status_code == 403
    replayed = await notify_admin.post(f"/v1/deliveries/{dead[0]['id']}/replay")
    assert replayed.status_code == 200 and replayed.json()["status"] == "pending"
    assert (await dispatcher(notify_service).dispatch_once()).delivered == 1
    assert [h["id"] for h in peers.webhooks] == [dead[0]["id"]]


async def test_a_crash_mid_dispatch_resends_the_in_flight_notice_once_with_its_id(
    notify_service: LiveService, notify_shop: httpx.AsyncClient, peers: Peers
) -> None:
    await subscribe(notify_shop, peers, ["incident.opened"])
    await register_and_poll(notify_service, notify_shop, "SBX-STALLED-0703")
    svc = notify_service.services
    async with svc.db.acquire() as conn:  # a dispatcher that claims and dies before settling
        crashed = await outbox_sql.claim_due(conn, svc.clock.now(), 10, 120, "crashed")
    assert len(crashed) == 1
    assert (await dispatcher(notify_service).dispatch_once()).claimed == 0
    notify_service.clock.advance(timedelta(seconds=121))
    assert (await dispatcher(notify_service).dispatch_once()).delivered == 1
    assert [h["id"] for h in peers.webhooks] == [str(crashed[0]["id"])]
    notify_service.clock.advance(timedelta(days=2))
    assert (await dispatcher(notify_service).dispatch_once()).claimed == 0


async def test_deleted_subscription_dead_letters_instead_of_sending(
    notify_service: LiveService, notify_shop: httpx.AsyncClient, peers: Peers
) -> None:
    sub = await subscribe(notify_shop, peers, ["incident.opened"])
    await register_and_poll(notify_service, notify_shop, "SBX-DAMAGED-0704")
    await notify_shop.delete(f"/v1/subscriptions/{sub['id']}")
    report = await dispatcher(notify_service).dispatch_once()
    assert report.dead == 1 and peers.webhooks == []


async def test_shutdown_hands_an_unsettled_notice_back_at_once_with_its_id(
    notify_service: LiveService, notify_shop: httpx.AsyncClient, peers: Peers
) -> None:
    await subscribe(notify_shop, peers, ["incident.opened"])
    await register_and_poll(notify_service, notify_shop, "SBX-STALLED-0704")
    svc = notify_service.services
    stopping = Dispatcher(svc.db, svc.client, svc.settings, svc.clock, svc.vault, svc.estimator)  # type: ignore[arg-type]
    async with svc.db.acquire() as conn:  # claimed by the replica that is stopping, delivery still in flight
        [in_flight] = await outbox_sql.claim_due(conn, svc.clock.now(), 10, 120, stopping.owner)
    assert await dispatcher(notify_service).release_unfinished() == 0, "another owner's claim is not ours to hand back"
    assert await stopping.release_unfinished() == 1
    assert (await dispatcher(notify_service).dispatch_once()).delivered == 1  # no lease wait: the clock did not move
    assert [h["id"] for h in peers.webhooks] == [str(in_flight["id"])]
