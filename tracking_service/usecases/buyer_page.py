"""The buyers' page (SPEC §11) as use cases: open a parcel by its link token, and what its page shows."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from tracking_service.answers.build import build_context
from tracking_service.answers.context import AnswerContext
from tracking_service.db import buyer_page as sql
from tracking_service.db import shipments as shipments_sql
from tracking_service.db import tenants as tenants_sql
from tracking_service.db.shipments import ShipmentRow
from tracking_service.services import Services
from tracking_service.tracking_links import LinkKeys, shipment_of

TIMELINE_LIMIT = 100

# A destination country's time zone, where the country has one: the buyer's local time. Elsewhere the shop's.
COUNTRY_ZONES = {
    "CN": "Asia/Shanghai",
    "TW": "Asia/Taipei",
    "HK": "Asia/Hong_Kong",
    "MO": "Asia/Macau",
    "SG": "Asia/Singapore",
    "MY": "Asia/Kuala_Lumpur",
    "JP": "Asia/Tokyo",
    "KR": "Asia/Seoul",
    "GB": "Europe/London",
    "DE": "Europe/Berlin",
    "FR": "Europe/Paris",
    "NL": "Europe/Amsterdam",
    "NZ": "Pacific/Auckland",
}


def buyer_zone(shipment: ShipmentRow, shop_zone: str) -> str:
    """The zone the buyer reads times in: the destination country's, else the shop's."""
    country = str((shipment.destination or {}).get("country") or "").upper()
    return COUNTRY_ZONES.get(country, shop_zone)


@dataclass(frozen=True, slots=True)
class Parcel:
    """A shipment a buyer holds the live link of, with its shop."""

    shipment: ShipmentRow
    tenant: asyncpg.Record
    token: str


async def open_link(svc: Services, token: str) -> Parcel | None:
    """The parcel of a live link; None for garbage, an unknown shipment or a revoked link (all a 404 alike)."""
    shipment_id = shipment_of(token)
    if shipment_id is None:
        return None
    shipment = await sql.shipment_by_id(svc.db, shipment_id)
    if shipment is None or not LinkKeys.of(svc.settings).verifies(token, shipment.id, shipment.link_generation):
        return None
    tenant = await tenants_sql.get_tenant(svc.db, shipment.tenant_id)
    if tenant is None:
        return None
    return Parcel(shipment, tenant, token)


@dataclass(frozen=True, slots=True)
class ParcelFacts:
    """What the page may say of a parcel: the answers' context (times in ``zone``) and its timeline."""

    context: AnswerContext
    events: list[asyncpg.Record]
    zone: str


async def parcel_facts(svc: Services, parcel: Parcel) -> ParcelFacts:
    """The parcel's facts, with times in the buyer's zone."""
    zone = buyer_zone(parcel.shipment, parcel.tenant["timezone"])
    ctx = await build_context(svc.db, parcel.shipment, zone, svc.clock.now(), svc.estimator)
    shipment = parcel.shipment
    events = await shipments_sql.list_events(svc.db, shipment.tenant_id, shipment.id, None, TIMELINE_LIMIT)
    return ParcelFacts(ctx, events, zone)
