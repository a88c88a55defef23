"""The buyers' page (SPEC §11) as use cases: open a parcel by its link token, what its page shows, and the
lookup by order id + phone, and the buyer's two self-service steps: "not received" and "damaged" with photos."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from tracking_service import notices
from tracking_service.answers.build import build_context
from tracking_service.answers.context import AnswerContext
from tracking_service.audit import AuditEntry
from tracking_service.buyer_page.photos import Photo
from tracking_service.claims import claim_deadline, claim_view
from tracking_service.db import buyer_page as sql
from tracking_service.db import claims as claims_sql
from tracking_service.db import shipments as shipments_sql
from tracking_service.db import tenants as tenants_sql
from tracking_service.db.shipments import ShipmentRow
from tracking_service.incidents.service import open_dispute
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


@dataclass(frozen=True, slots=True)
class Lookup:
    """What ``GET /track`` found: the parcel's page path, nothing (any wrong pair), or a throttled client."""

    path: str | None
    throttled: bool = False


def _client_key(svc: Services, client: str) -> bytes:
    secret = hashlib.sha256(b"buyer lookup client\x00" + svc.settings.pii_key.get_secret_value().encode()).digest()
    return hmac.new(secret, client.encode(), hashlib.sha256).digest()[:16]


async def look_up(svc: Services, order_id: str, phone_last4: str, client: str) -> Lookup:
    """A parcel by order id + the phone's last 4 digits, at most ``security.lookups_per_minute`` a minute per client
    address (across replicas), every attempt audited; a wrong order, a wrong phone and an unknown pair are
    one answer, so the lookup tells nothing about which orders exist."""
    now = svc.clock.now()
    attempts = await sql.count_attempt(svc.db, _client_key(svc, client), now.replace(second=0, microsecond=0))
    if attempts > svc.settings.security.lookups_per_minute:
        svc.audit.record(AuditEntry("", None, "GET /track", "track", None, 429, now))
        return Lookup(None, throttled=True)
    shipment = await sql.find_for_lookup(svc.db, order_id, svc.vault.phone_last4_hash(phone_last4))
    if shipment is None:
        svc.audit.record(AuditEntry("", None, "GET /track", "track", None, 404, now))
        return Lookup(None)
    svc.audit.record(AuditEntry(shipment.tenant_id, None, "GET /track", "track", str(shipment.id), 303, now))
    token = LinkKeys.of(svc.settings).token(shipment.id, shipment.link_generation)
    return Lookup(f"/t/{token}")


class NotAllowed(Exception):
    """The parcel's state does not allow this self-service step; the page's sentence key says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def report_not_received(svc: Services, parcel: Parcel) -> bool:
    """The buyer says a delivered parcel never arrived: ``delivery_disputed`` opens once, and its desk note goes
    out through the shop's desk connector (the outbox, with the incident). True when this click opened it; a
    repeated click finds the open incident and adds nothing."""
    check_dispute(parcel.shipment)
    async with svc.db.acquire() as conn:
        changes = await open_dispute(conn, parcel.shipment, "buyer_page", svc.clock.now())
    return bool(changes.opened)


def check_dispute(shipment: ShipmentRow) -> None:
    """Only a parcel the carrier marked delivered can be reported as not received."""
    if shipment.status != "delivered":
        raise NotAllowed("not_delivered")


def check_damage(shipment: ShipmentRow) -> None:
    """Damage is reported on a delivered parcel, or one the carrier recorded as damaged."""
    kinds = {i["kind"] for i in shipment.open_incidents}
    if not (shipment.status == "delivered" or shipment.sub_status == "damaged" or "damaged" in kinds):
        raise NotAllowed("not_damageable")


def evidence_url(svc: Services, claim_id: uuid.UUID, photo_id: uuid.UUID) -> str:
    """Where agents read a photo: the key-authenticated, shop-scoped API."""
    return f"{svc.settings.public_base_url()}/v1/claims/{claim_id}/evidence/{photo_id}"


async def report_damage(svc: Services, parcel: Parcel, description: str, photos: Sequence[Photo]) -> dict[str, Any]:
    """Open a ``damaged`` claim with the buyer's photos (or add them to the parcel's active one), in one
    transaction with its ``claim.updated`` notice; the claim as ``GET /v1/claims/{id}`` shows it."""
    shipment = parcel.shipment
    check_damage(shipment)
    now = svc.clock.now()
    async with svc.db.acquire() as conn, conn.transaction():
        claim = await claims_sql.active_claim_of_kind(conn, shipment.tenant_id, shipment.id, "damaged")
        if claim is None:
            deadline = claim_deadline("damaged", shipment.carrier, shipment, svc.settings.claims.windows, now)
            claim = await claims_sql.insert_claim(
                conn,
                {
                    "tenant_id": shipment.tenant_id,
                    "shipment_id": shipment.id,
                    "incident_id": await claims_sql.matching_incident(conn, shipment.tenant_id, shipment.id, "damaged"),
                    "carrier": shipment.carrier,
                    "kind": "damaged",
                    "description": description,
                    "amount_value": None,
                    "amount_currency": None,
                    "evidence": [],
                    "deadline_at": deadline,
                    "past_window": now > deadline,
                },
                None,
                now,
            )
            # None: a concurrent report opened it first (the one-active-claim index); add to that one.
            claim = claim or await claims_sql.active_claim_of_kind(conn, shipment.tenant_id, shipment.id, "damaged")
            if claim is None:
                raise NotAllowed("not_damageable")
        stored = [sql.NewPhoto(uuid.uuid4(), p.content_type, p.width, p.height, p.data, p.sha256) for p in photos]
        urls = [evidence_url(svc, claim["id"], p.id) for p in stored]
        await sql.add_photos(conn, shipment.tenant_id, claim["id"], stored, urls, now)
        row = await claims_sql.get_claim(conn, claim["id"], [shipment.tenant_id])
        assert row is not None
        view = claim_view(row)
        await notices.claim_updated(conn, view, now)
    return view
