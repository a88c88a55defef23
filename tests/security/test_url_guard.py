"""The outbound URL guard (tracking_service.urlguard): tenant URLs may only reach public addresses — refused on
save with the reason, and refused again at call time against the address the connection would use."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from aiohttp import web

from tests.conftest import create_key, create_tenant, free_port, make_settings, start_service
from tracking_service.clock import FrozenClock
from tracking_service.db.subscriptions import insert_subscription
from tracking_service.notify.webhooks import new_secret
from tracking_service.pii import seal_secret
from tracking_service.urlguard import (
    BlockedAddress,
    GuardedTransport,
    IPAddress,
    UnsafeUrl,
    check_url,
    refusal,
    system_resolve,
)

# (url, what the refusal must say). Every form the SSRF report used, and the numeric spellings of loopback.
REFUSED = [
    ("http://93.184.215.14/hook", "must be https"),
    ("ftp://93.184.215.14/hook", "must be https"),
    ("https://user:pw@93.184.215.14/hook", "credentials"),
    ("https:///no-host", "needs a host"),
    ("https://127.0.0.1:8443/sub", "loopback"),
    ("https://localhost:8443/loc", "loopback"),
    ("https://2130706433:8443/dec", "loopback"),  # decimal
    ("https://0177.0.0.1/oct", "loopback"),  # octal
    ("https://0x7f000001/hex", "loopback"),  # hex
    ("https://127.1/short", "loopback"),  # short form
    ("https://[::1]/v6", "loopback"),
    ("https://[::ffff:127.0.0.1]/mapped", "loopback"),  # IPv4-mapped IPv6
    ("https://[::ffff:169.254.169.254]/mapped-meta", "link-local"),
    ("https://[64:ff9b::7f00:1]/nat64", "loopback"),
    ("https://[2002:7f00:1::]/6to4", "loopback"),
    ("https://169.254.169.254/latest/meta-data/", "link-local"),  # AWS / GCP / Azure metadata
    ("https://100.100.100.200/latest/meta-data/", "carrier-grade NAT"),  # Alibaba Cloud metadata
    ("https://[fd00:ec2::254]/latest/meta-data/", "private"),  # AWS IPv6 metadata
    ("https://0.0.0.0/", "unspecified"),
    ("https://10.1.2.3/", "private"),
    ("https://172.16.0.1/", "private"),
    ("https://192.168.1.1/", "private"),
    ("https://100.64.0.1/", "carrier-grade NAT"),
    ("https://224.0.0.1/", "multicast"),
    ("https://[fe80::1]/", "link-local"),
    ("https://[ff02::1]/", "multicast"),
    ("https://192.0.2.10/", "private"),  # documentation range (Python counts it private)
    ("https://240.0.0.1/", "reserved"),
    ("https://[::ffff:0:127.0.0.1]/translated", "reserved"),  # IPv4-translated: ipaddress calls it global
]

ALLOWED = ["https://93.184.215.14/hook", "https://[2606:4700:4700::1111]/hook", "https://93.184.215.14:8443/x?a=1"]


@pytest.mark.parametrize(("url", "reason"), REFUSED)
async def test_a_url_that_is_not_public_https_is_refused_with_the_reason(url: str, reason: str) -> None:
    with pytest.raises(UnsafeUrl, match=reason):
        await check_url(url, allow_private=False)


@pytest.mark.parametrize("url", ALLOWED)
async def test_a_public_https_url_is_accepted(url: str) -> None:
    assert await check_url(url, allow_private=False) == url


async def test_every_address_of_a_name_must_be_public() -> None:
    async def two_answers(host: str, port: int) -> list[IPAddress]:
        return [ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("10.0.0.7")]

    with pytest.raises(UnsafeUrl, match=r"10\.0\.0\.7 is a private address"):
        await check_url("https://hooks.shop.example/x", allow_private=False, resolve=two_answers)


async def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(UnsafeUrl, match="does not resolve"):
        await check_url("https://no-such-host.invalid/x", allow_private=False)


async def test_development_mode_lifts_only_the_address_rules() -> None:
    assert await check_url("http://127.0.0.1:9000/x", allow_private=True) == "http://127.0.0.1:9000/x"
    with pytest.raises(UnsafeUrl, match="credentials"):
        await check_url("http://u:p@127.0.0.1:9000/x", allow_private=True)


async def test_the_system_resolver_reads_numeric_forms_as_a_connection_would() -> None:
    for host in ("2130706433", "0177.0.0.1", "0x7f000001", "127.1"):
        assert {str(a) for a in await system_resolve(host, 443)} == {"127.0.0.1"}, host
    assert refusal(ipaddress.ip_address("93.184.215.14")) is None


@pytest.fixture
async def listener() -> AsyncIterator[tuple[int, list[str]]]:
    """A real HTTP peer on 127.0.0.1 that records what reaches it; /redirect answers 302."""
    seen: list[str] = []

    async def record(request: web.Request) -> web.Response:
        seen.append(f"{request.method} {request.path} host={request.host}")
        if request.path == "/redirect":
            raise web.HTTPFound("http://127.0.0.1:1/elsewhere")
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield port, seen
    await runner.cleanup()


async def test_at_call_time_a_name_now_resolving_to_loopback_is_never_connected(
    listener: tuple[int, list[str]],
) -> None:
    """DNS rebinding: the name was public when saved; now it answers 127.0.0.1. Nothing is sent."""
    port, seen = listener

    async def rebound(host: str, port: int) -> list[IPAddress]:
        return [ipaddress.ip_address("127.0.0.1")]

    async with httpx.AsyncClient(transport=GuardedTransport(rebound)) as client:
        with pytest.raises(BlockedAddress, match="loopback"):
            await client.post(f"http://hooks.shop.example:{port}/sub", content=b"{}")
    assert seen == []


async def test_the_guarded_connection_goes_to_the_checked_address_and_follows_no_redirect(
    listener: tuple[int, list[str]],
) -> None:
    port, seen = listener

    async def to_local(host: str, port: int) -> list[IPAddress]:
        return [ipaddress.ip_address("127.0.0.1")]

    def only_loopback_allowed(address: IPAddress) -> str | None:  # this test's peer lives on loopback
        return None if address.is_loopback else "not the test peer"

    transport = GuardedTransport(to_local, only_loopback_allowed)
    async with httpx.AsyncClient(transport=transport, follow_redirects=False) as client:
        ok = await client.get(f"http://hooks.shop.example:{port}/hello")
        moved = await client.get(f"http://hooks.shop.example:{port}/redirect")
    assert ok.text == "ok"
    assert moved.status_code == 302
    assert seen == [f"GET /hello host=hooks.shop.example:{port}", f"GET /redirect host=hooks.shop.example:{port}"]


async def test_the_api_refuses_internal_urls_on_save_and_writes_nothing(db_dsn: str, clock: FrozenClock) -> None:
    live, runner = await start_service(make_settings(db_dsn, free_port(), allow_private_urls=False), clock)
    try:
        async with live.client() as admin:
            await create_tenant(admin, "shop-a")
            key = await create_key(admin, "agent", ["shop-a"])
            for url, _ in REFUSED[4:]:
                desk = {"kind": "webhook", "base_url": url, "credentials": {"secret": "whsec_x"}}
                response = await admin.put("/v1/tenants/shop-a/settings", json={"desk": desk})
                assert response.status_code == 422, (url, response.text)
                assert response.json()["errors"][0]["loc"] == ["body", "desk.base_url"]
        async with live.client(key) as shop:
            for url, reason in REFUSED:
                response = await shop.post("/v1/subscriptions", json={"url": url, "events": ["incident.opened"]})
                assert response.status_code == 422, (url, response.text)
                assert response.headers["content-type"].startswith("application/problem+json")
                assert reason in response.json()["detail"], (url, response.json())
            accepted = await shop.post("/v1/subscriptions", json={"url": ALLOWED[0], "events": ["incident.opened"]})
            assert accepted.status_code == 201, accepted.text
    finally:
        await runner.cleanup()
    conn = await asyncpg.connect(db_dsn)
    try:
        assert await conn.fetchval("SELECT count(*) FROM subscriptions") == 1
        assert await conn.fetchval("SELECT settings->'desk' FROM tenants WHERE id = 'shop-a'") is None
    finally:
        await conn.close()


async def test_a_stored_internal_url_is_refused_when_the_notice_is_sent(
    db_dsn: str, clock: FrozenClock, listener: tuple[int, list[str]]
) -> None:
    """A subscription stored before the guard (or whose name now resolves inward): the dispatcher never
    connects, and the delivery is dead with the reason — the same answer whatever listens on that port."""
    port, seen = listener
    live, runner = await start_service(make_settings(db_dsn, free_port(), allow_private_urls=False), clock)
    try:
        async with live.client() as admin:
            await create_tenant(admin, "shop-a")
            key = await create_key(admin, "agent", ["shop-a"])
        url, events = f"http://127.0.0.1:{port}/sub", ["shipment.status_changed"]
        sealed = seal_secret(live.services.vault, new_secret())
        await insert_subscription(live.services.db, "shop-a", url, events, sealed, clock.now())
        async with live.client(key) as shop:
            created = await shop.post("/v1/shipments", json={"tracking_number": "SBX-DELIVERED-0901"})
            assert created.status_code == 201, created.text
            assert live.services.poller is not None and live.services.dispatcher is not None
            await live.services.poller.poll_once()
            report = await live.services.dispatcher.dispatch_once()
            [delivery] = (await shop.get("/v1/deliveries")).json()["items"]
    finally:
        await runner.cleanup()
    assert (report.claimed, report.dead) == (1, 1), report
    assert seen == []
    assert delivery["status"] == "dead"
    assert "refused to connect" in delivery["last_error"] and "loopback" in delivery["last_error"]
