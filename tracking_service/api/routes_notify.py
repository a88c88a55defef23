"""Outbound webhook subscriptions and the outbox's deliveries (dead letters, replay)."""

from __future__ import annotations

from typing import Any

import asyncpg
from aiohttp import web

from schemas.api import DeliverySearch, Role, Subscription, SubscriptionCreate
from tracking_service.api.access import authenticate
from tracking_service.api.pagination import after_cursor
from tracking_service.api.parsing import parse_query, path_uuid, read_body
from tracking_service.api.problems import Problem, json_response, not_found
from tracking_service.db import outbox as outbox_sql
from tracking_service.db import subscriptions as sql
from tracking_service.notify.webhooks import BadSubscriptionUrl, new_secret, validate_url
from tracking_service.pagination import by_id, page
from tracking_service.services import services
from tracking_service.usecases.tenancy import read_scope, write_tenant

routes = web.RouteTableDef()


def subscription_view(row: asyncpg.Record, secret: str | None = None) -> dict[str, Any]:
    # The secret is shown once, when the subscription is created (no key at all otherwise).
    data = {"id": str(row["id"]), "tenant": row["tenant_id"], "url": row["url"], "events": row["events"]}
    data = Subscription.shape({**data, "created_at": row["created_at"], "secret": secret})
    return data if secret is not None else {k: v for k, v in data.items() if k != "secret"}


def delivery_view(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "tenant": row["tenant_id"],
        "channel": row["channel"],
        "event_type": row["event_type"],
        "status": row["status"],
        "attempts": row["attempts"],
        "next_attempt_at": row["next_attempt_at"] if row["status"] == "pending" else None,
        "last_error": row["last_error"],
        "shipment_id": str(row["shipment_id"]) if row["shipment_id"] else None,
        "incident_id": str(row["incident_id"]) if row["incident_id"] else None,
        "subscription_id": str(row["subscription_id"]) if row["subscription_id"] else None,
        "created_at": row["created_at"],
        "delivered_at": row["delivered_at"],
    }


@routes.post("/v1/subscriptions")
async def create_subscription(request: web.Request) -> web.Response:
    principal = await authenticate(request, Role.SERVICE, Role.AGENT)
    body = await read_body(request, SubscriptionCreate)
    tenant_id = write_tenant(principal, body.tenant)
    try:
        url = validate_url(body.url)
    except BadSubscriptionUrl as exc:
        raise Problem(
            422, "Validation Failed", str(exc), [{"loc": ["body", "url"], "msg": str(exc), "type": "value_error"}]
        ) from exc
    svc = services(request)
    secret = new_secret()
    try:
        row = await sql.insert_subscription(
            svc.db, tenant_id, url, sorted({e.value for e in body.events}), secret, svc.clock.now()
        )
    except asyncpg.ForeignKeyViolationError as exc:
        raise not_found(f"tenant {tenant_id!r}") from exc
    return json_response(subscription_view(row, secret), status=201)


@routes.get("/v1/subscriptions/{subscription_id}")
async def get_subscription(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    row = await sql.get_subscription(
        services(request).db, path_uuid(request, "subscription_id", "subscription"), principal.scope
    )
    if row is None:
        raise not_found("subscription")
    return json_response(subscription_view(row))


@routes.delete("/v1/subscriptions/{subscription_id}")
async def delete_subscription(request: web.Request) -> web.Response:
    principal = await authenticate(request, Role.SERVICE, Role.AGENT)
    svc = services(request)
    deleted = await sql.delete_subscription(
        svc.db, path_uuid(request, "subscription_id", "subscription"), principal.scope, svc.clock.now()
    )
    if not deleted:
        raise not_found("subscription")
    return web.Response(status=204)


@routes.get("/v1/deliveries")
async def list_deliveries(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    query = parse_query(request, DeliverySearch)
    rows = await outbox_sql.list_notices(
        services(request).db,
        read_scope(principal, query.tenant),
        query.status.value if query.status else None,
        after_cursor(query.cursor),
        query.limit + 1,
    )
    return json_response(page(rows, query.limit, delivery_view, by_id("created_at")))


@routes.post("/v1/deliveries/{delivery_id}/replay")
async def replay_delivery(request: web.Request) -> web.Response:
    await authenticate(request, Role.ADMIN)
    svc = services(request)
    row = await outbox_sql.replay(svc.db, path_uuid(request, "delivery_id", "delivery"), None, svc.clock.now())
    if row is None:
        raise not_found("delivery")
    return json_response(delivery_view(row))
