"""A table of bad requests thrown at every write endpoint: always a 4xx problem, never a write."""

from __future__ import annotations

import json

import asyncpg
import httpx
import pytest

from tests.conftest import LiveService, create_tenant

JSON = {"Content-Type": "application/json"}

# (name, raw body, headers, expected status)
COMMON_BAD_BODIES: list[tuple[str, bytes, dict[str, str], int]] = [
    ("malformed json", b'{"tracking_number": ', JSON, 400),
    ("not utf-8", b"\xff\xfe{}", JSON, 400),
    ("json array", b"[1, 2]", JSON, 422),
    ("json string", b'"hello"', JSON, 422),
    ("empty body", b"", JSON, 400),
    ("form content type", b"a=b", {"Content-Type": "application/x-www-form-urlencoded"}, 415),
    ("no content type", b"{}", {}, 415),
    ("too large", b'{"x": "' + b"a" * 1_100_000 + b'"}', JSON, 413),
]

ENDPOINT_BAD_BODIES: dict[str, list[tuple[str, object, int]]] = {
    "POST /v1/shipments": [
        ("missing tracking number", {"order_id": "x"}, 422),
        ("tracking number too long", {"tracking_number": "A" * 65}, 422),
        ("tracking number wrong type", {"tracking_number": 12345}, 422),
        ("tracking number with spaces inside", {"tracking_number": "SBX DELIVERED 1"}, 422),
        ("unknown carrier", {"tracking_number": "SBX-DELIVERED-1", "carrier": "pigeon"}, 422),
        ("undetectable number", {"tracking_number": "ZZZ"}, 422),
        ("unknown field", {"tracking_number": "SBX-DELIVERED-1", "colour": "red"}, 422),
        ("buyer wrong type", {"tracking_number": "SBX-DELIVERED-1", "buyer": "张三"}, 422),
        ("bad phone", {"tracking_number": "SBX-DELIVERED-1", "buyer": {"phone": "call me"}}, 422),
        ("bad date", {"tracking_number": "SBX-DELIVERED-1", "promised_delivery_at": "next tuesday"}, 422),
        ("bad country", {"tracking_number": "SBX-DELIVERED-1", "origin": {"country": "China"}}, 422),
        ("foreign tenant", {"tracking_number": "SBX-DELIVERED-1", "tenant": "nobody"}, 404),
        ("bad linked id", {"tracking_number": "SBX-DELIVERED-1", "linked_shipment_id": "nope"}, 422),
        ("metadata wrong type", {"tracking_number": "SBX-DELIVERED-1", "metadata": [1]}, 422),
    ],
    "POST /v1/shipments/batch": [
        ("no items", {}, 422),
        ("empty items", {"items": []}, 422),
        ("over 1,000 items", {"items": [{"tracking_number": "SBX-DELIVERED-1"}] * 1001}, 422),
        ("items not objects", {"items": ["SBX-DELIVERED-1"]}, 422),
        ("unknown field", {"items": [{"tracking_number": "SBX-DELIVERED-1"}], "colour": "red"}, 422),
    ],
    "POST /v1/subscriptions": [
        ("not a url", {"url": "not a url at all", "events": ["incident.opened"], "tenant": "shop-a"}, 422),
        ("ftp url", {"url": "ftp://93.184.215.14/x", "events": ["incident.opened"], "tenant": "shop-a"}, 422),
        ("no events", {"url": "https://93.184.215.14/x", "events": [], "tenant": "shop-a"}, 422),
        ("unknown event", {"url": "https://93.184.215.14/x", "events": ["parcel.teleported"], "tenant": "shop-a"}, 422),
        ("foreign tenant", {"url": "https://93.184.215.14/x", "events": ["incident.opened"], "tenant": "nobody"}, 404),
    ],
    "POST /v1/tenants": [
        ("missing name", {"id": "shop-x"}, 422),
        ("bad id", {"id": "Shop X!", "name": "x"}, 422),
        ("bad timezone", {"id": "shop-x", "name": "x", "timezone": "Mars/Olympus"}, 422),
        ("bad locale", {"id": "shop-x", "name": "x", "locale": "klingon"}, 422),
        ("duplicate", {"id": "shop-a", "name": "again"}, 409),
    ],
    "POST /v1/keys": [
        ("bad role", {"role": "god", "tenants": ["shop-a"]}, 422),
        ("agent without tenant", {"role": "agent"}, 422),
        ("unknown tenant", {"role": "agent", "tenants": ["nobody"]}, 422),
        ("tenants wrong type", {"role": "agent", "tenants": "shop-a"}, 422),
        ("admin with tenants", {"role": "admin", "tenants": ["shop-a"]}, 422),
        ("expiry in the past", {"role": "agent", "tenants": ["shop-a"], "expires_at": "2000-01-01T00:00:00Z"}, 422),
        ("expiry without zone", {"role": "agent", "tenants": ["shop-a"], "expires_at": "2999-01-01T00:00:00"}, 422),
        ("expiry not a time", {"role": "agent", "tenants": ["shop-a"], "expires_at": "next year"}, 422),
    ],
    "PUT /v1/tenants/shop-a/settings": [
        ("negative threshold", {"thresholds": {"stalled_in_transit_hours": -1}}, 422),
        ("threshold wrong type", {"thresholds": {"lost_days": "ten"}}, 422),
        ("bad quiet hours", {"quiet_hours": {"start": "25:00"}}, 422),
        ("unknown section", {"colour": "red"}, 422),
    ],
}

WRITE_ENDPOINTS = list(ENDPOINT_BAD_BODIES)
TABLES = ("tenants", "api_keys", "shipments", "events", "subscriptions")


async def _counts(db_dsn: str) -> dict[str, int]:
    conn = await asyncpg.connect(db_dsn)
    try:
        counts = {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES}
        counts["revoked keys"] = await conn.fetchval("SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL")
        return counts
    finally:
        await conn.close()


async def _settings(db_dsn: str) -> object:
    conn = await asyncpg.connect(db_dsn)
    try:
        return await conn.fetchval("SELECT settings::text FROM tenants WHERE id = 'shop-a'")
    finally:
        await conn.close()


def _assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"] and problem["type"]


@pytest.fixture
async def seeded(service: LiveService, admin: httpx.AsyncClient) -> httpx.AsyncClient:
    await create_tenant(admin, "shop-a")
    return admin


@pytest.mark.parametrize("endpoint", WRITE_ENDPOINTS)
@pytest.mark.parametrize(("name", "raw", "headers", "status"), COMMON_BAD_BODIES, ids=[c[0] for c in COMMON_BAD_BODIES])
async def test_unreadable_bodies_are_rejected_without_writing(
    seeded: httpx.AsyncClient, db_dsn: str, endpoint: str, name: str, raw: bytes, headers: dict[str, str], status: int
) -> None:
    method, path = endpoint.split(" ")
    before = await _counts(db_dsn), await _settings(db_dsn)
    response = await seeded.request(method, path, content=raw, headers=headers)
    _assert_problem(response, status)
    assert (await _counts(db_dsn), await _settings(db_dsn)) == before


@pytest.mark.parametrize(
    ("endpoint", "name", "body", "status"),
    [(endpoint, *case) for endpoint, cases in ENDPOINT_BAD_BODIES.items() for case in cases],
    ids=[f"{endpoint}-{case[0]}" for endpoint, cases in ENDPOINT_BAD_BODIES.items() for case in cases],
)
async def test_invalid_fields_are_rejected_without_writing(
    seeded: httpx.AsyncClient, db_dsn: str, endpoint: str, name: str, body: object, status: int
) -> None:
    method, path = endpoint.split(" ")
    before = await _counts(db_dsn), await _settings(db_dsn)
    body = dict(body)  # type: ignore[call-overload]
    if endpoint == "POST /v1/shipments" and "tenant" not in body:
        body["tenant"] = "shop-a"
    response = await seeded.request(method, path, content=json.dumps(body), headers=JSON)
    _assert_problem(response, status)
    if status == 422:
        assert response.json()["errors"], "validation problems list their errors"
    assert (await _counts(db_dsn), await _settings(db_dsn)) == before


# Endpoints without a body: bad query strings and path ids. (name, method, path, query, expected status)
BAD_PATHS_AND_QUERIES: list[tuple[str, str, str, dict[str, str], int]] = [
    ("keys: limit 0", "GET", "/v1/keys", {"limit": "0"}, 422),
    ("keys: limit too large", "GET", "/v1/keys", {"limit": "201"}, 422),
    ("keys: bad role", "GET", "/v1/keys", {"role": "god"}, 422),
    ("keys: bad tenant", "GET", "/v1/keys", {"tenant": "Shop X!"}, 422),
    ("keys: bad cursor", "GET", "/v1/keys", {"cursor": "garbage!!"}, 400),
    ("keys: unknown parameter", "GET", "/v1/keys", {"colour": "red"}, 422),
    ("revoke: id not a uuid", "DELETE", "/v1/keys/not-a-uuid", {}, 404),
    ("revoke: unknown id", "DELETE", "/v1/keys/00000000-0000-4000-8000-000000000000", {}, 404),
    ("patch: id not a uuid", "PATCH", "/v1/shipments/not-a-uuid", {}, 404),
    ("stop: id not a uuid", "DELETE", "/v1/shipments/not-a-uuid", {}, 404),
    ("stop: unknown id", "DELETE", "/v1/shipments/00000000-0000-4000-8000-000000000000", {}, 404),
    ("incident: id not a uuid", "GET", "/v1/incidents/not-a-uuid", {}, 404),
    ("claims: bad status", "GET", "/v1/claims", {"status": "teleported"}, 422),
    ("claims: bad kind", "GET", "/v1/claims", {"kind": "stolen"}, 422),
    ("claims: bad cursor", "GET", "/v1/claims", {"cursor": "garbage!!"}, 400),
    ("subscriptions: limit 0", "GET", "/v1/subscriptions", {"limit": "0"}, 422),
    ("subscriptions: bad cursor", "GET", "/v1/subscriptions", {"cursor": "garbage!!"}, 400),
    ("settings: unknown tenant", "GET", "/v1/tenants/nobody/settings", {}, 404),
    ("stats: a number for a date", "GET", "/v1/stats", {"to": "0.5"}, 422),
]


@pytest.mark.parametrize(
    ("name", "method", "path", "query", "status"), BAD_PATHS_AND_QUERIES, ids=[c[0] for c in BAD_PATHS_AND_QUERIES]
)
async def test_bad_paths_and_queries_are_rejected_without_writing(
    seeded: httpx.AsyncClient, db_dsn: str, name: str, method: str, path: str, query: dict[str, str], status: int
) -> None:
    before = await _counts(db_dsn)
    _assert_problem(await seeded.request(method, path, params=query), status)
    assert await _counts(db_dsn) == before


async def test_bad_cursor_and_bad_query_are_400_and_422(seeded: httpx.AsyncClient) -> None:
    _assert_problem(await seeded.get("/v1/shipments", params={"cursor": "garbage!!"}), 400)
    _assert_problem(await seeded.get("/v1/shipments", params={"cursor": "WyJ4Il0"}), 400)
    _assert_problem(await seeded.get("/v1/shipments", params={"limit": "0"}), 422)
    _assert_problem(await seeded.get("/v1/shipments", params={"status": "teleported"}), 422)
    _assert_problem(await seeded.get("/v1/shipments", params={"phone_last4": "12a4"}), 422)


async def test_unknown_route_and_method_are_problems(seeded: httpx.AsyncClient) -> None:
    _assert_problem(await seeded.get("/v1/nothing-here"), 404)
    _assert_problem(await seeded.delete("/v1/shipments"), 405)


async def test_ambiguous_or_undetectable_number_lists_candidates(seeded: httpx.AsyncClient) -> None:
    response = await seeded.post("/v1/shipments", json={"tracking_number": "ZZZ", "tenant": "shop-a"})
    _assert_problem(response, 422)
    assert response.json()["errors"][0]["type"] == "carrier_ambiguous"
    assert "candidates" in response.json()["errors"][0]
