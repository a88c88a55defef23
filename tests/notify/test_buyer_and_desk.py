"""Buyer email/SMS and desk connectors against real local peers; quiet hours, opt-out, once per channel."""

from __future__ import annotations

import uuid
from datetime import timedelta

import asyncpg
import httpx
import pytest

from tests.conftest import LiveService
from tests.notify.conftest import Peers
from tests.notify.test_outbox import dispatcher, register_and_poll

BUYER = {"name": "张三", "phone": "13812345678", "email": "zhangsan@example.test", "locale": "zh-Hans"}


async def configure(admin: httpx.AsyncClient, **settings: object) -> httpx.Response:
    response = await admin.put("/v1/tenants/shop-n/settings", json=settings)
    assert response.status_code == 200, response.text
    return response


async def outbox_rows(service: LiveService) -> list[asyncpg.Record]:
    async with service.services.db.acquire() as conn:
        return await conn.fetch("SELECT channel, status, dedupe_key FROM outbox ORDER BY channel")


async def test_incident_emails_the_buyer_with_text_and_html(
    notify_service: LiveService, notify_shop: httpx.AsyncClient, notify_admin: httpx.AsyncClient, peers: Peers
) -> None:
    await configure(notify_admin, channels=["email"])
    await register_and_poll(notify_service, notify_shop, "SBX-DAMAGED-0800", buyer=BUYER)
    report = await dispatcher(notify_service).dispatch_once()
    assert report.delivered == 1, report.errors
    [mail] = peers.mails
    assert mail["To"] == "zhangsan@example.test"
    assert mail["Subject"] == "您的包裹有新进展"
    parts = {part.get_content_type(): part.get_content() for part in mail.walk() if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "张*" in parts["text/plain"] and "张三" not in parts["text/plain"]
    assert "13812345678" not in parts["text/plain"]


@pytest.mark.parametrize("sms_provider", ["twilio", "aliyun"], indirect=True)
async def test_incident_texts_the_buyer_through_the_provider(
    notify_service: LiveService,
    notify_shop: httpx.AsyncClient,
    notify_admin: httpx.AsyncClient,
    peers: Peers,
    sms_provider: str,
) -> None:
    await configure(notify_admin, channels=["sms"])
    await register_and_poll(notify_service, notify_shop, "SBX-FAILED_ATTEMPT-0801", buyer=BUYER)
    report = await dispatcher(notify_service).dispatch_once()
    assert report.delivered == 1, report.errors
    [sms] = peers.sms
    assert sms["provider"] == sms_provider
    to = sms.get("To") or sms.get("PhoneNumbers")
    assert to == "13812345678"
    text = sms.get("Body") or sms["TemplateParam"]
    assert "张*" in text


async def test_one_notice_per_incident_and_channel_whatever_happens_next(
    notify_service: LiveService, notify_shop: httpx.AsyncClient, notify_admin: httpx.AsyncClient, peers: Peers
) -> None:
    await configure(notify_admin, channels=["email", "sms"])
    shipment_id = await register_and_poll(notify_service, notify_shop, "SBX-DAMAGED-0802", buyer=BUYER)
    for _ in range(3):
        notify_service.clock.advance(timedelta(hours=3))
        await notify_shop.post(f"/v1/shipments/{shipment_id}/refresh")
    rows = await outbox_rows(notify_service)
    assert sorted(r["channel"] for r in rows) == ["email", "sms"]
    await dispatcher(notify_service).dispatch_once()
    await dispatcher(notify_service).dispatch_once()
    assert len(peers.mails) == 1 and len(peers.sms) == 1


async def test_buyer_who_opted_out_gets_nothing(
    notify_service: LiveService, notify_shop: httpx.AsyncClient, notify_admin: httpx.AsyncClient
) -> None:
    await configure(notify_admin, channels=["email", "sms"])
    await register_and_poll(notify_service, notify_shop, "SBX-DAMAGED-0803", buyer={**BUYER, "opt_out": True})
    assert await outbox_rows(notify_service) == []


async def test_quiet_hours_defer_buyer_notices_without_dropping_them(
    notify_service: LiveService, notify_shop: httpx.AsyncClient, notify_admin: httpx.AsyncClient, peers: Peers
) -> None:
    # Now is 11:00 in Shanghai; make 10:00–12:00 the quiet hours.
    await configure(notify_admin, channels=["email"], quiet_hours={"start": "10:00", "end": "12:00"})
    await register_and_poll(notify_service, notify_shop, "SBX-DAMAGED-0804", buyer=BUYER)
    report = await dispatcher(notify_service).dispatch_once()
    assert (report.deferred, report.delivered) == (1, 0) and peers.mails == []
    notify_service.clock.advance(timedelta(minutes=59))
    assert (await dispatcher(notify_service).dispatch_once()).claimed == 0
    notify_service.clock.advance(timedelta(minutes=1))
    assert (await dispatcher(notify_service).dispatch_once()).delivered == 1
    assert len(peers.mails) == 1


async def test_zendesk_gets_a_ticket_then_notes_on_the_same_ticket(
    notify_service: LiveService, notify_shop: httpx.AsyncClient, notify_admin: httpx.AsyncClient, peers: Peers
) -> None:
    shown = await configure(
        notify_admin,
        desk={
            "kind": "zendesk",
            "base_url": peers.base_url + "/zendesk",
            "credentials": {"email": "agent@shop.test", "api_token": "zd-secret"},
        },
    )
    assert shown.json()["settings"]["desk"]["credentials"] == {"configured": ["api_token", "email"]}
    assert "zd-secret" not in shown.text
    shipment_id = await register_and_poll(notify_service, notify_shop, "SBX-DAMAGED-0805", order_id="TB-805")
    peers.zendesk_failures = [(429, {"Retry-After": "120"})]
    first = await dispatcher(notify_service).dispatch_once()
    assert first.retrying == 1
    notify_service.clock.advance(timedelta(seconds=119))
    assert (await dispatcher(notify_service).dispatch_once()).claimed == 0
    notify_service.clock.advance(timedelta(seconds=2))
    assert (await dispatcher(notify_service).dispatch_once()).delivered == 1
    [(action, _, body, headers)] = peers.zendesk
    assert action == "create" and body["ticket"]["external_id"] == shipment_id
    assert "damaged" in body["ticket"]["comment"]["body"] and "TB-805" in body["ticket"]["subject"]
    async with notify_service.services.db.acquire() as conn:
        notice_id = await conn.fetchval("SELECT id::text FROM outbox WHERE channel = 'desk'")
        stored = await conn.fetchval("SELECT settings::text FROM tenants WHERE id = 'shop-n'")
    assert headers["Idempotency-Key"] == notice_id
    assert "zd-secret" not in stored
    # A second incident on the same parcel lands on the same ticket as an internal note.
    from tracking_service.db.shipments import get_shipment
    from tracking_service.incidents.service import open_dispute

    svc = notify_service.services
    async with svc.db.acquire() as conn:
        shipment = await get_shipment(conn, uuid.UUID(shipment_id), None)
        assert shipment is not None
        await open_dispute(conn, shipment, "agent", svc.clock.now())
    await dispatcher(notify_service).dispatch_once()
    assert [a for a, *_ in peers.zendesk] == ["create", "update"]
    assert peers.zendesk[1][1] == "/zendesk/api/v2/tickets/4242.json"


async def test_chatwoot_gets_a_private_message_in_the_shipments_conversation(
    notify_service: LiveService, notify_shop: httpx.AsyncClient, notify_admin: httpx.AsyncClient, peers: Peers
) -> None:
    await configure(
        notify_admin,
        desk={
            "kind": "chatwoot",
            "base_url": peers.base_url + "/chatwoot",
            "credentials": {"api_access_token": "cw-token", "account_id": "3", "inbox_id": "5"},
        },
    )
    await register_and_poll(notify_service, notify_shop, "SBX-LOST-0806")
    assert (await dispatcher(notify_service).dispatch_once()).delivered == 1
    assert [kind for kind, _ in peers.chatwoot] == ["contact", "conversation", "message:99"]
    assert "lost" in peers.chatwoot[2][1]["content"]
