"""GET /v1/stats: counts by status, carrier, incident kind, buyer intent and hour of day."""

from __future__ import annotations

import httpx

from tests.conftest import LiveService


async def test_stats_count_what_happened_in_the_window(service: LiveService, shop: httpx.AsyncClient) -> None:
    for number in ("SBX-DAMAGED-1", "SBX-STALLED-2", "SBX-DELIVERED-3"):
        await shop.post("/v1/shipments", json={"tracking_number": number})
    await service.services.poller.poll_once()  # type: ignore[union-attr]
    for text in ("SBX-DAMAGED-1 包裹破了", "我的快递到哪了 SBX-STALLED-2", "where is my order SBX-STALLED-2"):
        assert (await shop.post("/v1/answers", json={"text": text})).status_code == 200
    stats = (await shop.get("/v1/stats", params={"timezone": "UTC"})).json()
    assert stats["shipments_by_status"] == {"exception": 1, "in_transit": 1, "delivered": 1}
    assert stats["incidents_by_kind"] == {"damaged": 1, "stalled": 1}
    assert stats["intents"] == {"where_is_my_parcel": 2, "damaged": 1}
    assert sum(stats["questions_by_hour"]) == 3 and len(stats["questions_by_hour"]) == 24
    assert stats["questions_by_hour"][service.clock.now().hour] == 3


async def test_stats_reject_a_backwards_window_and_bad_zone(shop: httpx.AsyncClient) -> None:
    bad = await shop.get("/v1/stats", params={"from": "2026-11-12T00:00:00Z", "to": "2026-11-11T00:00:00Z"})
    assert bad.status_code == 422
    assert (await shop.get("/v1/stats", params={"timezone": "Mars/Base"})).status_code == 422
