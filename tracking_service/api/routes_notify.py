"""Outbound webhook subscriptions and the outbox's deliveries (dead letters, replay)."""

from __future__ import annotations

from typing import Any

import asyncpg
from aiohttp import web

from schemas import api
from schemas.api import DeliverySearch, Role, SubscriptionCreate, TenantPage
from tracking_service.api.access import authenticate
from tracking_service.api.pagination import after_cursor
from tracking_service.api.parsing import parse_query, path_uuid, read_body
from tracking_service.api.problems import json_response
from tracking_service.api.routing import operation
from tracking_service.pagination import ListQuery, by_id, page
from tracking_service.services import services
from tracking_service.usecases import subscriptions
from tracking_service.usecases.subscriptions import deliveries, replay, subscribe, unsubscribe

routes = web.RouteTableDef()


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


@operation(
    routes,
    "post",
    "/v1/subscriptions",
    "Subscribe a webhook; returns a whsec_ secret once",
    body=api.SubscriptionCreate,
    status=201,
    response=api.Subscription,
)
async def create_subscription(request: web.Request) -> web.Response:
    principal = await authenticate(request, Role.SERVICE, Role.AGENT)
    body = await read_body(request, SubscriptionCreate)
    return json_response(await subscribe(services(request), principal, body), status=201)


@operation(routes, "get", "/v1/subscriptions", "Live webhook subscriptions", query=api.TenantPage, response=api.Page)
async def search_subscriptions(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    query = parse_query(request, TenantPage)
    listed = ListQuery({}, query.tenant, after_cursor(query.cursor), query.limit + 1)
    rows = await subscriptions.list_subscriptions(services(request), principal, listed)
    return json_response(page(rows, query.limit, subscriptions.subscription_view, by_id("created_at")))


@operation(routes, "get", "/v1/subscriptions/{subscription_id}", "A subscription", response=api.Subscription)
async def get_subscription(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    subscription_id = path_uuid(request, "subscription_id", "subscription")
    return json_response(await subscriptions.get_subscription(services(request), principal, subscription_id))


@operation(routes, "delete", "/v1/subscriptions/{subscription_id}", "Delete a subscription", status=204)
async def delete_subscription(request: web.Request) -> web.Response:
    principal = await authenticate(request, Role.SERVICE, Role.AGENT)
    await unsubscribe(services(request), principal, path_uuid(request, "subscription_id", "subscription"))
    return web.Response(status=204)


@operation(
    routes,
    "get",
    "/v1/deliveries",
    "Outbox deliveries (dead letters: status=dead)",
    query=api.DeliverySearch,
    response=api.Page,
)
async def list_deliveries(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    query = parse_query(request, DeliverySearch)
    filters = {"status": query.status.value} if query.status else {}
    listed = ListQuery(filters, query.tenant, after_cursor(query.cursor), query.limit + 1)
    rows = await deliveries(services(request), principal, listed)
    return json_response(page(rows, query.limit, delivery_view, by_id("created_at")))


@operation(routes, "post", "/v1/deliveries/{delivery_id}/replay", "Replay a delivery (admin)")
async def replay_delivery(request: web.Request) -> web.Response:
    await authenticate(request, Role.ADMIN)
    return json_response(delivery_view(await replay(services(request), path_uuid(request, "delivery_id", "delivery"))))
