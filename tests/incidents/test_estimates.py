"""Lane transit-time estimates from delivered history, with fallback, and the model ETA on shipments."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import LiveService
from tracking_service.estimates import percentile

HANGZHOU = {"country": "CN", "region": "浙江", "city": "杭州"}
GUANGZHOU = {"country": "CN", "region": "广东", "city": "广州"}


@pytest.fixture
async def delivered_lane(service: LiveService, shop: httpx.AsyncClient) -> None:
    for n in range(20):
        body = {"tracking_number": f"SBX-DELIVERED-{n}", "origin": HANGZHOU, "destination": GUANGZHOU}
        assert (await shop.post("/v1/shipments", json=body)).status_code == 201
    await service.services.poller.poll_once()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("origin", "destination", "level"),
    [
        ("CN/浙江/杭州", "CN/广东/广州", "city"),
        ("CN/浙江/宁波", "CN/广东/广州", "region"),
        ("CN/江苏", "CN/广东/深圳", "country"),
        ("CN", "US", "carrier"),
        (None, None, "carrier"),
    ],
)
async def test_estimate_falls_back_from_city_to_carrier(
    delivered_lane: None, shop: httpx.AsyncClient, origin: str | None, destination: str | None, level: str
) -> None:
    params = {
        "carrier": "sandbox",
        **({"origin": origin} if origin else {}),
        **({"destination": destination} if destination else {}),
    }
    response = await shop.get("/v1/estimates", params=params)
    assert response.status_code == 200, response.text
    estimate = response.json()["estimate"]
    # Sandbox DELIVERED: picked up 72 h and delivered 2 h before registration → 70 h in transit.
    assert (estimate["level"], estimate["samples"], estimate["p50_hours"], estimate["p90_hours"]) == (level, 20, 71, 71)


async def test_thin_lane_gives_no_estimate(service: LiveService, shop: httpx.AsyncClient) -> None:
    response = await shop.get("/v1/estimates", params={"carrier": "sandbox", "origin": "CN/浙江/杭州"})
    assert response.json()["estimate"] is None


async def test_in_flight_shipment_without_carrier_eta_gets_the_model_estimate(
    delivered_lane: None, service: LiveService, shop: httpx.AsyncClient
) -> None:
    body = {"tracking_number": "SBX-STALLED-1", "origin": HANGZHOU, "destination": GUANGZHOU}
    created = (await shop.post("/v1/shipments", json=body)).json()
    await service.services.poller.poll_once()  # type: ignore[union-attr]
    shipment = (await shop.get(f"/v1/shipments/{created['id']}")).json()
    assert shipment["estimated_delivery"]["source"] == "model"
    assert shipment["estimated_delivery"]["at"] is not None


def test_percentile_reads_the_bucket_holding_the_quantile() -> None:
    buckets = [(10, 5), (20, 4), (40, 1)]
    assert (percentile(buckets, 0.5), percentile(buckets, 0.9), percentile(buckets, 0.95)) == (11, 21, 41)


async def test_estimate_needs_a_carrier(shop: httpx.AsyncClient) -> None:
    response = await shop.get("/v1/estimates")
    assert response.status_code == 422
