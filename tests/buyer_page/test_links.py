"""Stage (a) of issue 16: every shipment has an unguessable, revocable ``tracking_url`` in its API response and
in every buyer notice (e-mail, SMS, webhook payload)."""

from __future__ import annotations

import base64
import re
import uuid

import httpx

from tests.conftest import LiveService
from tests.notify.conftest import Peers
from tests.notify.test_outbox import dispatcher, register_and_poll, subscribe
from tracking_service.tracking_links import LinkKeys, shipment_of

BUYER = {"name": "张三", "phone": "13812345678", "email": "zhangsan@example.test", "locale": "zh-Hans"}
LINK = re.compile(r"https?://[^\s/]+/t/([A-Za-z0-9_-]{43})")


def token_of(url: str) -> str:
    found = LINK.fullmatch(url)
    assert found, url
    return found.group(1)


async def register(shop: httpx.AsyncClient, number: str, **body: object) -> dict[str, object]:
    created = await shop.post("/v1/shipments", json={"tracking_number": number, **body})
    assert created.status_code == 201, created.text
    return created.json()  # type: ignore[no-any-return]


async def test_the_shipment_response_carries_an_unguessable_tracking_url(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    first = await register(shop, "SBX-IN_TRANSIT-1601")
    second = await register(shop, "SBX-IN_TRANSIT-1602")
    url = str(first["tracking_url"])
    assert url.startswith(service.services.settings.public_base_url() + "/t/")
    token = token_of(url)
    raw = base64.urlsafe_b64decode(token + "=")
    assert len(raw) * 8 >= 256 and len(raw[16:]) * 8 >= 128  # the tag alone is 128 bits
    assert shipment_of(token) == uuid.UUID(str(first["id"]))
    assert token_of(str(second["tracking_url"])) != token
    fetched = (await shop.get(f"/v1/shipments/{first['id']}")).json()
    listed = (await shop.get("/v1/shipments", params={"tracking_number": "SBX-IN_TRANSIT-1601"})).json()
    assert fetched["tracking_url"] == url and listed["items"][0]["tracking_url"] == url


async def test_the_link_is_not_in_the_database(service: LiveService, shop: httpx.AsyncClient) -> None:
    created = await register(shop, "SBX-IN_TRANSIT-1603")
    token = token_of(str(created["tracking_url"]))
    async with service.services.db.acquire() as conn:
        dump = await conn.fetchval(
            "SELECT row_to_json(s)::text FROM shipments s WHERE id = $1", uuid.UUID(str(created["id"]))
        )
    assert token not in dump and token[22:] not in dump


async def test_revoking_issues_a_new_link_and_retires_the_old_one(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    created = await register(shop, "SBX-IN_TRANSIT-1604")
    old = token_of(str(created["tracking_url"]))
    revoked = await shop.post(f"/v1/shipments/{created['id']}/tracking-link/revoke")
    assert revoked.status_code == 200, revoked.text
    new = token_of(revoked.json()["tracking_url"])
    assert new != old
    keys = LinkKeys.of(service.services.settings)
    shipment_id = uuid.UUID(str(created["id"]))
    assert keys.verifies(new, shipment_id, 1) and not keys.verifies(old, shipment_id, 1)


async def test_another_shops_key_cannot_revoke_a_link(
    service: LiveService, shop: httpx.AsyncClient, admin: httpx.AsyncClient
) -> None:
    created = await register(shop, "SBX-IN_TRANSIT-1605")
    await admin.post("/v1/tenants", json={"id": "shop-z", "name": "Z"})
    key = (await admin.post("/v1/keys", json={"role": "agent", "tenants": ["shop-z"]})).json()["key"]
    async with service.client(key) as other:
        assert (await other.post(f"/v1/shipments/{created['id']}/tracking-link/revoke")).status_code == 404
    assert (await shop.get(f"/v1/shipments/{created['id']}")).json()["tracking_url"] == created["tracking_url"]


async def test_a_previous_pii_key_still_opens_links_already_sent() -> None:
    shipment_id = uuid.uuid4()
    sent = LinkKeys("old-key").token(shipment_id, 0)
    rotated = LinkKeys("new-key", ["old-key"])
    assert rotated.verifies(sent, shipment_id, 0)
    assert not LinkKeys("new-key").verifies(sent, shipment_id, 0)
    assert not rotated.verifies(sent, shipment_id, 1)


def test_garbage_tokens_name_no_shipment() -> None:
    for garbage in ("", "x", "../../etc/passwd", "A" * 42, "A" * 44, "!" * 43, "é" * 43):
        assert shipment_of(garbage) is None


async def configure(admin: httpx.AsyncClient, **settings: object) -> None:
    response = await admin.put("/v1/tenants/shop-n/settings", json=settings)
    assert response.status_code == 200, response.text


async def test_the_buyer_email_and_sms_end_with_the_tracking_link(
    notify_service: LiveService, notify_shop: httpx.AsyncClient, notify_admin: httpx.AsyncClient, peers: Peers
) -> None:
    await configure(notify_admin, channels=["email", "sms"])
    shipment_id = await register_and_poll(notify_service, notify_shop, "SBX-DAMAGED-1606", buyer=BUYER)
    url = (await notify_shop.get(f"/v1/shipments/{shipment_id}")).json()["tracking_url"]
    report = await dispatcher(notify_service).dispatch_once()
    assert report.delivered == 2, report.errors
    [mail] = peers.mails
    parts = {part.get_content_type(): part.get_content() for part in mail.walk() if not part.is_multipart()}
    assert parts["text/plain"].rstrip().endswith(f"查看物流详情：{url}")
    assert url in parts["text/html"]
    [sms] = peers.sms
    assert sms["Body"].endswith(f"查看物流详情：{url}")


async def test_every_webhook_event_of_a_shipment_carries_its_tracking_link(
    notify_service: LiveService, notify_shop: httpx.AsyncClient, peers: Peers
) -> None:
    await subscribe(notify_shop, peers, ["shipment.status_changed", "incident.opened"])
    shipment_id = await register_and_poll(notify_service, notify_shop, "SBX-DAMAGED-1607", buyer=BUYER)
    url = (await notify_shop.get(f"/v1/shipments/{shipment_id}")).json()["tracking_url"]
    report = await dispatcher(notify_service).dispatch_once()
    assert report.delivered >= 2, report.errors
    types = {hook["body"]["type"] for hook in peers.webhooks}
    assert types == {"shipment.status_changed", "incident.opened"}
    assert all(hook["body"]["data"]["tracking_url"] == url for hook in peers.webhooks)
