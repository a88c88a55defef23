"""Stage (d) of issue 16: the buyer's self-service on the page — "not received" opens ``delivery_disputed`` once
with one desk note; "damaged" opens a claim with photos (sniffed, metadata stripped, stored in PostgreSQL);
every refused form is a page in the buyer's language with nothing stored."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image

from tests.buyer_page.helpers import BUYER, Browser, jpeg_with_gps, path_of, png_with_text, register_and_poll, section
from tests.conftest import LiveService
from tests.notify.conftest import Peers
from tests.notify.test_outbox import dispatcher


async def stored(service: LiveService) -> tuple[int, int, int]:
    """(disputes, claims, photos) in the database."""
    async with service.services.db.acquire() as conn:
        return (
            await conn.fetchval("SELECT count(*) FROM incidents WHERE kind = 'delivery_disputed'"),
            await conn.fetchval("SELECT count(*) FROM claims"),
            await conn.fetchval("SELECT count(*) FROM claim_photos"),
        )


async def test_not_received_opens_one_dispute_and_one_desk_note_however_often_it_is_clicked(
    notify_service: LiveService, notify_shop: httpx.AsyncClient, notify_admin: httpx.AsyncClient, peers: Peers
) -> None:
    desk = {
        "kind": "zendesk",
        "base_url": peers.base_url + "/zendesk",
        "credentials": {"email": "a@s.t", "api_token": "t"},
    }
    assert (await notify_admin.put("/v1/tenants/shop-n/settings", json={"desk": desk})).status_code == 200
    shipment = await register_and_poll(
        notify_service, notify_shop, "SBX-DELIVERED-1630", order_id="TB-1630", buyer=BUYER
    )
    await dispatcher(notify_service).dispatch_once()
    before = len(peers.zendesk)
    async with Browser(notify_service, path_of(shipment)) as phone:
        first = await phone.not_received()
        assert first.status_code == 200, first.text
        assert section(first.text, "done").startswith("已登记您没收到包裹")
        assert "接下来" in section(first.text, "done") and "not-received" not in first.text  # no second button
        await dispatcher(notify_service).dispatch_once()
        again = await phone.not_received()
        assert again.status_code == 200 and section(again.text, "done").startswith("已登记您没收到包裹")
        await dispatcher(notify_service).dispatch_once()
    assert (await stored(notify_service))[0] == 1
    [incident] = (await notify_shop.get("/v1/incidents", params={"kind": "delivery_disputed"})).json()["items"]
    assert incident["facts"]["reported_by"] == "buyer_page"
    notes = peers.zendesk[before:]
    assert len(notes) == 1 and "delivery_disputed" in notes[0][2]["ticket"]["comment"]["body"]
    assert "张三" not in str(notes) and "13812345678" not in str(notes)


async def test_not_received_needs_a_delivered_parcel(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment = await register_and_poll(service, shop, "SBX-IN_TRANSIT-1631", buyer={**BUYER, "locale": "en"})
    async with Browser(service, path_of(shipment)) as phone:
        assert "not-received" not in (await phone.client.get(phone.path)).text
        refused = await phone.not_received()
    assert refused.status_code == 409
    assert section(refused.text, "reason").startswith("The parcel isn't marked delivered yet")
    assert (await stored(service))[0] == 0


async def test_a_form_without_its_csrf_token_stores_nothing(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment = await register_and_poll(service, shop, "SBX-DELIVERED-1632", buyer=BUYER)
    async with Browser(service, path_of(shipment)) as phone:
        assert (await phone.not_received(csrf="forged")).status_code == 403
        refused = await phone.damage([("a.jpg", jpeg_with_gps(), "image/jpeg")], csrf="")
        assert refused.status_code == 403 and section(refused.text, "reason") == "页面已过期，请返回后重新提交。"
        token = phone.csrf
    async with httpx.AsyncClient(base_url=service.base_url) as other_site:  # a cross-site post carries no cookie
        assert (await other_site.post(path_of(shipment) + "/not-received", data={"csrf": token})).status_code == 403
    assert await stored(service) == (0, 0, 0)


async def test_a_damage_report_opens_a_claim_with_clean_photos(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment = await register_and_poll(service, shop, "SBX-DELIVERED-1633", buyer=BUYER)
    async with Browser(service, path_of(shipment)) as phone:
        sent = await phone.damage(
            [("IMG_0001.JPG", jpeg_with_gps(), "image/jpeg"), ("shot.png", png_with_text(), "image/png")]
        )
    assert sent.status_code == 200, sent.text
    assert section(sent.text, "done").startswith("已收到您的破损反馈（2张照片）")
    [claim] = (await shop.get("/v1/claims", params={"kind": "damaged"})).json()["items"]
    assert claim["description"] == "外箱压扁了，杯子碎了" and claim["shipment_id"] == shipment["id"]
    assert len(claim["evidence"]) == 2 and all(
        f"/v1/claims/{claim['id']}/evidence/" in url for url in claim["evidence"]
    )
    async with service.services.db.acquire() as conn:
        photos = await conn.fetch("SELECT content_type, width, height, data FROM claim_photos ORDER BY seq")
    assert [(p["content_type"], p["width"], p["height"]) for p in photos] == [
        ("image/jpeg", 48, 64),  # turned upright before the orientation tag went
        ("image/png", 40, 30),
    ]
    for photo in photos:
        data = bytes(photo["data"])
        for secret in (b"SecretCamMaker", b"home address", b"SecretAuthorName", b"Exif\x00\x00", b"tEXt"):
            assert secret not in data
        assert not Image.open(io.BytesIO(data)).getexif()


NOT_AN_IMAGE = "只支持 JPEG、PNG 或 WebP 格式的照片。"
BROKEN = "有一张照片无法打开，可能已损坏，请换一张。"


def too_big() -> bytes:
    return b"\xff\xd8\xff\xe0" + b"\x00" * (10 * 1024 * 1024)


@pytest.mark.parametrize(
    ("photos", "description", "status", "reason"),
    [
        ([("a.jpg", jpeg_with_gps(), "image/jpeg")] * 6, "破了", 422, "最多只能上传5张照片。"),
        ([("a.jpg", b"this is not a picture at all", "image/jpeg")], "破了", 415, NOT_AN_IMAGE),
        ([("a.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif")], "破了", 415, NOT_AN_IMAGE),
        ([("a.jpg", jpeg_with_gps()[:300], "image/jpeg")], "破了", 422, BROKEN),
        ([("big.jpg", too_big(), "image/jpeg")], "破了", 413, "每张照片不能超过10MB。"),
        ([("a.jpg", jpeg_with_gps(), "image/jpeg")], "   ", 422, "请简单描述一下破损情况（最多2000字）。"),
        ([("a.jpg", jpeg_with_gps(), "image/jpeg")], "破" * 2001, 422, "请简单描述一下破损情况（最多2000字）。"),
        ([], "破了", 422, "请至少上传1张破损照片。"),
        ([("a.png", png_with_text(), "image/png"), ("b.jpg", b"\xff\xd8\xffjunk", "image/jpeg")], "破", 422, BROKEN),
    ],
)  # fmt: skip
async def test_a_refused_upload_is_a_clear_page_and_stores_nothing(
    service: LiveService,
    shop: httpx.AsyncClient,
    photos: list[tuple[str, bytes, str]],
    description: str,
    status: int,
    reason: str,
) -> None:
    shipment = await register_and_poll(service, shop, "SBX-DELIVERED-1634", buyer=BUYER)
    async with Browser(service, path_of(shipment)) as phone:
        refused = await phone.damage(photos, description)
    assert refused.status_code == status, refused.text[:500]
    assert refused.headers["Content-Type"].startswith("text/html")
    assert section(refused.text, "reason") == reason
    assert await stored(service) == (0, 0, 0)


async def test_a_form_that_is_not_multipart_is_refused(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment = await register_and_poll(service, shop, "SBX-DELIVERED-1635", buyer={**BUYER, "locale": "zh-Hant"})
    async with Browser(service, path_of(shipment)) as phone:
        refused = await phone.client.post(f"{phone.path}/damage", data={"csrf": phone.csrf, "description": "破了"})
    assert refused.status_code == 400 and section(refused.text, "reason") == "請用頁面上的表單上傳照片。"


async def test_a_parcel_on_its_way_cannot_be_reported_damaged(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment = await register_and_poll(service, shop, "SBX-IN_TRANSIT-1636", buyer=BUYER)
    async with Browser(service, path_of(shipment)) as phone:
        refused = await phone.damage([("a.jpg", jpeg_with_gps(), "image/jpeg")])
    assert (
        refused.status_code == 409 and section(refused.text, "reason") == "包裹还在运输途中，收到后如有破损再来登记。"
    )
    assert await stored(service) == (0, 0, 0)


async def test_a_second_report_adds_its_photos_to_the_same_claim(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment = await register_and_poll(service, shop, "SBX-DELIVERED-1637", buyer=BUYER)
    async with Browser(service, path_of(shipment)) as phone:
        assert (await phone.damage([("a.jpg", jpeg_with_gps(), "image/jpeg")])).status_code == 200
        assert (await phone.damage([("b.png", png_with_text(), "image/png")])).status_code == 200
    assert (await stored(service))[1:] == (1, 2)


async def test_forms_of_an_unknown_link_are_404(service: LiveService) -> None:
    async with httpx.AsyncClient(base_url=service.base_url) as browser:
        for path in ("/t/garbage/not-received", "/t/" + "A" * 43 + "/damage"):
            response = await browser.post(path, data={"csrf": "x"})
            assert response.status_code == 404 and "找不到这个包裹" in response.text
