"""Shipment use cases: register one or many, show one (with the lane model's ETA), search, refresh."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from carriers.base import SubscribeAdapter, UnsubscribeAdapter
from schemas.api import ShipmentCreate, ShipmentPatch
from tracking_service import shipments
from tracking_service.auth import Principal
from tracking_service.db import shipments as sql
from tracking_service.db import stopping
from tracking_service.db import tenants as tenants_sql
from tracking_service.estimates import estimate_shipment
from tracking_service.pagination import ListQuery
from tracking_service.services import Services
from tracking_service.tracking_links import tracking_url
from tracking_service.usecases.errors import Conflict, Invalid, NotFound, UseCaseError
from tracking_service.usecases.tenancy import read_scope, write_tenant

REFRESH_WAIT_STEPS = 50  # x 0.1 s


async def shipment_view(svc: Services, row: sql.ShipmentRow) -> dict[str, Any]:
    """The shipment as every entry point shows it, with the lane model's ETA where the carrier gives none."""
    model_at = (await estimate_shipment(svc.estimator, svc.db, row)).p50_at if shipments.needs_model(row) else None
    return shipments.to_response(row, model_at, link_of(svc, row))


def link_of(svc: Services, row: sql.ShipmentRow) -> str:
    """The shipment's buyers' page URL (SPEC §11)."""
    return tracking_url(svc.settings, row.id, row.link_generation)


async def find_shipment(svc: Services, principal: Principal, shipment_id: uuid.UUID) -> sql.ShipmentRow:
    """The caller's shipment, or NotFound (another tenant's shipment is no shipment)."""
    row = await sql.get_shipment(svc.db, shipment_id, principal.scope)
    if row is None:
        raise NotFound("shipment")
    return row


async def search_shipments(svc: Services, principal: Principal, query: ListQuery) -> list[sql.ShipmentRow]:
    """The caller's shipments matching every filter (``phone_last4`` is matched by its keyed hash), newest
    first."""
    where = {name: value for name, value in query.filters.items() if name != "phone_last4"}
    if query.filters.get("phone_last4") is not None:
        where["phone_last4_hash"] = svc.vault.phone_last4_hash(query.filters["phone_last4"])
    return await sql.search_shipments(svc.db, read_scope(principal, query.tenant), where, query.after, query.limit)


async def shipment_events(
    svc: Services, shipment: sql.ShipmentRow, after: tuple[datetime, bytes] | None, limit: int
) -> list[asyncpg.Record]:
    """The shipment's timeline, newest first."""
    return await sql.list_events(svc.db, shipment.tenant_id, shipment.id, after, limit)


@dataclass(frozen=True, slots=True)
class Registered:
    shipment: dict[str, Any]
    created: bool  # False: the same number was already registered for this tenant


BATCH_CHUNK = 500  # shipments per insert statement


async def register_shipment(svc: Services, principal: Principal, body: ShipmentCreate) -> Registered:
    """Register a parcel: carrier named or detected, buyer sealed and masked, push subscription queued. The
    number of a shipment stopped by DELETE resumes it (its stored order and buyer kept)."""
    [outcome] = await register_shipments(svc, principal, [body])
    if isinstance(outcome, UseCaseError):
        raise outcome
    return outcome


async def register_shipments(
    svc: Services, principal: Principal, bodies: Sequence[ShipmentCreate]
) -> list[Registered | UseCaseError]:
    """Register many parcels (``POST /v1/shipments/batch``, and the single POST as a batch of one): each body
    gets its own outcome, in order; a refused one does not stop the others. The tenants and linked parcels
    are checked in one query each, the good ones inserted ``BATCH_CHUNK`` per statement."""
    outcomes: list[Registered | UseCaseError | None] = [None] * len(bodies)
    prepared: list[tuple[int, sql.NewShipment]] = []
    for index, body in enumerate(bodies):
        try:
            prepared.append((index, await _prepare(svc, principal, body)))
        except UseCaseError as exc:
            outcomes[index] = exc
    async with svc.db.acquire() as conn:
        tenants = await tenants_sql.existing_tenants(conn, sorted({new.tenant_id for _, new in prepared}))
        links = [(new.tenant_id, new.linked_shipment_id) for _, new in prepared if new.linked_shipment_id]
        linked = await sql.existing_ids(conn, links)
        ready: list[tuple[int, sql.NewShipment]] = []
        for index, new in prepared:
            if new.tenant_id not in tenants:
                outcomes[index] = NotFound(f"tenant {new.tenant_id!r}")
            elif new.linked_shipment_id and (new.tenant_id, new.linked_shipment_id) not in linked:
                outcomes[index] = Invalid(
                    "linked_shipment_id names no shipment of this tenant", "linked_shipment_id", msg="not found"
                )
            else:
                ready.append((index, new))
        for start in range(0, len(ready), BATCH_CHUNK):
            chunk = ready[start : start + BATCH_CHUNK]
            stored = await sql.insert_shipments(conn, [new for _, new in chunk], svc.clock.now())
            resumed = await _resume_stopped(
                svc, conn, [(row, new) for (_, new), (row, _) in zip(chunk, stored, strict=True)]
            )
            for (index, _), (row, created) in zip(chunk, stored, strict=True):
                shown = resumed.get(row.id, row)
                outcomes[index] = Registered(shipments.to_response(shown, None, link_of(svc, shown)), created)
    return [outcome for outcome in outcomes if outcome is not None]


async def _resume_stopped(
    svc: Services, conn: asyncpg.Connection, stored: list[tuple[sql.ShipmentRow, sql.NewShipment]]
) -> dict[uuid.UUID, sql.ShipmentRow]:
    """A number registered again after DELETE is tracked again (and subscribed again where the carrier
    pushes); the resumed rows by id."""
    stopped = [(row.tenant_id, row.id, new.subscribe) for row, new in stored if row.stopped_at is not None]
    return {row.id: row for row in await stopping.resume_shipments(conn, stopped, svc.clock.now())}


async def _prepare(svc: Services, principal: Principal, body: ShipmentCreate) -> sql.NewShipment:
    """The row to insert: the tenant the key may write, the carrier (named or detected), the buyer sealed."""
    tenant_id = write_tenant(principal, body.tenant)
    try:
        carrier, sub_carrier = await shipments.choose_carrier(body, svc.enabled_carriers, svc.recognition)
    except shipments.UnknownCarrier as exc:
        raise Invalid(str(exc), "carrier", "unknown_carrier") from exc
    except shipments.AmbiguousCarrier as exc:
        raise Invalid(str(exc), "carrier", "carrier_ambiguous", "ambiguous", candidates=exc.candidates) from exc
    pushes = isinstance(svc.adapters.get(carrier), SubscribeAdapter)
    return shipments.new_shipment(tenant_id, carrier, sub_carrier, body, svc.vault, subscribe=pushes)


async def update_shipment(
    svc: Services, principal: Principal, shipment_id: uuid.UUID, patch: ShipmentPatch
) -> dict[str, Any]:
    """Change what the shop knows of a parcel (order id, promise, buyer, metadata, destination)."""
    changes = shipments.patch_columns(patch, svc.vault)
    if not changes:
        raise Invalid("send at least one field to change", "body", "missing", "nothing to change")
    row = await find_shipment(svc, principal, shipment_id)
    updated = await sql.update_shipment(svc.db, row.tenant_id, row.id, changes, svc.clock.now())
    if updated is None:
        raise NotFound("shipment")
    return await shipment_view(svc, updated)


async def stop_shipment(svc: Services, principal: Principal, shipment_id: uuid.UUID) -> None:
    """Stop tracking a parcel (SPEC §12 ``DELETE /v1/shipments/{id}``, idempotent, 204): no more polls or
    notices, and pushes for it are ignored. The carrier subscription is cancelled where the carrier allows
    (17TRACK ``stoptrack``): the subscription job (``tracking_service.subscriptions``) cancels it within a
    tick unless a live shipment of any tenant still wants the same number (the carrier account is shared).
    Kuaidi100 ``poll`` and EasyPost trackers have no cancel call: their subscriptions run out by themselves.
    Registering the number again resumes tracking and subscribes it again."""
    row = await find_shipment(svc, principal, shipment_id)
    cancelling = [code for code, adapter in svc.adapters.items() if isinstance(adapter, UnsubscribeAdapter)]
    async with svc.db.acquire() as conn:
        await stopping.stop_shipment(conn, row.tenant_id, row.id, svc.clock.now(), cancelling)


async def refresh_shipment(svc: Services, principal: Principal, shipment_id: uuid.UUID) -> dict[str, Any]:
    """Poll the carrier now (within its budgets) and answer the shipment with what the refresh did."""
    row = await find_shipment(svc, principal, shipment_id)
    if row.stopped_at is not None:
        raise Conflict("tracking of this shipment was stopped (DELETE); register it again to resume")
    assert svc.poller is not None
    report = await svc.poller.refresh(row.tenant_id, shipment_id)
    if report is None and not await _wait_for_lease(svc.db, row.tenant_id, shipment_id):
        raise Conflict("a poll of this shipment is already in progress; try again shortly")
    row = await find_shipment(svc, principal, shipment_id)
    data = await shipment_view(svc, row)
    if report is None:
        data["refresh"] = {"polled_by": "another worker"}
    elif report.skipped_min_interval:
        # The carrier's per-number budget (Kuaidi100: 30 min) says not yet: the stored state is the answer.
        data["refresh"] = {"skipped": "min_interval", "next_poll_at": row.next_poll_at}
    else:
        data["refresh"] = {
            "events_received": report.events_received,
            "events_new": report.events_inserted,
            "errors": report.errors,
        }
    return data


async def _wait_for_lease(pool: asyncpg.Pool, tenant_id: str, shipment_id: uuid.UUID) -> bool:
    """Wait (briefly) for another poller's in-flight poll of this shipment to finish."""
    for _ in range(REFRESH_WAIT_STEPS):
        await asyncio.sleep(0.1)
        if not await sql.is_leased(pool, tenant_id, shipment_id):
            return True
    return False
