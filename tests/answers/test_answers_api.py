"""POST /v1/answers: parcels found by tracking number or order id, a question about an unknown parcel asks
for its number, presale questions quote the shop's dispatch policy."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import LiveService


async def test_presale_answer_uses_the_tenant_shipping_policy(
    service: LiveService, shop: httpx.AsyncClient, admin: httpx.AsyncClient
) -> None:
    policy = {"shipping": {"carriers": ["zhongtong", "shunfeng"], "cutoff": "16:30", "dispatch_days": 2}}
    assert (await admin.put("/v1/tenants/shop-a/settings", json=policy)).status_code == 200
    answer = (await shop.post("/v1/answers", json={"text": "现在下单什么时候发货？"})).json()
    assert answer["intent"] == "shipping_time" and answer["shipment"] is None
    assert "每天16:30前付款的订单当天发出，其余订单2天内发出" in answer["text"]
    assert "按这条线路" not in answer["text"]  # asked when it ships, not how long delivery takes
    courier = (await shop.post("/v1/answers", json={"text": "你们发什么快递？"})).json()
    assert "我们默认发中通快递、顺丰速运" in courier["text"] and "付款" not in courier["text"]


async def test_presale_answers_the_question_asked_from_the_policy(
    service: LiveService, shop: httpx.AsyncClient, admin: httpx.AsyncClient
) -> None:
    """包邮, courier choice and regions come from the shop's policy, before any lane estimate."""
    policy = {
        "shipping": {
            "carriers": ["zhongtong"],
            "free_shipping": True,
            "free_shipping_min": 99,
            "no_free_shipping_regions": ["新疆", "西藏"],
            "carriers_on_request": ["shunfeng"],
            "on_request_surcharge": 12,
            "no_delivery_regions": ["海外"],
        }
    }
    assert (await admin.put("/v1/tenants/shop-a/settings", json=policy)).status_code == 200
    fee = (await shop.post("/v1/answers", json={"text": "包邮吗"})).json()
    assert fee["intent"] == "shipping_time" and "订单满99元包邮（新疆、西藏除外）" in fee["text"]
    assert "历史数据" not in fee["text"] and "按这条线路" not in fee["text"]
    sf = (await shop.post("/v1/answers", json={"text": "能发顺丰不"})).json()
    assert "需要发顺丰速运的话请下单时备注（需补差价12元）" in sf["text"]
    en = (await shop.post("/v1/answers", json={"text": "Is shipping free?"})).json()
    assert "Shipping is free on orders of 99 yuan or more (except to 新疆, 西藏)" in en["text"]


async def test_without_a_policy_the_answer_names_the_carriers_the_shop_used(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    for n in range(2):
        assert (await shop.post("/v1/shipments", json={"tracking_number": f"SBX-DELIVERED-{n}"})).status_code == 201
    answer = (await shop.post("/v1/answers", json={"text": "Which courier do you ship with?"})).json()
    assert answer["intent"] == "shipping_time" and answer["locale"] == "en"
    assert "We usually ship with Sandbox Express." in answer["text"] and "Orders paid" not in answer["text"]


async def test_bad_shipping_policy_is_422(admin: httpx.AsyncClient, shop: httpx.AsyncClient) -> None:
    for bad in ({"cutoff": "25:00"}, {"dispatch_days": -1}, {"carriers": ["Not A Code!"]}):
        response = await admin.put("/v1/tenants/shop-a/settings", json={"shipping": bad})
        assert response.status_code == 422, bad
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_parcel_named_by_its_order_id_is_found(service: LiveService, shop: httpx.AsyncClient) -> None:
    created = await shop.post("/v1/shipments", json={"tracking_number": "SBX-STALLED-0042", "order_id": "TB-1001"})
    assert created.status_code == 201
    await service.services.poller.poll_once()  # type: ignore[union-attr]
    answer = (await shop.post("/v1/answers", json={"text": "订单号TB-1001的快递到哪了？"})).json()
    assert answer["intent"] == "where_is_my_parcel"
    assert answer["shipment"]["id"] == answer["shipment_id"] == created.json()["id"]  # SPEC §12: shipment_id?
    assert "物流记录停在" in answer["text"]


@pytest.mark.parametrize(
    ("text", "ask"),
    [
        ("我的快递到哪了", "麻烦把订单号或快递单号发给我们"),
        ("包裹破了怎么办", "面单和商品破损处的照片"),
        ("Can I change the delivery address?", "order number or tracking number, and the new name"),
    ],
)
async def test_a_question_about_an_unknown_parcel_asks_for_its_number(
    shop: httpx.AsyncClient, text: str, ask: str
) -> None:
    answer = (await shop.post("/v1/answers", json={"text": text})).json()
    assert answer["shipment"] is None and answer["shipment_id"] is None and ask in answer["text"]
    assert "扫描记录" not in answer["text"] and "还未发出" not in answer["text"] and "scan" not in answer["text"]


async def test_an_unknown_pasted_number_is_repeated_back_not_asked_for(shop: httpx.AsyncClient) -> None:
    answer = (await shop.post("/v1/answers", json={"text": "SF1234567890123 到哪了"})).json()
    assert answer["shipment"] is None and answer["tracking_numbers"] == ["SF1234567890123"]
    assert "单号SF1234567890123我们这边暂时没有查到记录" in answer["text"]
    assert "麻烦把订单号或快递单号发给我们" not in answer["text"]
    en = (await shop.post("/v1/answers", json={"text": "where is SF1234567890123?"})).json()
    assert "We can't find tracking number SF1234567890123" in en["text"]


async def test_a_return_not_yet_sent_is_not_thanked_for(shop: httpx.AsyncClient) -> None:
    answer = (await shop.post("/v1/answers", json={"text": "我要退货 怎么寄回去"})).json()
    assert answer["intent"] == "return_status"
    assert "感谢您寄回" not in answer["text"] and "如果还没寄" in answer["text"]
