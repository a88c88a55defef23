"""`serve`'s scheduler runs the time-driven incident sweep by itself (no test drives it here)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.conftest import create_key, create_tenant, free_port, make_settings, start_service
from tracking_service.clock import FrozenClock


async def test_the_scheduled_sweep_opens_a_stall_without_any_new_scan(db_dsn: str, clock: FrozenClock) -> None:
    settings = make_settings(db_dsn, free_port(), incidents={"sweep_seconds": 0.2})
    live, runner = await start_service(settings, clock)
    try:
        async with live.client() as admin:
            await create_tenant(admin, "shop-a")
            key = await create_key(admin, "agent", ["shop-a"])
        async with live.client(key) as shop:
            created = (await shop.post("/v1/shipments", json={"tracking_number": "SBX-IN_TRANSIT-7"})).json()
            refreshed = (await shop.post(f"/v1/shipments/{created['id']}/refresh")).json()
            assert refreshed["status"] == "in_transit" and refreshed["open_incidents"] == []
            clock.advance(timedelta(days=5))  # the carrier says nothing more: only the sweep can notice
            kinds: list[str] = []
            for _ in range(50):
                shipment = (await shop.get(f"/v1/shipments/{created['id']}")).json()
                kinds = [i["kind"] for i in shipment["open_incidents"]]
                if "stalled" in kinds:
                    break
                await asyncio.sleep(0.1)
    finally:
        await runner.cleanup()
    # 5 days of silence in transit is a stall, and the carrier's ETA (the next day) has passed as well.
    assert sorted(kinds) == ["delayed", "stalled"]
