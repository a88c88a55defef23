"""Where the OpenAPI document and the service disagreed (schemathesis, issue 14): required query parameters
documented as required, numbers not read as dates, booleans not read as counts, 405 saying what is allowed."""

from __future__ import annotations

import httpx

from tests.conftest import LiveService


async def test_required_query_parameters_are_documented_required(service: LiveService) -> None:
    async with httpx.AsyncClient(base_url=service.base_url) as client:
        paths = (await client.get("/openapi.json")).json()["paths"]

    def required(path: str, name: str) -> bool:
        [param] = [p for p in paths[path]["get"]["parameters"] if p["name"] == name]
        return bool(param["required"])

    assert required("/v1/estimates", "carrier")
    assert required("/v1/shipments/{shipment_id}/answer", "intent")
    assert not required("/v1/estimates", "tenant") and not required("/v1/shipments", "cursor")


async def test_a_number_is_not_a_date(service: LiveService, admin: httpx.AsyncClient) -> None:
    for value in ("0.5", "1733011200"):
        response = await admin.get("/v1/stats", params={"to": value})
        assert response.status_code == 422, (value, response.text)
        assert "ISO 8601" in response.text
    assert (await admin.get("/v1/stats", params={"to": "2026-12-01T00:00:00+08:00"})).status_code == 200


async def test_false_is_not_a_number_of_days(service: LiveService, admin: httpx.AsyncClient) -> None:
    assert (await admin.post("/v1/tenants", json={"id": "shop-d", "name": "D"})).status_code == 201
    for days in (False, True, 1.5):
        response = await admin.put("/v1/tenants/shop-d/settings", json={"shipping": {"dispatch_days": days}})
        assert response.status_code == 422, (days, response.text)
    assert (await admin.put("/v1/tenants/shop-d/settings", json={"shipping": {"dispatch_days": 2}})).status_code == 200


async def test_a_method_the_route_does_not_serve_is_405_with_allow(
    service: LiveService, admin: httpx.AsyncClient
) -> None:
    response = await admin.request("TRACE", "/v1/shipments")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("application/problem+json")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}
