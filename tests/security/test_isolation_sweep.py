"""For every route in the OpenAPI document, a key of tenant A cannot read or change tenant B's objects."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests.conftest import LiveService, create_key, create_tenant
from tracking_service.api.openapi import build_openapi

PUBLIC = {"/healthz", "/readyz", "/metrics", "/openapi.json", "/v1/webhooks/carriers/{carrier}"}


@pytest.fixture
async def two_shops(service: LiveService, admin: httpx.AsyncClient) -> dict[str, object]:
    """Tenant B with one of everything; an agent key of tenant A."""
    await create_tenant(admin, "shop-a")
    await create_tenant(admin, "shop-b")
    key_a = await create_key(admin, "agent", ["shop-a"])
    key_b = await create_key(admin, "agent", ["shop-b"])
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
    return {
        "key_a": key_a,
        "ids": {
            "shipment_id": shipment["id"],
            "incident_id": incident["id"],
            "claim_id": claim["id"],
            "subscription_id": sub["id"],
            "delivery_id": delivery["id"],
            "tenant_id": "shop-b",
        },
        "secrets": [
            shipment["id"],
            incident["id"],
            claim["id"],
            sub["id"],
            delivery["id"],
            "SBX-DAMAGED-7777",
            "B-ORDER",
        ],
    }


def _body_for(path: str, ids: dict[str, str]) -> dict[str, object]:
    bodies: dict[str, dict[str, object]] = {
        "/v1/shipments": {"tracking_number": "SBX-DAMAGED-7777", "tenant": "shop-b"},
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
    async with service.client(str(two_shops["key_a"])) as a:
        for path, operations in spec["paths"].items():
            if path in PUBLIC:
                continue
            for method, operation in operations.items():
                url = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)
                wanted = {"tenant": "shop-b", "intent": "where_is_my_parcel", "carrier": "sandbox"}
                declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
                params = {k: v for k, v in wanted.items() if k in declared}
                body = _body_for(path, ids)
                response = await a.request(
                    method.upper(),
                    url,
                    params=params if method == "get" else None,
                    content=json.dumps(body) if method in ("post", "put") else None,
                    headers={"Content-Type": "application/json"},
                )
                checked.append((method, path, response.status_code))
                assert response.status_code in (200, 403, 404), (method, path, response.status_code, response.text)
                for secret in two_shops["secrets"]:  # type: ignore[attr-defined]
                    assert secret not in response.text, (method, path, secret)
    assert len(checked) >= 20
    print(f"isolation sweep: {len(checked)} operations checked: {checked}")
