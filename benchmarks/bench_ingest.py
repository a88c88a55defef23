"""Ingest rate through the real ingest path vs raw COPY of the same rows into the same table."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

from common import best_of, connect, report, scratch_database

from schemas import CarrierEvent, Status, TrackingResult
from tracking_service.db import shipments as shipments_sql
from tracking_service.estimates import Estimator
from tracking_service.incidents.service import after_ingest
from tracking_service.ingest import ShipmentRef, ingest

SHIPMENTS = 2000
EVENTS_PER_SHIPMENT = 10
BATCH_SHIPMENTS = 200  # one poll batch
T0 = datetime(2026, 11, 1, tzinfo=UTC)
CODES = [
    ("COLLECTED", Status.IN_TRANSIT),
    ("DEPARTED", Status.IN_TRANSIT),
    ("ARRIVED", Status.IN_TRANSIT),
    ("DELIVERING", Status.OUT_FOR_DELIVERY),
    ("SIGNED", Status.DELIVERED),
]


def _results(refs: list[ShipmentRef]) -> list[tuple[ShipmentRef, TrackingResult]]:
    batch = []
    for n, ref in enumerate(refs):
        events = [
            CarrierEvent(
                occurred_at=T0 + timedelta(hours=i * 5, minutes=n % 60),
                status=CODES[i % 5][1],
                carrier_code=CODES[i % 5][0],
                description=f"快件已到达第{i}站 {n}",
                location="杭州转运中心",
            )
            for i in range(EVENTS_PER_SHIPMENT)
        ]
        batch.append((ref, TrackingResult(f"SBX-IN_TRANSIT-{n}", events)))
    return batch


async def main() -> None:
    async with scratch_database("ingest") as dsn:
        conn = await connect(dsn)
        await conn.execute("INSERT INTO tenants (id, name, created_at) VALUES ('bench', 'Bench', now())")
        refs = []
        for n in range(SHIPMENTS):
            new = shipments_sql.NewShipment(
                "bench",
                "sandbox",
                f"SBX-IN_TRANSIT-{n}",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                {},
            )
            row, _ = await shipments_sql.insert_shipment(conn, new, T0)
            refs.append(ShipmentRef("bench", row.id, "sandbox"))
        batch = _results(refs)
        total = SHIPMENTS * EVENTS_PER_SHIPMENT

        async def reset() -> None:
            await conn.execute("TRUNCATE events, incidents, lane_transit")
            await conn.execute("UPDATE shipments SET status = 'pending', last_event_at = NULL")

        async def through_ingest() -> None:
            for start in range(0, len(batch), BATCH_SHIPMENTS):
                await ingest(conn, batch[start : start + BATCH_SHIPMENTS], T0)

        estimator = Estimator()

        async def ingest_with_detection() -> None:
            for start in range(0, len(batch), BATCH_SHIPMENTS):
                report = await ingest(conn, batch[start : start + BATCH_SHIPMENTS], T0)
                await after_ingest(conn, report.changes, T0, estimator)

        rows = [
            (
                ref.tenant_id,
                ref.shipment_id,
                e.occurred_at,
                hashlib.md5(f"{e.carrier_code}\x1f{e.description}".encode()).digest(),  # noqa: S324
                e.status.value,
                None,
                e.description,
                e.location,
                e.carrier_code,
                "poll",
                T0,
            )
            for ref, result in batch
            for e in result.events
        ]

        async def raw_copy() -> None:
            for start in range(0, len(rows), BATCH_SHIPMENTS * EVENTS_PER_SHIPMENT):
                await conn.copy_records_to_table(
                    "events",
                    records=rows[start : start + BATCH_SHIPMENTS * EVENTS_PER_SHIPMENT],
                    columns=[
                        "tenant_id",
                        "shipment_id",
                        "occurred_at",
                        "dedupe_key",
                        "status",
                        "sub_status",
                        "description",
                        "location",
                        "carrier_code",
                        "source",
                        "received_at",
                    ],
                )

        await through_ingest()  # warm up type introspection and caches
        ingest_s = await best_of(5, through_ingest, reset)
        copy_s = await best_of(3, raw_copy, reset)
        await ingest_with_detection()
        detect_s = await best_of(5, ingest_with_detection, reset)
        assert await conn.fetchval("SELECT count(*) FROM events") == total
        await conn.close()
    ingest_rate, copy_rate = total / ingest_s, total / copy_s
    report(
        f"ingest {total} events ({BATCH_SHIPMENTS}-shipment batches)",
        f"{ingest_rate:,.0f} ev/s",
        f"COPY {copy_rate:,.0f} ev/s",
        ingest_rate / copy_rate,
        ">= 15,000 ev/s and >= 0.10 of COPY",
    )
    detect_rate = total / detect_s
    report(
        "ingest + incident evaluation",
        f"{detect_rate:,.0f} ev/s",
        f"ingest {ingest_rate:,.0f} ev/s",
        detect_rate / ingest_rate,
        f"evaluation adds < 20% (here {100 * (detect_s / ingest_s - 1):.0f}%)",
    )


if __name__ == "__main__":
    asyncio.run(main())
