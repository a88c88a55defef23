"""Incidents end to end: sandbox scenarios polled over HTTP, the sweep, auto-resolve, and the queue API."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from schemas import CarrierEvent, Status, TrackingResult
from tests.conftest import LiveService, create_key, create_tenant
from tracking_service.db import incidents as sql
from tracking_service.incidents.service import after_ingest, sweep_once
from tracking_service.ingest import ShipmentRef, ingest

SCENARIOS = [
    ("DELAYED", {"delayed"}),
    ("STALLED", {"stalled"}),
    ("LOST", {"lost"}),
    ("DAMAGED", {"damaged"}),
    ("FAILED_ATTEMPT", {"delivery_failed"}),
    ("RETURNED", {"returned_to_sender"}),
    ("CUSTOMS_HOLD", {"customs_hold"}),
    ("ADDRESS_ISSUE", {"address_issue"}),
    ("IN_TRANSIT", set()),
    ("OUT_FOR_DELIVERY", set()),
    ("DELIVERED", set()),
]


async def _register_and_poll(service: LiveService, client: httpx.AsyncClient, number: str) -> dict[str, object]:
    created = await client.post("/v1/shipments", json={"tracking_number": number})
    assert created.status_code == 201, created.text
    await service.services.poller.poll_once()  # type: ignore[union-attr]
    return (await client.get(f"/v1/shipments/{created.json()['id']}")).json()  # type: ignore[no-any-return]


@pytest.mark.parametrize(("scenario", "expected"), SCENARIOS, ids=[s for s, _ in SCENARIOS])
async def test_each_scenario_opens_exactly_its_incident(
    service: LiveService, shop: httpx.AsyncClient, scenario: str, expected: set[str]
) -> None:
    shipment = await _register_and_poll(service, shop, f"SBX-{scenario}-0042")
    assert {i["kind"] for i in shipment["open_incidents"]} == expected  # type: ignore[union-attr]
    listed = (await shop.get("/v1/incidents", params={"status": "open"})).json()["items"]
    assert {i["kind"] for i in listed} == expected
    assert all(i["facts"]["carrier"] == "sandbox" and i["shipment_id"] == shipment["id"] for i in listed)


async def test_stalled_incident_quotes_its_facts(service: LiveService, shop: httpx.AsyncClient) -> None:
    await _register_and_poll(service, shop, "SBX-STALLED-0001")
    incident = (await shop.get("/v1/incidents")).json()["items"][0]
    assert incident["facts"]["hours_silent"] == 96.0
    assert incident["facts"]["threshold_hours"] == 72
    assert incident["facts"]["last_event_location"].endswith("转运中心")


async def test_sweep_opens_time_driven_incidents_as_the_clock_moves(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    shipment = await _register_and_poll(service, shop, "SBX-IN_TRANSIT-0001")
    assert shipment["open_incidents"] == []
    svc = service.services
    service.clock.advance(timedelta(hours=23))  # carrier ETA is registration + 24 h
    assert (await sweep_once(svc.db, svc.clock.now(), svc.estimator)).opened == []
    service.clock.advance(timedelta(hours=2))
    opened = (await sweep_once(svc.db, svc.clock.now(), svc.estimator)).opened
    assert [i["kind"] for i in opened] == ["delayed"]
    assert opened[0]["facts"]["deadline_source"] == "carrier"
    service.clock.advance(timedelta(hours=48))  # last event was 1 h before registration: 72 h silent now
    opened = (await sweep_once(svc.db, svc.clock.now(), svc.estimator)).opened
    assert [i["kind"] for i in opened] == ["stalled"]


async def test_sweep_only_touches_shipments_whose_check_time_came(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    await _register_and_poll(service, shop, "SBX-IN_TRANSIT-0002")
    await _register_and_poll(service, shop, "SBX-DELIVERED-0002")
    svc = service.services
    await sweep_once(svc.db, svc.clock.now(), svc.estimator)
    async with svc.db.acquire() as conn:
        assert await sql.claim_sweep(conn, svc.clock.now(), 500, 300) == []
        sweep_at = {
            r["tracking_number"]: r["sweep_at"]
            for r in await conn.fetch("SELECT tracking_number, sweep_at FROM shipments")
        }
    assert sweep_at["SBX-DELIVERED-0002"] is None
    assert sweep_at["SBX-IN_TRANSIT-0002"] == svc.clock.now() + timedelta(hours=24, seconds=1)


async def _push_event(service: LiveService, shipment: dict[str, object], event: CarrierEvent) -> None:
    svc = service.services
    ref = ShipmentRef(str(shipment["tenant"]), shipment["id"], "sandbox")  # type: ignore[arg-type]
    import uuid

    ref = ShipmentRef(ref.tenant_id, uuid.UUID(str(shipment["id"])), "sandbox")
    async with svc.db.acquire() as conn:
        report = await ingest(conn, [(ref, TrackingResult(str(shipment["tracking_number"]), [event]))], svc.clock.now())
        await after_ingest(conn, report.changes, svc.clock.now(), svc.estimator)


async def test_stalled_parcel_that_moves_is_auto_resolved(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment = await _register_and_poll(service, shop, "SBX-STALLED-0003")
    moved = CarrierEvent(
        occurred_at=service.clock.now(),
        status=Status.IN_TRANSIT,
        carrier_code="ARRIVED",
        description="快件已到达上海转运中心",
        location="上海",
    )
    await _push_event(service, shipment, moved)
    after = (await shop.get(f"/v1/shipments/{shipment['id']}")).json()
    assert after["open_incidents"] == []
    resolved = (await shop.get("/v1/incidents", params={"status": "resolved"})).json()["items"]
    assert [(i["kind"], i["resolution"]) for i in resolved] == [("stalled", "auto")]


async def test_delayed_parcel_delivered_is_resolved_with_the_delay_recorded(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    shipment = await _register_and_poll(service, shop, "SBX-DELAYED-0004")
    service.clock.advance(timedelta(hours=6))
    signed = CarrierEvent(
        occurred_at=service.clock.now(),
        status=Status.DELIVERED,
        carrier_code="SIGNED",
        description="已签收",
        location="杭州",
    )
    await _push_event(service, shipment, signed)
    resolved = (await shop.get("/v1/incidents", params={"status": "resolved", "kind": "delayed"})).json()["items"]
    assert len(resolved) == 1
    assert resolved[0]["facts"]["delay_hours"] == 30.0  # carrier ETA was registration - 24 h


async def test_acknowledge_then_resolve_and_illegal_moves_are_409(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    await _register_and_poll(service, shop, "SBX-DAMAGED-0005")
    incident = (await shop.get("/v1/incidents")).json()["items"][0]
    ack = await shop.post(f"/v1/incidents/{incident['id']}/acknowledge")
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    assert (await shop.post(f"/v1/incidents/{incident['id']}/acknowledge")).status_code == 409
    done = await shop.post(f"/v1/incidents/{incident['id']}/resolve", json={"note": "已补发"})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["resolution"], done.json()["note"]) == ("resolved", "manual", "已补发")
    assert (await shop.post(f"/v1/incidents/{incident['id']}/resolve")).status_code == 409


async def test_only_one_unresolved_incident_per_shipment_and_kind(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    await _register_and_poll(service, shop, "SBX-DAMAGED-0006")
    svc = service.services
    async with svc.db.acquire() as conn:
        row = await conn.fetchrow("SELECT tenant_id, shipment_id, carrier FROM incidents")
        import asyncpg

        with pytest.raises(asyncpg.UniqueViolationError):
            await conn.execute(
                "INSERT INTO incidents (tenant_id, id, shipment_id, carrier, kind, facts, opened_at)"
                " VALUES ($1, gen_random_uuid(), $2, $3, 'damaged', '{}', now())",
                row["tenant_id"],
                row["shipment_id"],
                row["carrier"],
            )


async def test_other_tenants_incidents_are_invisible_and_404(service: LiveService, admin: httpx.AsyncClient) -> None:
    await create_tenant(admin, "shop-a")
    await create_tenant(admin, "shop-b")
    async with (
        service.client(await create_key(admin, "agent", ["shop-a"])) as a,
        service.client(await create_key(admin, "agent", ["shop-b"])) as b,
    ):
        await _register_and_poll(service, b, "SBX-DAMAGED-0007")
        theirs = (await b.get("/v1/incidents")).json()["items"][0]
        assert (await a.get("/v1/incidents")).json()["items"] == []
        assert (await a.post(f"/v1/incidents/{theirs['id']}/acknowledge")).status_code == 404


async def test_tenant_threshold_override_applies_and_bad_values_are_422(
    service: LiveService, admin: httpx.AsyncClient, shop: httpx.AsyncClient
) -> None:
    bad = await admin.put("/v1/tenants/shop-a/settings", json={"thresholds": {"stalled_in_transit_hours": 0}})
    assert bad.status_code == 422
    ok = await admin.put("/v1/tenants/shop-a/settings", json={"thresholds": {"stalled_in_transit_hours": 12}})
    assert ok.status_code == 200
    shipment = await _register_and_poll(service, shop, "SBX-DAMAGED-0008")
    assert {i["kind"] for i in shipment["open_incidents"]} == {"damaged"}
    svc = service.services
    service.clock.advance(timedelta(hours=13))
    in_transit = await _register_and_poll(service, shop, "SBX-IN_TRANSIT-0008")
    service.clock.advance(timedelta(hours=13))
    await sweep_once(svc.db, svc.clock.now(), svc.estimator)
    after = (await shop.get(f"/v1/shipments/{in_transit['id']}")).json()
    assert "stalled" in {i["kind"] for i in after["open_incidents"]}


async def test_shipment_search_by_open_incident_kind(service: LiveService, shop: httpx.AsyncClient) -> None:
    damaged = await _register_and_poll(service, shop, "SBX-DAMAGED-0009")
    await _register_and_poll(service, shop, "SBX-IN_TRANSIT-0009")
    found = (await shop.get("/v1/shipments", params={"incident": "damaged"})).json()["items"]
    assert [s["id"] for s in found] == [damaged["id"]]


async def test_sweep_claim_reads_candidates_through_the_partial_index(service: LiveService) -> None:
    async with service.services.db.acquire() as conn:
        await conn.execute("INSERT INTO tenants (id, name, created_at) VALUES ('big', 'Big', now())")
        await conn.execute(
            """
            INSERT INTO shipments (tenant_id, id, carrier, tracking_number, sweep_at, created_at, updated_at)
            SELECT 'big', gen_random_uuid(), 'sandbox', 'SBX-IN_TRANSIT-' || g,
                   CASE WHEN g % 2 = 0 THEN NULL ELSE now() + make_interval(days => g) END, now(), now()
            FROM generate_series(1, 20000) g
            """
        )
        await conn.execute("ANALYZE shipments")
        plan = "\n".join(
            r[0] for r in await conn.fetch("EXPLAIN " + sql.CLAIM_SWEEP_SQL, service.clock.now(), 500, 300.0)
        )
    assert "shipments_sweep_idx" in plan, plan
