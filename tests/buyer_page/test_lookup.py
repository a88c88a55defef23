"""Stage (c) of issue 16: ``GET /track`` — order id + the phone's last 4 digits (both required), rate-limited per
client address, one answer for every wrong pair, an audit entry per attempt."""

from __future__ import annotations

import dataclasses

import httpx

from tests.buyer_page.helpers import BUYER, path_of, register, section
from tests.conftest import LiveService
from tracking_service.usecases.buyer_page import look_up


async def lookup(service: LiveService, **params: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=service.base_url) as browser:
        return await browser.get("/track", params=params, headers={"Accept-Language": "zh-CN"})


async def test_the_right_pair_opens_the_parcels_page(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment = await register(shop, "SBX-IN_TRANSIT-1620", order_id="TB-1620", buyer=BUYER)
    found = await lookup(service, order_id="TB-1620", phone_last4="5678", lang="en")
    assert found.status_code == 303 and found.headers["Location"] == path_of(shipment) + "?lang=en"


async def test_every_wrong_pair_answers_alike(
    service: LiveService, shop: httpx.AsyncClient, admin: httpx.AsyncClient
) -> None:
    await register(shop, "SBX-IN_TRANSIT-1621", order_id="TB-1621", buyer=BUYER)
    await register(shop, "SBX-IN_TRANSIT-1622", order_id="TB-1622")  # no buyer phone at all
    answers = [
        await lookup(service, order_id="TB-1621", phone_last4="0000"),  # right order, wrong phone
        await lookup(service, order_id="TB-9999", phone_last4="5678"),  # wrong order, right phone
        await lookup(service, order_id="TB-9999", phone_last4="0000"),  # neither
        await lookup(service, order_id="TB-1622", phone_last4="5678"),  # an order without a phone
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.text for a in answers}) == 1
    assert section(answers[0].text, "reason") == "没有找到匹配的包裹，请核对订单号和手机号后4位。"
    assert 'name="order_id"' in answers[0].text  # the form again


async def test_both_fields_are_required(service: LiveService) -> None:
    form = await lookup(service)
    assert form.status_code == 200 and 'name="phone_last4"' in form.text
    for params in ({"order_id": "TB-1"}, {"phone_last4": "5678"}, {"order_id": "TB-1", "phone_last4": "56a8"}):
        refused = await lookup(service, **params)
        assert refused.status_code == 400, params
        assert section(refused.text, "reason") == "请同时填写订单号和手机号后4位。"


async def test_a_client_is_throttled_even_with_the_right_pair(service: LiveService, shop: httpx.AsyncClient) -> None:
    await register(shop, "SBX-IN_TRANSIT-1623", order_id="TB-1623", buyer=BUYER)
    assert service.services.settings.security.lookups_per_minute == 10  # the default
    for n in range(10):
        assert (await lookup(service, order_id=f"TB-{n}", phone_last4="1111")).status_code == 404
    throttled = await lookup(service, order_id="TB-1623", phone_last4="5678")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "60"
    assert section(throttled.text, "reason") == "查询太频繁了，请稍等一分钟再试。"
    other = await look_up(service.services, "TB-1623", "5678", "198.51.100.7")  # another address is not held back
    assert other.path is not None and not other.throttled


async def test_the_limit_is_a_setting(service: LiveService, shop: httpx.AsyncClient) -> None:
    await register(shop, "SBX-IN_TRANSIT-1625", order_id="TB-1625", buyer=BUYER)
    settings = service.services.settings
    strict = settings.model_copy(update={"security": settings.security.model_copy(update={"lookups_per_minute": 2})})
    svc = dataclasses.replace(service.services, settings=strict)
    found = [await look_up(svc, "TB-1625", "5678", "198.51.100.8") for _ in range(3)]
    assert [f.throttled for f in found] == [False, False, True]
    assert found[0].path is not None


async def test_every_attempt_is_audited_without_the_phone(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment = await register(shop, "SBX-IN_TRANSIT-1624", order_id="TB-1624", buyer=BUYER)
    await lookup(service, order_id="TB-1624", phone_last4="5678")
    await lookup(service, order_id="TB-1624", phone_last4="0000")
    await service.services.audit.flush()
    async with service.services.db.acquire() as conn:
        rows = await conn.fetch("SELECT * FROM audit_log WHERE action = 'GET /track' ORDER BY id")
    assert [(r["tenant_id"], r["object_id"], r["status"]) for r in rows] == [
        ("shop-a", shipment["id"], 303),
        ("", None, 404),
    ]
    assert all("5678" not in f"{r['action']} {r['object_type']}" for r in rows)  # the phone is never written
