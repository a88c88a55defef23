"""The buyers' page (SPEC §11) as use cases: open a parcel by its link token, what its page shows, and the
lookup by order id + phone."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import asyncpg

from tracking_service.answers.build import build_context
from tracking_service.answers.context import AnswerContext
from tracking_service.audit import AuditEntry
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


LOOKUPS_PER_MINUTE = 10


@dataclass(frozen=True, slots=True)
class Lookup:
    """What ``GET /track`` found: the parcel's page path, nothing (any wrong pair), or a throttled client."""

    path: str | None
    throttled: bool = False


def _client_key(svc: Services, client: str) -> bytes:
    secret = hashlib.sha256(b"buyer lookup client\x00" + svc.settings.pii_key.get_secret_value().encode()).digest()
    return hmac.new(secret, client.encode(), hashlib.sha256).digest()[:16]


async def look_up(svc: Services, order_id: str, phone_last4: str, client: str) -> Lookup:
    """A parcel by order id + the phone's last 4 digits, at most ``LOOKUPS_PER_MINUTE`` a minute per client
    address (across replicas), every attempt audited; a wrong order, a wrong phone and an unknown pair are
    one answer, so the lookup tells nothing about which orders exist."""
    now = svc.clock.now()
    attempts = await sql.count_attempt(svc.db, _client_key(svc, client), now.replace(second=0, microsecond=0))
    if attempts > LOOKUPS_PER_MINUTE:
        svc.audit.record(AuditEntry("", None, "GET /track", "track", None, 429, now))
        return Lookup(None, throttled=True)
    shipment = await sql.find_for_lookup(svc.db, order_id, svc.vault.phone_last4_hash(phone_last4))
    if shipment is None:
        svc.audit.record(AuditEntry("", None, "GET /track", "track", None, 404, now))
        return Lookup(None)
    svc.audit.record(AuditEntry(shipment.tenant_id, None, "GET /track", "track", str(shipment.id), 303, now))
    token = LinkKeys.of(svc.settings).token(shipment.id, shipment.link_generation)
    return Lookup(f"/t/{token}")
