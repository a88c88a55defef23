"""For every API route the app serves, a key of tenant A cannot read or change tenant B's objects."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import pytest

from tests.api.test_openapi_routes import registered_api_routes
from tests.buyer_page.helpers import Browser, jpeg_with_gps, path_of, register_and_poll
from tests.conftest import LiveService, create_key, create_tenant
from tracking_service.api.openapi import build_openapi

PUBLIC = {"/healthz", "/readyz", "/metrics", "/openapi.json", "/v1/webhooks/carriers/{carrier}"}
WRITES = {"post", "put", "patch", "delete"}
REFUSED = {403, 404}
# Tables whose rows tenant A's requests change legitimately (its own audit trail).
UNWATCHED_TABLES = {"audit_log"}


def _no_questions(body: dict[str, Any]) -> bool:
    return not any(body["questions_by_hour"])


# The reads that may answer 200 to a key of tenant A asking about tenant B: collections, filtered to the key's
# tenants. Tenant A owns nothing, so such an answer must be empty; a new collection route must be added here.
EMPTY_READS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "/v1/shipments": lambda body: body["items"] == [],
    "/v1/incidents": lambda body: body["items"] == [],
    "/v1/deliveries": lambda body: body["items"] == [],
    "/v1/claims": lambda body: body["items"] == [],
    "/v1/subscriptions": lambda body: body["items"] == [],
    "/v1/estimates": lambda body: body["estimate"] is None,
    "/v1/stats": lambda body: (
        body["shipments_by_status"] == {}
        and body["shipments_by_carrier"] == {}
        and body["incidents"] == []
        and body["incidents_by_kind"] == {}
        and body["intents"] == {}
        and _no_questions(body)
    ),
}


# Writes that answer 200 with a result per item: every item aimed at tenant B must be refused on its own.
ITEM_WRITES = {"/v1/shipments/batch"}


def _refused_or_empty(method: str, path: str, response: httpx.Response) -> str | None:
    """Why this answer to tenant A breaks isolation, or None when it does not."""
    status = response.status_code
    if path in ITEM_WRITES and status == 200:
        items = [r["status"] for r in response.json()["results"]]
        return None if items and all(s in REFUSED for s in items) else f"batch items answered {items}, not 403/404"
    if method in WRITES:
        return None if status in REFUSED else f"cross-tenant write answered {status}, not 403/404"
    if "{" in path:
        return None if status in REFUSED else f"read of tenant B's object answered {status}, not 403/404"
    if status in REFUSED:
        return None
    if status != 200:
        return f"collection read answered {status}"
    empty = EMPTY_READS.get(path)
    if empty is None:
        return "collection read answered 200 and has no EMPTY_READS entry saying what 'nothing of B' looks like"
    return None if empty(response.json()) else "collection read answered 200 with data"


async def _tenant_b_rows(db: asyncpg.Pool) -> dict[str, list[str]]:
    """Every row of tenant B in every table that has a tenant column, plus B's tenants row."""
    async with db.acquire() as conn:
        tables = await conn.fetch(
            "SELECT DISTINCT table_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND column_name = 'tenant_id' ORDER BY table_name"
        )
        rows = {"tenants": [await conn.fetchval("SELECT to_jsonb(t)::text FROM tenants t WHERE id = 'shop-b'")]}
        for record in tables:
            table = record["table_name"]
            if table in UNWATCHED_TABLES:
                continue
            rows[table] = [
                r["row"]
                for r in await conn.fetch(
                    f'SELECT to_jsonb(t)::text AS row FROM "{table}" t WHERE tenant_id = $1 ORDER BY 1',
                    "shop-b",
                )
            ]
    return rows


@pytest.fixture
async def two_shops(service: LiveService, admin: httpx.AsyncClient) -> dict[str, object]:
    """Tenant B with one of everything; an agent key of tenant A."""
    await create_tenant(admin, "shop-a")
    await create_tenant(admin, "shop-b")
    key_a = await create_key(admin, "agent", ["shop-a"])
    created_b = (await admin.post("/v1/keys", json={"role": "agent", "tenants": ["shop-b"]})).json()
    key_b = created_b["key"]
    async with service.client(key_b) as b:
        sub = (
            await b.post("/v1/subscriptions", json={"url": "http://127.0.0.1:9/hook", "events": ["incident.opened"]})
        ).json()
        shipment = (
            await b.post(
                "/v1/shipments",
                json={"tracking_number": "SBX-DAMAGED-7777", "order_id": "B-ORDER", "buyer": {"phone": "13900007777"}},
            )
        ).json()
        await service.services.poller.poll_once()  # type: ignore[union-attr]
        incident = (await b.get("/v1/incidents")).json()["items"][0]
        claim = (
            await b.post("/v1/claims", json={"shipment_id": shipment["id"], "kind": "damaged", "description": "broken"})
        ).json()
        delivery = (await b.get("/v1/deliveries")).json()["items"][0]
        # A damage report with a photo from the buyers' page: the claim whose evidence route is swept.
        delivered = await register_and_poll(service, b, "SBX-DELIVERED-7778")
        async with Browser(service, path_of(delivered)) as phone:
            assert (await phone.damage([("a.jpg", jpeg_with_gps(), "image/jpeg")])).status_code == 200
        reported = next(c for c in (await b.get("/v1/claims")).json()["items"] if c["shipment_id"] == delivered["id"])
        photo_claim = (await b.get(f"/v1/claims/{reported['id']}")).json()
    return {
        "key_a": key_a,
        "ids": {
            "shipment_id": shipment["id"],
            "incident_id": incident["id"],
            "claim_id": photo_claim["id"],
            "photo_id": photo_claim["photos"][0]["id"],
            "subscription_id": sub["id"],
            "delivery_id": delivery["id"],
            "tenant_id": "shop-b",
            "key_id": created_b["id"],
        },
        "key_b": key_b,
        "secrets": [
            shipment["id"],
            incident["id"],
            claim["id"],
            photo_claim["id"],
            photo_claim["photos"][0]["id"],
            sub["id"],
            delivery["id"],
            created_b["id"],
            "SBX-DAMAGED-7777",
            "B-ORDER",
        ],
    }


def _body_for(path: str, ids: dict[str, str]) -> dict[str, object]:
    bodies: dict[str, dict[str, object]] = {
        "/v1/shipments": {"tracking_number": "SBX-DAMAGED-7777", "tenant": "shop-b"},
        "/v1/shipments/{shipment_id}": {"order_id": "TAKEN-BY-A", "metadata": {"x": 1}},
        "/v1/shipments/batch": {"items": [{"tracking_number": "SBX-DAMAGED-7777", "tenant": "shop-b"}]},
        "/v1/claims": {"shipment_id": ids["shipment_id"], "kind": "lost", "description": "x"},
        "/v1/answers": {"text": "SBX-DAMAGED-7777 到哪了", "tenant": "shop-b"},
        "/v1/subscriptions": {"url": "http://127.0.0.1:9/x", "events": ["incident.opened"], "tenant": "shop-b"},
        "/v1/claims/{claim_id}/transition": {"to": "closed"},
        "/v1/tenants/{tenant_id}/settings": {"channels": []},
        "/v1/tenants": {"id": "shop-c", "name": "c"},
        "/v1/keys": {"role": "agent", "tenants": ["shop-b"]},
    }
    return bodies.get(path, {})


async def test_no_route_lets_tenant_a_touch_tenant_b(service: LiveService, two_shops: dict[str, object]) -> None:
    ids: dict[str, str] = two_shops["ids"]  # type: ignore[assignment]
    spec = build_openapi()
    checked = []
    broken = []
    before = await _tenant_b_rows(service.services.db)
    watched = {table for table, rows in before.items() if rows}
    assert {"shipments", "events", "incidents", "claims", "subscriptions"} <= watched, watched
    async with service.client(str(two_shops["key_a"])) as a:
        # The routes the app serves (not the document's list: a route missing from it is swept all the same).
        for method, path in registered_api_routes(service.app):
            if path in PUBLIC:
                continue
            operation = spec["paths"].get(path, {}).get(method, {})
            url = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)
            wanted = {"tenant": "shop-b", "intent": "where_is_my_parcel", "carrier": "sandbox"}
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            params = {k: v for k, v in wanted.items() if k in declared}
            body = _body_for(path, ids)
            response = await a.request(
                method.upper(),
                url,
                params=params if method == "get" else None,
                content=json.dumps(body) if method in ("post", "put", "patch") else None,
                headers={"Content-Type": "application/json"},
            )
            checked.append((method, path, response.status_code))
            why = _refused_or_empty(method, path, response)
            leaked = [secret for secret in two_shops["secrets"] if secret in response.text]  # type: ignore[attr-defined]
            if leaked:
                why = f"{why or 'answer'}; carries tenant B's {leaked}"
            if why:
                broken.append(f"{method.upper()} {path}: {why}: {response.text[:200]}")
    after = await _tenant_b_rows(service.services.db)
    print(f"isolation sweep: {len(checked)} operations checked: {checked}")
    assert len(checked) >= 20
    assert not broken, "tenant A's key reached tenant B:\n" + "\n".join(broken)
    changed = sorted(table for table in set(before) | set(after) if before.get(table) != after.get(table))
    assert not changed, f"tenant A's requests changed tenant B's rows in {changed}"
    async with service.client(str(two_shops["key_b"])) as b:
        assert (await b.get("/v1/shipments")).status_code == 200, "tenant A's requests revoked tenant B's key"


ADMIN_ROUTES = sorted(
    (method, path)
    for path, operations in build_openapi()["paths"].items()
    for method, operation in operations.items()
    if "(admin" in operation["summary"]
)


def test_the_admin_routes_include_the_key_routes() -> None:
    assert {("get", "/v1/keys"), ("post", "/v1/keys"), ("delete", "/v1/keys/{key_id}")} <= set(ADMIN_ROUTES)


@pytest.mark.parametrize("role", ["agent", "service"])
async def test_admin_routes_refuse_agent_and_service_keys(
    service: LiveService, two_shops: dict[str, object], role: str
) -> None:
    ids: dict[str, str] = two_shops["ids"]  # type: ignore[assignment]
    async with service.client() as admin:
        key = await create_key(admin, role, ["shop-a", "shop-b"])
        keys_before = await _key_states(admin)
    answers = []
    async with service.client(key) as caller:
        for method, path in ADMIN_ROUTES:
            url = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)
            body = _body_for(path, ids)
            response = await caller.request(
                method.upper(),
                url,
                content=json.dumps(body) if method in ("post", "put", "patch") else None,
                headers={"Content-Type": "application/json"},
            )
            answers.append((method, path, response.status_code))
    assert [a for a in answers if a[2] != 403] == []
    async with service.client() as admin:
        assert await _key_states(admin) == keys_before, "an admin route let a non-admin key create or revoke a key"


async def _key_states(admin: httpx.AsyncClient) -> list[tuple[str, str | None]]:
    return [(k["id"], k["revoked_at"]) for k in (await admin.get("/v1/keys", params={"limit": "200"})).json()["items"]]
