"""Push first and shared budgets (SPEC §10), through the whole service against fake carriers on 127.0.0.1.

The fake carrier is a real aiohttp server speaking Kuaidi100's ``autonumber/auto``, ``poll`` (subscribe)
and ``poll/query.do``, and 17TRACK's ``register`` and ``gettrackinfo``; it counts every call, so the
tests can say how many billed queries a behaviour costs.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import asyncpg
import httpx
import pytest
from aiohttp import web

from tests.conftest import LiveService, create_key, create_tenant, free_port, make_settings, start_service
from tests.contract.framework import Parcel, PushCase
from tests.contract.test_contract import PUSH_CASES
from tracking_service.clock import FrozenClock

FIXTURES = Path(__file__).resolve().parent.parent / "contract" / "fixtures"
PUBLIC_URL = "https://track.example.com"
SALT = "salt-push"


@dataclass
class FakeCarrier:
    """What the fake answers and what it was asked."""

    calls: Counter[str] = field(default_factory=Counter)
    companies: dict[str, list[str]] = field(default_factory=dict)  # number prefix → autonumber comCodes
    autonumber_status: int = 200
    subscribe_answer: dict[str, Any] = field(
        default_factory=lambda: {"result": True, "returnCode": "200", "message": "提交成功"}
    )
    subscribed: list[dict[str, Any]] = field(default_factory=list)
    queried: list[str] = field(default_factory=list)
    registered: list[str] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/autonumber/auto", self.autonumber)
        app.router.add_post("/poll", self.subscribe)
        app.router.add_post("/poll/query.do", self.query)
        app.router.add_post("/track/v2.2/register", self.register)
        app.router.add_post("/track/v2.2/gettrackinfo", self.gettrackinfo)
        return app

    async def autonumber(self, request: web.Request) -> web.Response:
        self.calls["autonumber"] += 1
        if self.autonumber_status != 200:
            return web.Response(status=self.autonumber_status, text="busy")
        number = request.query["num"]
        found = next((coms for prefix, coms in self.companies.items() if number.startswith(prefix)), [])
        if not found:
            return web.json_response({"returnCode": "601", "message": "不是有效的快递单号", "result": False})
        return web.json_response([{"comCode": com, "lengthPre": len(number), "noPre": number[:4]} for com in found])

    async def subscribe(self, request: web.Request) -> web.Response:
        self.calls["subscribe"] += 1
        form = await request.post()
        self.subscribed.append(json.loads(str(form["param"])))
        return web.json_response(self.subscribe_answer)

    async def query(self, request: web.Request) -> web.Response:
        self.calls["query"] += 1
        param = json.loads(str((await request.post())["param"]))
        self.queried.append(param["num"])
        answer = json.loads((FIXTURES / "kuaidi100" / "in_transit.json").read_text())
        answer.update(nu=param["num"], com=param["com"])
        return web.json_response(answer)

    async def register(self, request: web.Request) -> web.Response:
        self.calls["register"] += 1
        items = await request.json()
        self.registered.extend(item["number"] for item in items)
        accepted = [{"origin": 1, "number": item["number"], "carrier": 3011} for item in items]
        return web.json_response({"code": 0, "data": {"accepted": accepted, "rejected": []}})

    async def gettrackinfo(self, request: web.Request) -> web.Response:
        self.calls["gettrackinfo"] += 1
        rejected = [
            {"number": item["number"], "error": {"code": -18019909, "message": "No tracking information at this time."}}
            for item in await request.json()
        ]
        return web.json_response({"code": 0, "data": {"accepted": [], "rejected": rejected}})


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeCarrier, str]]:
    carrier = FakeCarrier()
    runner = web.AppRunner(carrier.app())
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield carrier, f"http://127.0.0.1:{port}"
    await runner.cleanup()


def carriers_settings(base_url: str, **kuaidi100: object) -> dict[str, object]:
    return {
        "sandbox": {"enabled": False},
        "kuaidi100": {
            "enabled": True,
            "base_url": base_url,
            "key": "k100-key",
            "customer": "k100-customer",
            "secret": SALT,
            "rate_per_second": 200,
            **kuaidi100,
        },
        "seventeentrack": {"enabled": True, "base_url": base_url, "key": "token-17", "rate_per_second": 200},
    }


@pytest.fixture
async def replicas(db_dsn: str, clock: FrozenClock, fake: tuple[FakeCarrier, str]) -> AsyncIterator[Callable[..., Any]]:
    """Start service replicas on one database; all are stopped at the end."""
    runners: list[web.AppRunner] = []

    async def start(**kuaidi100: object) -> LiveService:
        settings = make_settings(
            db_dsn, free_port(), public_url=PUBLIC_URL, carriers=carriers_settings(fake[1], **kuaidi100)
        )
        live, runner = await start_service(settings, clock)
        runners.append(runner)
        return live

    yield start
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
async def live(replicas: Callable[..., Any]) -> LiveService:
    service: LiveService = await replicas()
    return service


@pytest.fixture
async def shop(live: LiveService) -> AsyncIterator[httpx.AsyncClient]:
    async with live.client() as admin:
        await create_tenant(admin, "shop-p")
        key = await create_key(admin, "agent", ["shop-p"])
    async with live.client(key) as client:
        yield client


async def shipment_row(db_dsn: str, shipment_id: str) -> asyncpg.Record:
    conn = await asyncpg.connect(db_dsn)
    try:
        row = await conn.fetchrow("SELECT * FROM shipments WHERE id = $1::uuid", shipment_id)
    finally:
        await conn.close()
    assert row is not None
    return row


def kuaidi100_push(number: str, com: str, **fields: str) -> bytes:
    last = json.loads((FIXTURES / "kuaidi100" / "in_transit.json").read_text())
    last.update(nu=number, com=com)
    payload = {"status": "polling", "billstatus": "got", "message": "", "autoCheck": "0", "comOld": "", "comNew": ""}
    payload.update(fields)
    param = json.dumps({**payload, "lastResult": last}, ensure_ascii=False)
    sign = hashlib.md5((param + SALT).encode()).hexdigest().upper()
    return urlencode({"param": param, "sign": sign}).encode()


async def push(live: LiveService, carrier: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(base_url=live.base_url) as peer:
        return await peer.post(f"/v1/webhooks/carriers/{carrier}", content=body, headers=headers)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


# -- number recognition ------------------------------------------------------------------------------


async def test_an_ambiguous_number_is_settled_by_autonumber_once_per_prefix(
    live: LiveService, shop: httpx.AsyncClient, fake: tuple[FakeCarrier, str]
) -> None:
    carrier, _ = fake
    carrier.companies["1012"] = ["yunda"]  # 10… 13 digits: EMS and 韵达 both print these
    first = await shop.post("/v1/shipments", json={"tracking_number": "1012345678901"})
    second = await shop.post("/v1/shipments", json={"tracking_number": "1012999999999"})
    assert first.status_code == 201, first.text
    assert (first.json()["carrier"], first.json()["sub_carrier"]) == ("kuaidi100", "yunda")
    assert (second.json()["carrier"], second.json()["sub_carrier"]) == ("kuaidi100", "yunda")
    assert carrier.calls["autonumber"] == 1


async def test_a_number_the_rules_settle_never_asks_autonumber(
    shop: httpx.AsyncClient, fake: tuple[FakeCarrier, str]
) -> None:
    created = await shop.post("/v1/shipments", json={"tracking_number": "JT5012345678901"})
    assert created.status_code == 201 and created.json()["sub_carrier"] == "jtexpress"
    assert fake[0].calls["autonumber"] == 0


async def test_several_companies_from_autonumber_are_the_422s_candidates(
    shop: httpx.AsyncClient, fake: tuple[FakeCarrier, str]
) -> None:
    fake[0].companies["5012"] = ["jtexpress", "zhongtong"]
    answer = await shop.post("/v1/shipments", json={"tracking_number": "5012345678901"})
    assert answer.status_code == 422
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    (error,) = answer.json()["errors"]
    asked = [(c["sub_carrier"], c["source"]) for c in error["candidates"] if c["source"] == "kuaidi100"]
    assert asked == [("jtexpress", "kuaidi100"), ("zhongtong", "kuaidi100")]
    assert {c["sub_carrier"] for c in error["candidates"] if c["source"] == "rules"} >= {"yunda", "ems"}


async def test_autonumber_failing_leaves_the_local_answer_and_no_5xx(
    shop: httpx.AsyncClient, fake: tuple[FakeCarrier, str]
) -> None:
    fake[0].autonumber_status = 503
    tied = await shop.post("/v1/shipments", json={"tracking_number": "1012345678901"})
    assert tied.status_code == 422, tied.text
    assert {c["sub_carrier"] for c in tied.json()["errors"][0]["candidates"]} >= {"yunda", "ems"}
    named = await shop.post("/v1/shipments", json={"tracking_number": "1012345678901", "sub_carrier": "ems"})
    assert named.status_code == 201 and named.json()["sub_carrier"] == "ems"
    assert fake[0].calls["autonumber"] >= 1


# -- subscriptions ------------------------------------------------------------------------------------


async def test_registration_subscribes_and_polling_becomes_a_safety_net(
    live: LiveService, shop: httpx.AsyncClient, fake: tuple[FakeCarrier, str], db_dsn: str
) -> None:
    created = (await shop.post("/v1/shipments", json={"tracking_number": "YT7512345678901"})).json()
    assert (await shipment_row(db_dsn, created["id"]))["push_state"] == "pending"
    assert fake[0].calls["subscribe"] == 0  # registration never waits on the carrier

    assert live.services.subscriber is not None
    report = await live.services.subscriber.subscribe_once()
    assert (report.claimed, report.subscribed, report.failed) == (1, 1, 0)
    (asked,) = fake[0].subscribed
    assert asked["company"] == "yuantong" and asked["number"] == "YT7512345678901"
    assert asked["parameters"]["callbackurl"] == f"{PUBLIC_URL}/v1/webhooks/carriers/kuaidi100"
    assert asked["parameters"]["salt"] == SALT
    row = await shipment_row(db_dsn, created["id"])
    assert row["push_state"] == "subscribed" and row["push_due_at"] is None
    safety_net = timedelta(hours=live.services.settings.polling.safety_net_hours)
    assert row["next_poll_at"] >= live.clock.now() + safety_net
    again = await live.services.subscriber.subscribe_once()
    assert again.claimed == 0 and fake[0].calls["subscribe"] == 1


async def test_a_failed_subscription_is_retried_and_never_blocks_registration(
    live: LiveService, shop: httpx.AsyncClient, fake: tuple[FakeCarrier, str], db_dsn: str
) -> None:
    fake[0].subscribe_answer = {"result": False, "returnCode": "500", "message": "服务器错误"}
    created = await shop.post("/v1/shipments", json={"tracking_number": "YT7512345678902"})
    assert created.status_code == 201
    assert live.services.subscriber is not None
    failed = await live.services.subscriber.subscribe_once()
    assert (failed.subscribed, failed.failed) == (0, 1) and failed.errors == {"CarrierUnavailable": 1}
    row = await shipment_row(db_dsn, created.json()["id"])
    assert row["push_state"] == "failed" and row["push_attempts"] == 1 and "500" in row["push_error"]
    assert row["push_due_at"] > live.clock.now()
    assert (await live.services.subscriber.subscribe_once()).claimed == 0  # backing off

    fake[0].subscribe_answer = {"result": True, "returnCode": "200", "message": "提交成功"}
    live.clock.advance(timedelta(hours=1))
    retried = await live.services.subscriber.subscribe_once()
    assert retried.subscribed == 1
    row = await shipment_row(db_dsn, created.json()["id"])
    assert row["push_state"] == "subscribed" and row["push_attempts"] == 0 and row["push_error"] is None


async def test_an_abort_with_a_corrected_company_resubscribes_under_it(
    live: LiveService, shop: httpx.AsyncClient, fake: tuple[FakeCarrier, str], db_dsn: str
) -> None:
    created = (await shop.post("/v1/shipments", json={"tracking_number": "YT7512345678903"})).json()
    assert live.services.subscriber is not None
    await live.services.subscriber.subscribe_once()
    body = kuaidi100_push("YT7512345678903", "yuantong", status="abort", comNew="zhongtong")
    assert (await push(live, "kuaidi100", body, FORM)).status_code == 200
    row = await shipment_row(db_dsn, created["id"])
    assert (row["push_state"], row["sub_carrier"]) == ("pending", "zhongtong")
    assert (await live.services.subscriber.subscribe_once()).subscribed == 1
    assert [s["company"] for s in fake[0].subscribed] == ["yuantong", "zhongtong"]


async def test_an_auto_check_push_corrects_the_company_and_keeps_pushing(
    live: LiveService, shop: httpx.AsyncClient, db_dsn: str
) -> None:
    created = (await shop.post("/v1/shipments", json={"tracking_number": "YT7512345678904"})).json()
    assert live.services.subscriber is not None
    await live.services.subscriber.subscribe_once()
    body = kuaidi100_push("YT7512345678904", "zhongtong", autoCheck="1", comOld="yuantong", comNew="zhongtong")
    assert (await push(live, "kuaidi100", body, FORM)).status_code == 200
    row = await shipment_row(db_dsn, created["id"])
    assert (row["push_state"], row["sub_carrier"], row["status"]) == ("subscribed", "zhongtong", "in_transit")


async def test_seventeentrack_registers_at_creation_and_looks_again_within_minutes_only_at_first(
    live: LiveService, shop: httpx.AsyncClient, fake: tuple[FakeCarrier, str], db_dsn: str
) -> None:
    created = await shop.post("/v1/shipments", json={"tracking_number": "RR123456789DE", "carrier": "seventeentrack"})
    assert created.status_code == 201, created.text
    assert live.services.subscriber is not None and live.services.poller is not None
    await live.services.subscriber.subscribe_once()
    assert fake[0].registered == ["RR123456789DE"]

    safety_net = timedelta(hours=live.services.settings.polling.safety_net_hours)
    live.clock.advance(safety_net + timedelta(seconds=1))
    await live.services.poller.poll_once()  # the safety-net look: 17TRACK has no scan yet
    assert fake[0].calls["gettrackinfo"] == 1
    row = await shipment_row(db_dsn, created.json()["id"])
    # past the first hour: no 5-minute loop, and a parcel 17TRACK pushes waits for the safety net
    assert row["next_poll_at"] - live.clock.now() >= safety_net

    fresh = await shop.post("/v1/shipments", json={"tracking_number": "RR123456780DE", "carrier": "seventeentrack"})
    await live.services.subscriber.subscribe_once()
    refreshed = await shop.post(f"/v1/shipments/{fresh.json()['id']}/refresh")  # the buyer is on the phone
    assert refreshed.status_code == 200 and fake[0].calls["gettrackinfo"] == 2
    row = await shipment_row(db_dsn, fresh.json()["id"])
    assert row["push_state"] == "subscribed"
    # 17TRACK is still syncing the new number: look again within minutes, pushes or not
    assert timedelta(0) < row["next_poll_at"] - live.clock.now() <= timedelta(minutes=5)


# -- shared budgets -----------------------------------------------------------------------------------


async def test_ten_refreshes_in_a_row_make_one_billed_query(
    shop: httpx.AsyncClient, fake: tuple[FakeCarrier, str]
) -> None:
    created = (await shop.post("/v1/shipments", json={"tracking_number": "YT7512345678905"})).json()
    answers = [(await shop.post(f"/v1/shipments/{created['id']}/refresh")) for _ in range(10)]
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    assert fake[0].calls["query"] == 1
    assert answers[0].json()["status"] == "in_transit"
    skipped = [a.json()["refresh"].get("skipped") for a in answers[1:]]
    assert skipped == ["min_interval"] * 9
    assert all(a.json()["status"] == "in_transit" for a in answers[1:])  # the stored state is answered


async def test_two_replicas_and_a_restart_share_the_daily_quota_and_the_number_interval(
    replicas: Callable[..., Any], fake: tuple[FakeCarrier, str], db_dsn: str, clock: FrozenClock
) -> None:
    clock.set(datetime(2026, 12, 6, 8, 0, tzinfo=UTC))  # one UTC day for the whole test
    first: LiveService = await replicas(daily_quota=3)
    second: LiveService = await replicas(daily_quota=3)
    async with first.client() as admin:
        await create_tenant(admin, "shop-q")
        key = await create_key(admin, "agent", ["shop-q"])
    numbers = [f"YT751234567891{i}" for i in range(6)]
    async with first.client(key) as shop:
        ids = {n: (await shop.post("/v1/shipments", json={"tracking_number": n})).json()["id"] for n in numbers}
    assert first.services.poller is not None and second.services.poller is not None
    reports = await asyncio.gather(first.services.poller.poll_once(), second.services.poller.poll_once())
    assert fake[0].calls["query"] == 3  # one quota of 3 for both replicas, not 3 each
    assert sum(r.errors.get("RateLimited", 0) for r in reports) == 3

    third: LiveService = await replicas(daily_quota=3)  # a restart: a new process on the same database
    clock.advance(timedelta(hours=1))
    conn = await asyncpg.connect(db_dsn)
    try:
        await conn.execute("UPDATE shipments SET next_poll_at = $1", clock.now())  # every parcel due again
    finally:
        await conn.close()
    assert third.services.poller is not None
    again = await third.services.poller.poll_once()
    assert again.claimed == 6 and again.errors == {"RateLimited": 6}
    assert fake[0].calls["query"] == 3  # the day's count survived the restart

    # The per-number interval is shared too: once 30 minutes have passed one replica may ask again, and
    # then another replica's refresh inside Kuaidi100's 30 minutes answers the stored state. (A call the
    # quota refused counts as a query for the interval: never more calls, at worst a later one.)
    clock.advance(timedelta(minutes=31))
    unlimited: LiveService = await replicas()
    queried = ids[fake[0].queried[0]]
    async with unlimited.client(key) as shop:
        asked = await shop.post(f"/v1/shipments/{queried}/refresh")
    assert "skipped" not in asked.json()["refresh"] and fake[0].calls["query"] == 4
    async with second.client(key) as shop:
        skipped = await shop.post(f"/v1/shipments/{queried}/refresh")
    assert skipped.json()["refresh"]["skipped"] == "min_interval"
    assert fake[0].calls["query"] == 4


# -- a pushed ETA is stored, per push carrier ---------------------------------------------------------


def _eta_push_cases() -> list[PushCase]:
    """The first push contract case of each push carrier whose parcel carries a carrier ETA."""
    chosen: dict[str, PushCase] = {}
    for case in PUSH_CASES:
        if isinstance(case.expect, dict) and any(p.carrier_eta for p in case.expect.values()):
            chosen.setdefault(case.carrier, case)
    return list(chosen.values())


ETA_CASES = _eta_push_cases()


def test_every_push_carrier_that_reports_an_eta_has_an_eta_case() -> None:
    # Kuaidi100 (resultv2=4) and SF route pushes carry no ETA; the other push carriers must be covered.
    assert {c.carrier for c in ETA_CASES} == {"sandbox", "easypost", "seventeentrack"}


@pytest.mark.parametrize("case", ETA_CASES, ids=lambda c: c.carrier)
async def test_a_pushed_eta_and_sub_carrier_are_stored(case: PushCase, db_dsn: str, clock: FrozenClock) -> None:
    config = case.config
    carrier = {"enabled": True, "base_url": "http://127.0.0.1:9", "key": config.key, "secret": config.secret}
    settings = make_settings(db_dsn, free_port(), carriers={case.carrier: carrier})
    live, runner = await start_service(settings, clock)
    try:
        async with live.client() as admin:
            await create_tenant(admin, "shop-eta")
            ((number, expected),) = [(n, p) for n, p in case.expect.items() if isinstance(p, Parcel)]
            created = await admin.post(
                "/v1/shipments", json={"tracking_number": number, "carrier": case.carrier, "tenant": "shop-eta"}
            )
            assert created.status_code == 201, created.text
            pushed = await push(live, case.carrier, case.body, case.headers)
            assert pushed.status_code == 200, pushed.text
        row = await shipment_row(db_dsn, created.json()["id"])
    finally:
        await runner.cleanup()
    assert row["carrier_eta"] == expected.carrier_eta
    assert row["status"] == expected.status.value
    if expected.sub_carrier is not None:
        assert row["sub_carrier"] == expected.sub_carrier
