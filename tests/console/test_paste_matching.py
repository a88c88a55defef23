"""A pasted buyer message names its parcel by tracking number, order id or the phone's last 4 digits
("手机尾号1234"), always within the agent's own shops: another shop's parcel with the same last 4 is never
matched, a tracking number outranks a last 4, and a last 4 shared by several parcels is a list to choose
from, not a guess that opens a dispute."""

from __future__ import annotations

import uuid
from datetime import timedelta

import asyncpg
import httpx
import pytest

from tests.conftest import LiveService, create_key, create_tenant
from tracking_service.answers.last4 import find_phone_last4
from tracking_service.auth import Principal, Role
from tracking_service.db.answers import SHIPMENTS_NAMED_SQL
from tracking_service.usecases.answers import answer_message


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("手机尾号1234 到哪了", ["1234"]),
        ("尾号 5678 的快递还没到", ["5678"]),
        ("收件人手機尾號是0099", ["0099"]),
        ("手机后四位 4321，显示签收了没收到", ["4321"]),
        ("last 4 digits 1234, where is it?", ["1234"]),
        ("The last four digits of my phone are 9876", ["9876"]),
        ("phone ending in 2468", ["2468"]),
        ("这件1234元的衣服什么时候到", []),  # a price is no phone
        ("尾号12345", []),  # five digits are not the last four
        ("2026年买的 还没到", []),
    ],
)
def test_the_phone_last_4_is_read_only_after_words_that_say_so(text: str, found: list[str]) -> None:
    assert find_phone_last4(text) == found


async def _parcel(service: LiveService, tenant: str, number: str, phone: str, order: str | None = None) -> str:
    """Register a parcel a minute after the one before (so "newest first" has an answer)."""
    service.clock.advance(timedelta(minutes=1))
    body = {"tracking_number": number, "tenant": tenant, "buyer": {"name": "李四", "phone": phone}}
    if order:
        body["order_id"] = order
    async with service.client() as admin:
        created = await admin.post("/v1/shipments", json=body)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


@pytest.fixture
async def parcels(service: LiveService, admin: httpx.AsyncClient) -> dict[str, str]:
    """shop-a and shop-b each have a parcel whose buyer's phone ends in 1234; shop-a has two ending in 7777."""
    for tenant in ("shop-a", "shop-b"):
        await create_tenant(admin, tenant)
    ids = {
        "a-1234": await _parcel(service, "shop-a", "SBX-IN_TRANSIT-1001", "13800001234"),
        "b-1234": await _parcel(service, "shop-b", "SBX-DELIVERED-2001", "13900001234"),
        "a-7777-old": await _parcel(service, "shop-a", "SBX-DELIVERED-1002", "13800007777", "TB-77001"),
        "a-7777-new": await _parcel(service, "shop-a", "SBX-DELIVERED-1003", "13700007777"),
    }
    await service.services.poller.poll_once()  # type: ignore[union-attr]
    return ids


async def _ask(service: LiveService, key: str, text: str, tenant: str | None = None) -> dict[str, object]:
    async with service.client(key) as agent:
        response = await agent.post("/v1/answers", json={"text": text, **({"tenant": tenant} if tenant else {})})
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_the_last_4_finds_the_agents_own_shops_parcel_only(
    service: LiveService, admin: httpx.AsyncClient, parcels: dict[str, str]
) -> None:
    for tenant, mine in (("shop-a", "a-1234"), ("shop-b", "b-1234")):
        key = await create_key(admin, "agent", [tenant])
        answer = await _ask(service, key, "手机尾号1234 我的快递到哪了")
        shipment = answer["shipment"]
        assert isinstance(shipment, dict) and shipment["id"] == parcels[mine], (tenant, shipment)
        assert answer["other_matches"] == 0


async def test_another_shops_parcel_with_the_same_last_4_is_never_matched(
    service: LiveService, admin: httpx.AsyncClient, parcels: dict[str, str]
) -> None:
    await create_tenant(admin, "shop-c")
    key = await create_key(admin, "agent", ["shop-c"])
    answer = await _ask(service, key, "尾号1234 到哪了")
    assert answer["shipment"] is None and answer["other_matches"] == 0
    # shop-a's agent naming shop-a explicitly does not reach shop-b's parcel either
    both = await create_key(admin, "agent", ["shop-a", "shop-b"])
    scoped = await _ask(service, both, "尾号1234 到哪了", tenant="shop-a")
    assert isinstance(scoped["shipment"], dict) and scoped["shipment"]["id"] == parcels["a-1234"]
    assert scoped["other_matches"] == 0


async def test_a_tracking_number_in_the_text_outranks_the_last_4(
    service: LiveService, admin: httpx.AsyncClient, parcels: dict[str, str]
) -> None:
    key = await create_key(admin, "agent", ["shop-a"])
    answer = await _ask(service, key, "SBX-IN_TRANSIT-1001 到哪了 手机尾号7777")
    assert isinstance(answer["shipment"], dict) and answer["shipment"]["id"] == parcels["a-1234"]
    assert answer["other_matches"] == 0


def _agent(tenants: tuple[str, ...]) -> Principal:
    """An agent of ``tenants``, as the console's session hands it to the use case."""
    return Principal(uuid.uuid4(), Role.AGENT, tenants)


async def test_a_last_4_shared_by_two_parcels_is_a_list_and_opens_no_dispute(
    service: LiveService, parcels: dict[str, str]
) -> None:
    svc = service.services
    result = await answer_message(svc, _agent(("shop-a",)), "显示签收了但我没收到 尾号7777", None, None)
    assert result.matched_by == "phone_last4"
    assert [m["id"] for m in result.matches] == [parcels["a-7777-new"], parcels["a-7777-old"]]  # newest first
    assert result.other_matches == 1 and not result.dispute_opened
    disputes = await svc.db.fetchval("SELECT count(*) FROM incidents WHERE kind = 'delivery_disputed'")
    assert disputes == 0


async def test_a_last_4_that_picks_out_one_delivered_parcel_opens_its_dispute(
    service: LiveService, parcels: dict[str, str]
) -> None:
    svc = service.services
    result = await answer_message(svc, _agent(("shop-b",)), "显示签收了但我没收到 尾号1234", None, None)
    assert result.matched_by == "phone_last4" and result.dispute_opened
    assert [m["id"] for m in result.matches] == [parcels["b-1234"]]
    disputed = await svc.db.fetch(
        "SELECT tenant_id, shipment_id::text AS id FROM incidents WHERE kind = 'delivery_disputed'"
    )
    assert [(r["tenant_id"], r["id"]) for r in disputed] == [("shop-b", parcels["b-1234"])]


async def test_an_order_id_outranks_the_last_4_and_names_one_parcel(
    service: LiveService, parcels: dict[str, str]
) -> None:
    text = "订单号TB-77001 尾号1234 到哪了"
    result = await answer_message(service.services, _agent(("shop-a",)), text, None, None)
    assert result.matched_by == "order_id"
    assert [m["id"] for m in result.matches] == [parcels["a-7777-old"]]


async def test_the_named_parcels_query_reads_its_indexes_not_the_table(conn: asyncpg.Connection) -> None:
    """At Double-11 volume a paste must not scan every parcel: each of the three ways in has its index."""
    await conn.execute(
        "INSERT INTO tenants (id, name, timezone, locale, created_at) VALUES ('t', 't', 'UTC', 'en', now())"
    )
    await conn.execute(
        """
        INSERT INTO shipments (tenant_id, id, carrier, tracking_number, order_id, phone_last4_hash, created_at,
                               updated_at)
        SELECT 't', gen_random_uuid(), 'sandbox', 'SBX-IN_TRANSIT-' || g, 'TB-' || g,
               substring(sha256(g::text::bytea) from 1 for 16), now(), now()
        FROM generate_series(1, 20000) g
        """
    )
    await conn.execute("ANALYZE shipments")
    plan = "\n".join(
        r[0] for r in await conn.fetch("EXPLAIN " + SHIPMENTS_NAMED_SQL, ["SBX-X"], ["t"], ["TB-X"], [b"\x00" * 16])
    )
    assert "Seq Scan on shipments" not in plan, plan
    assert all(index in plan for index in ("shipments_tracking_idx", "shipments_order_idx", "shipments_phone_idx"))
