"""SPEC §7 end to end: a STALLED parcel gives exactly one signed webhook, one zh-Hans email and one desk note —
and a restarted service, polling and sweeping the same parcel again, sends nothing new."""

from __future__ import annotations

from datetime import timedelta

import httpx

from tests.conftest import LiveService, free_port, make_settings, start_service
from tests.notify.conftest import Peers, sms_settings
from tests.notify.test_outbox import dispatcher, register_and_poll, subscribe
from tracking_service.incidents.service import sweep_once

BUYER = {"name": "王小明", "phone": "13712345678", "email": "wxm@example.test", "locale": "zh-Hans"}


async def _deliver_everything(service: LiveService) -> None:
    for _ in range(3):
        await dispatcher(service).dispatch_once()


async def test_stalled_parcel_notifies_each_channel_once_even_across_a_restart(
    notify_service: LiveService,
    notify_shop: httpx.AsyncClient,
    notify_admin: httpx.AsyncClient,
    peers: Peers,
    db_dsn: str,
) -> None:
    await notify_admin.put(
        "/v1/tenants/shop-n/settings",
        json={
            "channels": ["email"],
            "desk": {
                "kind": "zendesk",
                "base_url": peers.base_url + "/zendesk",
                "credentials": {"email": "agent@shop.test", "api_token": "zd"},
            },
        },
    )
    await subscribe(notify_shop, peers, ["incident.opened"])
    shipment_id = await register_and_poll(notify_service, notify_shop, "SBX-STALLED-0950", buyer=BUYER)
    await _deliver_everything(notify_service)
    assert [h["body"]["data"]["kind"] for h in peers.webhooks] == ["stalled"]
    assert len(peers.mails) == 1 and peers.mails[0]["Subject"] == "您的包裹有新进展"
    assert "王*" in peers.mails[0].get_body(preferencelist=("plain",)).get_content()
    assert [(action, body["ticket"]["external_id"]) for action, _, body, _ in peers.zendesk] == [
        ("create", shipment_id)
    ]

    # Restart: a new service process on the same database polls, sweeps and dispatches again.
    settings = make_settings(
        db_dsn,
        free_port(),
        smtp={"host": "127.0.0.1", "port": peers.smtp_port},
        sms=sms_settings(peers, "twilio"),
        notify={"enabled": False},
    )
    clock = notify_service.clock
    clock.advance(timedelta(hours=6))
    restarted, runner = await start_service(settings, clock)
    try:
        svc = restarted.services
        async with restarted.client() as admin:
            await admin.post(f"/v1/shipments/{shipment_id}/refresh")
        await sweep_once(svc.db, clock.now(), svc.estimator)
        await _deliver_everything(restarted)
    finally:
        await runner.cleanup()
    assert len(peers.webhooks) == 1 and len(peers.mails) == 1 and len(peers.zendesk) == 1
