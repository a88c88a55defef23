"""Prepared answers: for one shipment and intent, or for a buyer's free-text message."""

from __future__ import annotations

from typing import Any

import asyncpg
from aiohttp import web

from schemas.api import AnswerQuery, AnswerRequest
from tracking_service.answers.build import build_context, presale_context
from tracking_service.answers.context import Answer, Intent
from tracking_service.answers.intents import detect_intent, detect_script
from tracking_service.answers.numbers import find_order_ids, find_tracking_numbers
from tracking_service.answers.render import prepare_answer
from tracking_service.api.context import Services, services
from tracking_service.api.middleware import authenticate, parse_query, path_uuid, read_body
from tracking_service.api.problems import Problem, json_response, not_found
from tracking_service.api.routes_shipments import shipment_view
from tracking_service.auth import Principal
from tracking_service.db import answers as sql
from tracking_service.db import shipments as shipments_sql
from tracking_service.db import tenants as tenants_sql
from tracking_service.incidents.service import open_dispute

routes = web.RouteTableDef()


def answer_view(answer: Answer) -> dict[str, Any]:
    return {
        "intent": answer.intent.value,
        "locale": answer.locale,
        "text": answer.text,
        "next_update": answer.next_update,
    }


async def _shipment_answer(svc: Services, shipment: asyncpg.Record, intent: Intent, locale: str) -> Answer:
    tenant = await tenants_sql.get_tenant(svc.db, shipment["tenant_id"])
    assert tenant is not None
    returned = await sql.return_of(svc.db, shipment["tenant_id"], shipment["id"])
    context = await build_context(svc.db, shipment, tenant["timezone"], svc.clock.now(), svc.estimator, returned)
    return prepare_answer(context, intent, locale)


@routes.get("/v1/shipments/{shipment_id}/answer")
async def shipment_answer(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    query = parse_query(request, AnswerQuery)
    svc = services(request)
    shipment = await shipments_sql.get_shipment(svc.db, path_uuid(request, "shipment_id", "shipment"), principal.scope)
    if shipment is None:
        raise not_found("shipment")
    locale = query.locale.value if query.locale else (shipment["buyer_masked"] or {}).get("locale", "zh-Hans")
    answer = await _shipment_answer(svc, shipment, Intent(query.intent), locale)
    return json_response({"shipment_id": str(shipment["id"]), **answer_view(answer)})


def _answer_tenant(principal: Principal, named: str | None, found: list[asyncpg.Record]) -> str | None:
    if named is not None:
        return named if principal.can_see(named) else None
    if found:
        return str(found[0]["tenant_id"])
    if principal.tenants is not None and len(principal.tenants) == 1:
        return principal.tenants[0]
    return None


@routes.post("/v1/answers")
async def answer_message(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    body = await read_body(request, AnswerRequest)
    svc = services(request)
    if body.tenant is not None and not principal.can_see(body.tenant):
        raise not_found(f"tenant {body.tenant!r}")
    scope = [body.tenant] if body.tenant else principal.scope
    numbers = find_tracking_numbers(body.text)
    intent = detect_intent(body.text)
    script = detect_script(body.text)
    locale = body.locale.value if body.locale else script
    order_ids = find_order_ids(body.text)
    found = await sql.shipments_by_numbers(svc.db, scope, numbers, order_ids) if numbers or order_ids else []
    tenant_id = _answer_tenant(principal, body.tenant, found)
    if tenant_id is None:
        raise Problem(
            422,
            "Validation Failed",
            "this key spans several tenants: name `tenant`",
            [{"loc": ["body", "tenant"], "msg": "required for this key", "type": "missing"}],
        )
    shipment = found[0] if found else None
    disputed = False
    if shipment is not None:
        answer = await _shipment_answer(svc, shipment, intent, locale)
        if intent is Intent.NOT_RECEIVED and shipment["status"] == "delivered":
            async with svc.db.acquire() as conn:
                changes = await open_dispute(
                    conn, shipment, sql.dispute_facts(shipment, "buyer_message"), svc.clock.now()
                )
            disputed = bool(changes.opened)
    else:
        tenant = await tenants_sql.get_tenant(svc.db, tenant_id)
        if tenant is None:
            raise not_found(f"tenant {tenant_id!r}")
        fallback = svc.enabled_carriers[0] if svc.enabled_carriers else "sandbox"
        context = await presale_context(svc.db, tenant, fallback, svc.clock.now(), svc.estimator)
        answer = prepare_answer(context, intent, locale)
    await sql.log_question(
        svc.db, tenant_id, intent.value, locale, shipment["id"] if shipment else None, svc.clock.now()
    )
    return json_response(
        {
            **answer_view(answer),
            "script": script,
            "tracking_numbers": numbers,
            "shipment": await shipment_view(svc, shipment) if shipment else None,
            "other_matches": len(found) - 1 if found else 0,
            "dispute_opened": disputed,
        }
    )
