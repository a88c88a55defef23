"""The console works incidents and claims through the same use cases as the API: same refusals, notices, metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from prometheus_client import REGISTRY

from tests.conftest import LiveService
from tests.console.signin import csrf_of, shop_agent_with_parcel, signed_in


@pytest.fixture
async def console(service: LiveService, admin: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    key = await shop_agent_with_parcel(service, admin, "shop-ny", "America/New_York", "SBX-STALLED-0001", "TB-1")
    async with service.client(key) as agent:  # resolving the incident notifies this hook
        hook = {"url": "http://127.0.0.1:9/hook", "events": ["incident.resolved"]}
        assert (await agent.post("/v1/subscriptions", json=hook)).status_code == 201
    async with signed_in(service.base_url, key) as client:
        client.headers["X-Test-Key"] = key
        yield client


async def _only_incident(console: httpx.AsyncClient) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {console.headers['X-Test-Key']}"}
    items = (await console.get("/v1/incidents", params={"status": "open"}, headers=headers)).json()["items"]
    assert len(items) == 1, items
    return dict(items[0])


def _resolved_count(incident: dict[str, object]) -> float:
    labels = {"kind": str(incident["kind"]), "carrier": str(incident["carrier"]), "how": "manual"}
    return REGISTRY.get_sample_value("tracking_incidents_resolved_total", labels) or 0.0


async def test_resolving_in_the_console_counts_and_notifies_like_the_api(
    service: LiveService, console: httpx.AsyncClient
) -> None:
    incident = await _only_incident(console)
    before = _resolved_count(incident)
    csrf = await csrf_of(console, "/console/incidents")
    done = await console.post(f"/console/incidents/{incident['id']}/resolve", data={"csrf": csrf, "note": "补发"})
    assert done.status_code == 303
    assert _resolved_count(incident) == before + 1
    sent = await service.services.db.fetchval(
        "SELECT count(*) FROM outbox WHERE event_type = 'incident.resolved' AND incident_id = $1::uuid",
        incident["id"],
    )
    assert sent == 1


async def test_resolving_twice_in_the_console_is_refused_and_says_why(console: httpx.AsyncClient) -> None:
    incident = await _only_incident(console)
    csrf = await csrf_of(console, "/console/incidents")
    path = f"/console/incidents/{incident['id']}/resolve"
    assert (await console.post(path, data={"csrf": csrf})).status_code == 303
    again = await console.post(path, data={"csrf": csrf})
    assert again.status_code == 303
    assert "e=" in again.headers["Location"]
    page = await console.get(again.headers["Location"])
    assert "incident is resolved; it cannot become resolved" in page.text


async def test_an_illegal_claim_move_in_the_console_is_refused(console: httpx.AsyncClient) -> None:
    incident = await _only_incident(console)
    headers = {"Authorization": f"Bearer {console.headers['X-Test-Key']}"}
    claim = await console.post(
        "/v1/claims",
        json={"shipment_id": incident["shipment_id"], "kind": "lost", "description": "丢件"},
        headers=headers,
    )
    assert claim.status_code == 201, claim.text
    csrf = await csrf_of(console, "/console/claims")
    moved = await console.post(f"/console/claims/{claim.json()['id']}/transition", data={"csrf": csrf, "to": "paid"})
    assert moved.status_code == 303
    page = await console.get(moved.headers["Location"])
    assert "a claim that is open cannot become paid" in page.text
    after = await console.get(f"/v1/claims/{claim.json()['id']}", headers=headers)
    assert after.json()["status"] == "open"


async def test_the_stats_page_counts_days_in_the_shops_zone(console: httpx.AsyncClient) -> None:
    page = await console.get("/console/stats")
    assert page.status_code == 200
    assert "America/New_York" in page.text
