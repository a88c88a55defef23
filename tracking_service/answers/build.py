"""Builds an ``AnswerContext`` for a shipment from what the database holds — and only that."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import asyncpg

from tracking_service import shipments
from tracking_service.answers.context import (
    AnswerContext,
    ClaimInfo,
    Estimate,
    Lane,
    LastEvent,
    OpenIncident,
    ShippingInfo,
)
from tracking_service.db import answers as answers_sql
from tracking_service.db import claims as claims_sql
from tracking_service.db import incidents as incidents_sql
from tracking_service.db.shipments import ShipmentRow
from tracking_service.estimates import Estimator, estimate_shipment
from tracking_service.tenants import settings_of


def last_event_of(row: ShipmentRow) -> LastEvent | None:
    if row.last_event_at is None or row.last_event_status is None:
        return None
    return LastEvent(
        occurred_at=row.last_event_at,
        status=row.last_event_status,
        sub_status=row.last_event_sub_status,
        description=row.last_event_description or "",
        location=row.last_event_location,
    )


async def build_context(
    conn: asyncpg.Connection | asyncpg.Pool,
    shipment: ShipmentRow,
    timezone: str,
    now: datetime,
    estimator: Estimator,
) -> AnswerContext:
    """The facts one shipment's answer may quote: last scan, ETA with source, lane, open incidents, and the
    return parcel the shop registered against it."""
    returned = await answers_sql.return_of(conn, shipment.tenant_id, shipment.id)
    return_context = await _parcel_context(conn, returned, timezone, now, estimator, None) if returned else None
    return await _parcel_context(conn, shipment, timezone, now, estimator, return_context)


async def _parcel_context(
    conn: asyncpg.Connection | asyncpg.Pool,
    shipment: ShipmentRow,
    timezone: str,
    now: datetime,
    estimator: Estimator,
    return_context: AnswerContext | None,
) -> AnswerContext:
    estimate = await estimate_shipment(estimator, conn, shipment)
    lane = estimate.lane
    eta = shipments.estimated_delivery(shipment, estimate.p50_at)
    incidents = await incidents_sql.unresolved_for_shipment(conn, shipment.tenant_id, shipment.id)
    claim = await claims_sql.active_claim(conn, shipment.tenant_id, shipment.id)
    last = last_event_of(shipment)
    buyer = shipment.buyer_masked or {}
    return AnswerContext(
        now=now,
        timezone=timezone,
        buyer_name=buyer.get("name"),
        carrier=shipment.carrier,
        sub_carrier=shipment.sub_carrier,
        tracking_number=shipment.tracking_number,
        status=shipment.status,
        sub_status=shipment.sub_status,
        last_event=last,
        estimate=Estimate(at=eta["at"], source=eta["source"]),
        lane=Lane(lane.p50_hours, lane.p90_hours, lane.samples) if lane else None,
        incidents=[OpenIncident(i["kind"], i["state"], i["opened_at"], i["facts"]) for i in incidents],
        claim=(ClaimInfo(claim["kind"], claim["state"], claim["deadline_at"], claim["past_window"]) if claim else None),
        delivered_event=last if shipment.status == "delivered" else None,
        return_shipment=return_context,
    )


async def presale_context(
    conn: asyncpg.Connection | asyncpg.Pool,
    tenant: Mapping[str, Any],
    enabled_carriers: Sequence[str],
    now: datetime,
    estimator: Estimator,
) -> AnswerContext:
    """Context for a question asked before any parcel exists (shipping_time): the shop's dispatch policy
    and the transit times of the carrier it ships with most (a new shop: the first enabled carrier)."""
    policy = settings_of(tenant["settings"]).shipping
    used = await answers_sql.carriers_used(conn, tenant["id"], now)
    carrier = used[0]["carrier"] if used else next(iter(enabled_carriers), "")
    lane = await estimator.estimate(conn, [tenant["id"]], carrier, None, None) if carrier else None
    return AnswerContext(
        now=now,
        timezone=tenant["timezone"],
        buyer_name=None,
        carrier=carrier,
        sub_carrier=None,
        tracking_number=None,
        status=None,
        sub_status=None,
        last_event=None,
        estimate=Estimate(None, None),
        lane=Lane(lane.p50_hours, lane.p90_hours, lane.samples) if lane else None,
        shipping=ShippingInfo(
            carriers=list(policy.carriers or [r["shown"] for r in used]),
            cutoff=policy.cutoff,
            dispatch_days=policy.dispatch_days,
            free_shipping=policy.free_shipping,
            free_shipping_min=policy.free_shipping_min,
            no_free_shipping_regions=list(policy.no_free_shipping_regions),
            no_delivery_regions=list(policy.no_delivery_regions),
            carriers_on_request=list(policy.carriers_on_request),
            on_request_surcharge=policy.on_request_surcharge,
        ),
    )
