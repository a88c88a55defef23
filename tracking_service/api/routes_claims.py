"""Damage / loss / not-received claims: create, read, move through the state machine."""

from __future__ import annotations

from aiohttp import web

from schemas.api import ClaimCreate, ClaimTransition
from tracking_service.api.context import services
from tracking_service.api.middleware import authenticate, path_uuid, read_body
from tracking_service.api.problems import Problem, json_response, not_found
from tracking_service.claims import INCIDENT_KIND, can_move, claim_deadline, claim_view
from tracking_service.db import claims as sql
from tracking_service.db import outbox
from tracking_service.db import shipments as shipments_sql

routes = web.RouteTableDef()


@routes.post("/v1/claims")
async def create_claim(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    body = await read_body(request, ClaimCreate)
    svc = services(request)
    now = svc.clock.now()
    async with svc.db.acquire() as conn, conn.transaction():
        shipment = await shipments_sql.get_shipment(conn, body.shipment_id, principal.scope)
        if shipment is None:
            raise not_found("shipment")
        deadline = claim_deadline(body.kind.value, shipment["carrier"], shipment, svc.settings.claims.windows, now)
        row = await sql.insert_claim(
            conn,
            {
                "tenant_id": shipment["tenant_id"],
                "shipment_id": shipment["id"],
                "incident_id": await sql.matching_incident(
                    conn, shipment["tenant_id"], shipment["id"], INCIDENT_KIND[body.kind.value]
                ),
                "carrier": shipment["carrier"],
                "kind": body.kind.value,
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
            raise Problem(409, "Conflict", f"an active {body.kind.value} claim already exists for this shipment")
        view = claim_view(row)
        await outbox.enqueue_webhooks(conn, "claim.updated", [view], now)
    return json_response(view, status=201, headers={"Location": f"/v1/claims/{view['id']}"})


@routes.get("/v1/claims/{claim_id}")
async def get_claim(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    svc = services(request)
    row = await sql.get_claim(svc.db, path_uuid(request, "claim_id", "claim"), principal.scope)
    if row is None:
        raise not_found("claim")
    return json_response(claim_view(row, await sql.history(svc.db, row["tenant_id"], row["id"])))


@routes.post("/v1/claims/{claim_id}/transition")
async def transition_claim(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    claim_id = path_uuid(request, "claim_id", "claim")
    body = await read_body(request, ClaimTransition)
    svc = services(request)
    now = svc.clock.now()
    async with svc.db.acquire() as conn, conn.transaction():
        claim = await sql.get_claim(conn, claim_id, principal.scope, lock=True)
        if claim is None:
            raise not_found("claim")
        if not can_move(claim["state"], body.to.value):
            raise Problem(409, "Conflict", f"a claim that is {claim['state']} cannot become {body.to.value}")
        row = await sql.move(conn, claim, body.to.value, principal.key_id, body.note, now)
        view = claim_view(row, await sql.history(conn, row["tenant_id"], row["id"]))
        await outbox.enqueue_webhooks(conn, "claim.updated", [view], now)
    return json_response(view)
