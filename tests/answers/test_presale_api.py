"""Presale questions through the API: the shop's dispatch policy, else the carriers of its recent parcels."""

from __future__ import annotations

import httpx

from tests.conftest import LiveService


async def test_presale_answer_uses_the_tenant_shipping_policy(
    service: LiveService, shop: httpx.AsyncClient, admin: httpx.AsyncClient
) -> None:
    policy = {"shipping": {"carriers": ["zhongtong", "shunfeng"], "cutoff": "16:30", "dispatch_days": 2}}
    assert (await admin.put("/v1/tenants/shop-a/settings", json=policy)).status_code == 200
    answer = (await shop.post("/v1/answers", json={"text": "现在下单什么时候发货？"})).json()
    assert answer["intent"] == "shipping_time" and answer["shipment"] is None
    assert "每天16:30前付款的订单当天发出，其余订单2天内发出" in answer["text"]
    assert "中通快递、顺丰速运" in answer["text"]


async def test_without_a_policy_the_answer_names_the_carriers_the_shop_used(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    for n in range(2):
        assert (await shop.post("/v1/shipments", json={"tracking_number": f"SBX-DELIVERED-{n}"})).status_code == 201
    answer = (await shop.post("/v1/answers", json={"text": "How long does shipping to Canada take?"})).json()
    assert answer["intent"] == "shipping_time" and answer["locale"] == "en"
    assert "We usually ship with Sandbox Express." in answer["text"] and "Orders paid" not in answer["text"]


async def test_bad_shipping_policy_is_422(admin: httpx.AsyncClient, shop: httpx.AsyncClient) -> None:
    for bad in ({"cutoff": "25:00"}, {"dispatch_days": -1}, {"carriers": ["Not A Code!"]}):
        response = await admin.put("/v1/tenants/shop-a/settings", json={"shipping": bad})
        assert response.status_code == 422, bad
        assert response.headers["content-type"].startswith("application/problem+json")
