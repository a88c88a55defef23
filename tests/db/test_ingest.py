"""Ingest rules: dedupe, no status moving backwards, one round trip per batch, unknown codes counted."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
from prometheus_client import REGISTRY

from schemas import CarrierEvent, Status, SubStatus, TrackingResult
from tracking_service.db import shipments as shipments_sql
from tracking_service.ingest import ShipmentRef, ingest

T0 = datetime(2026, 11, 11, 8, 0, tzinfo=UTC)


async def _shipment(conn: asyncpg.Connection, number: str = "SBX-IN_TRANSIT-1") -> ShipmentRef:
    await conn.execute("INSERT INTO tenants (id, name, created_at) VALUES ('t1', 'T1', $1) ON CONFLICT DO NOTHING", T0)
    new = shipments_sql.NewShipment(
        "t1", "sandbox", number, None, None, None, None, None, None, None, None, None, None, {}
    )
    row, _ = await shipments_sql.insert_shipment(conn, new, T0)
    return ShipmentRef("t1", row.id, "sandbox")


def _event(hours: float, status: Status, code: str, desc: str = "", sub: SubStatus | None = None) -> CarrierEvent:
    return CarrierEvent(
        occurred_at=T0 + timedelta(hours=hours),
        status=status,
        carrier_code=code,
        description=desc or code,
        sub_status=sub,
    )


async def _status(conn: asyncpg.Connection, ref: ShipmentRef) -> tuple[str, str | None]:
    row = await conn.fetchrow("SELECT status, sub_status FROM shipments WHERE id = $1", ref.shipment_id)
    return row["status"], row["sub_status"]


async def test_same_event_twice_is_stored_once(conn: asyncpg.Connection) -> None:
    ref = await _shipment(conn)
    result = TrackingResult("SBX-IN_TRANSIT-1", [_event(0, Status.IN_TRANSIT, "COLLECTED")])
    first = await ingest(conn, [(ref, result), (ref, result)], T0)
    second = await ingest(conn, [(ref, result)], T0)
    assert (first.inserted, second.inserted) == (1, 0)
    assert await conn.fetchval("SELECT count(*) FROM events") == 1


async def test_same_time_and_code_with_other_text_is_another_event(conn: asyncpg.Connection) -> None:
    ref = await _shipment(conn)
    events = [_event(0, Status.IN_TRANSIT, "ARRIVED", "到达杭州"), _event(0, Status.IN_TRANSIT, "ARRIVED", "到达上海")]
    report = await ingest(conn, [(ref, TrackingResult("x", events))], T0)
    assert report.inserted == 2


async def test_late_older_event_is_stored_but_never_moves_status_back(conn: asyncpg.Connection) -> None:
    ref = await _shipment(conn)
    await ingest(conn, [(ref, TrackingResult("x", [_event(10, Status.DELIVERED, "SIGNED")]))], T0)
    late = await ingest(conn, [(ref, TrackingResult("x", [_event(5, Status.OUT_FOR_DELIVERY, "DELIVERING")]))], T0)
    assert late.inserted == 1 and late.changes == []
    assert await _status(conn, ref) == ("delivered", None)


async def test_terminal_status_changes_only_by_a_newer_event(conn: asyncpg.Connection) -> None:
    ref = await _shipment(conn)
    await ingest(conn, [(ref, TrackingResult("x", [_event(10, Status.DELIVERED, "SIGNED")]))], T0)
    newer = _event(12, Status.RETURNING, "REFUSED", sub=SubStatus.REFUSED)
    report = await ingest(conn, [(ref, TrackingResult("x", [newer]))], T0)
    assert [(c.old_status, c.new_status) for c in report.changes] == [("delivered", "returning")]
    assert await _status(conn, ref) == ("returning", "refused")


async def test_a_batch_for_many_shipments_is_one_round_trip(conn: asyncpg.Connection) -> None:
    refs = [await _shipment(conn, f"SBX-IN_TRANSIT-{n}") for n in range(10)]
    batch = [(ref, TrackingResult("x", [_event(h, Status.IN_TRANSIT, f"C{h}") for h in range(10)])) for ref in refs]
    warm = await _shipment(conn, "SBX-IN_TRANSIT-warm")  # asyncpg introspects types on first use
    await ingest(conn, [(warm, TrackingResult("x", [_event(0, Status.IN_TRANSIT, "C")]))], T0)
    queries: list[str] = []
    conn.add_query_logger(lambda record: queries.append(record.query))
    report = await ingest(conn, batch, T0)
    await asyncio.sleep(0.01)  # query loggers are called soon after, not during, the query
    assert report.inserted == 100
    assert len(queries) == 1, queries
    assert {r["status"] for r in await conn.fetch("SELECT status FROM shipments")} == {"in_transit"}


async def test_unknown_code_is_stored_as_unknown_and_counted(conn: asyncpg.Connection) -> None:
    ref = await _shipment(conn)
    code = f"ZZ-{uuid.uuid4().hex[:6]}"
    before = REGISTRY.get_sample_value("tracking_unmapped_carrier_codes_total", {"carrier": "sandbox", "code": code})
    await ingest(conn, [(ref, TrackingResult("x", [_event(1, Status.UNKNOWN, code)]))], T0)
    after = REGISTRY.get_sample_value("tracking_unmapped_carrier_codes_total", {"carrier": "sandbox", "code": code})
    assert before is None and after == 1.0
    assert await _status(conn, ref) == ("unknown", None)


async def test_events_are_stored_in_utc_whatever_offset_they_came_with(conn: asyncpg.Connection) -> None:
    from carriers.base import SHANGHAI, parse_local_time

    ref = await _shipment(conn)
    occurred = parse_local_time("2026-11-11 16:00:00", SHANGHAI, "sandbox")
    event = CarrierEvent(occurred_at=occurred, status=Status.IN_TRANSIT, carrier_code="COLLECTED")
    await ingest(conn, [(ref, TrackingResult("x", [event]))], T0)
    stored = await conn.fetchval("SELECT occurred_at FROM events")
    assert stored == datetime(2026, 11, 11, 8, 0, tzinfo=UTC)
