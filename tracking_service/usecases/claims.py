"""Claims (SPEC §8) as use cases: open one for a shipment, move it, read it with its history."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from schemas.claims import ClaimCreate
from tracking_service import notices
from tracking_service.auth import Principal
from tracking_service.claims import INCIDENT_KIND, can_move, claim_deadline, claim_view
from tracking_service.db import buyer_page as photos_sql
from tracking_service.db import claims as sql
from tracking_service.db import shipments as shipments_sql
from tracking_service.pagination import ListQuery
from tracking_service.services import Services
from tracking_service.usecases.errors import Conflict, NotFound
from tracking_service.usecases.tenancy import read_scope


async def open_claim(svc: Services, principal: Principal, body: ClaimCreate) -> dict[str, Any]:
    """A new claim against the carrier, linked to the shipment's matching incident; ``claim.updated`` goes out."""
    now = svc.clock.now()
    kind = body.kind.value
    async with svc.db.acquire() as conn, conn.transaction():
        shipment = await shipments_sql.get_shipment(conn, body.shipment_id, principal.scope)
        if shipment is None:
            raise NotFound("shipment")
        deadline = claim_deadline(kind, shipment.carrier, shipment, svc.settings.claims.windows, now)
        row = await sql.insert_claim(
            conn,
            {
                "tenant_id": shipment.tenant_id,
                "shipment_id": shipment.id,
                "incident_id": await sql.matching_incident(conn, shipment.tenant_id, shipment.id, INCIDENT_KIND[kind]),
                "carrier": shipment.carrier,
                "kind": kind,
                "description": body.description,
                "amount_value": body.amount.value if body.amount else None,
                "amount_currency": body.amount.currency if body.amount else None,
                "evidence": body.evidence,
                "deadline_at": deadline,
                "past_window": now > deadline,
            },
            principal.key_id,
            now,
        )
        if row is None:
            raise Conflict(f"an active {kind} claim already exists for this shipment")
        view = claim_view(row)
        await notices.claim_updated(conn, view, now)
    return view


async def move_claim(
    svc: Services, principal: Principal, claim_id: uuid.UUID, to_state: str, note: str | None
) -> dict[str, Any]:
    """Move a claim along its state machine (anything else is a conflict); ``claim.updated`` goes out."""
    now = svc.clock.now()
    async with svc.db.acquire() as conn, conn.transaction():
        claim = await sql.get_claim(conn, claim_id, principal.scope, lock=True)
        if claim is None:
            raise NotFound("claim")
        if not can_move(claim["state"], to_state):
            raise Conflict(f"a claim that is {claim['state']} cannot become {to_state}")
        row = await sql.move(conn, claim, to_state, principal.key_id, note, now)
        view = claim_view(row, await sql.history(conn, row["tenant_id"], row["id"]))
        await notices.claim_updated(conn, view, now)
    return view


async def claim_detail(svc: Services, principal: Principal, claim_id: uuid.UUID) -> dict[str, Any]:
    """A claim with its history and its evidence photos (each with its key-authenticated URL)."""
    row = await sql.get_claim(svc.db, claim_id, principal.scope)
    if row is None:
        raise NotFound("claim")
    view = claim_view(row, await sql.history(svc.db, row["tenant_id"], row["id"]))
    base = f"{svc.settings.public_base_url()}/v1/claims/{row['id']}/evidence"
    view["photos"] = [
        {
            "id": str(p["id"]),
            "url": f"{base}/{p['id']}",
            "content_type": p["content_type"],
            "width": p["width"],
            "height": p["height"],
            "size_bytes": p["size_bytes"],
            "created_at": p["created_at"],
        }
        for p in await photos_sql.claim_photos(svc.db, row["tenant_id"], row["id"])
    ]
    return view


async def list_claims(svc: Services, principal: Principal, query: ListQuery) -> list[asyncpg.Record]:
    """The caller's claims matching every filter (state, kind), newest first."""
    scope = read_scope(principal, query.tenant)
    return await sql.CLAIMS.fetch(svc.db, scope, dict(query.filters), query.after, query.limit)


async def claim_photo(
    svc: Services, principal: Principal, claim_id: uuid.UUID, photo_id: uuid.UUID
) -> tuple[str, bytes]:
    """One evidence photo of a claim the caller's key may read: (content type, bytes); NotFound otherwise."""
    claim = await sql.get_claim(svc.db, claim_id, principal.scope)
    photo = await photos_sql.photo_bytes(svc.db, claim["tenant_id"], claim_id, photo_id) if claim else None
    if photo is None:
        raise NotFound("photo")
    return photo["content_type"], bytes(photo["data"])
