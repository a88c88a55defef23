"""Outbound webhook subscriptions and the outbox's deliveries as use cases: subscribe, read, unsubscribe,
list what was sent, replay a dead letter."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from schemas.api import Subscription, SubscriptionCreate
from tracking_service.auth import Principal
from tracking_service.db import outbox as outbox_sql
from tracking_service.db import subscriptions as sql
from tracking_service.notify.webhooks import new_secret
from tracking_service.pagination import ListQuery
from tracking_service.pii import seal_secret
from tracking_service.services import Services
from tracking_service.urlguard import UnsafeUrl, check_url
from tracking_service.usecases.errors import Invalid, NotFound
from tracking_service.usecases.tenancy import read_scope, write_tenant


def subscription_view(row: asyncpg.Record, secret: str | None = None) -> dict[str, Any]:
    """The subscription; its secret only when just created (no ``secret`` key at all otherwise)."""
    data = {"id": str(row["id"]), "tenant": row["tenant_id"], "url": row["url"], "events": row["events"]}
    data = Subscription.shape({**data, "created_at": row["created_at"], "secret": secret})
    return data if secret is not None else {k: v for k, v in data.items() if k != "secret"}


async def subscribe(svc: Services, principal: Principal, body: SubscriptionCreate) -> dict[str, Any]:
    """A webhook subscription of the caller's tenant, with a new signing secret (shown this once)."""
    tenant_id = write_tenant(principal, body.tenant)
    try:
        url = await check_url(body.url, svc.settings.allow_private_urls)
    except UnsafeUrl as exc:
        raise Invalid(str(exc), "url") from exc
    secret = new_secret()
    events = sorted({e.value for e in body.events})
    try:
        row = await sql.insert_subscription(
            svc.db, tenant_id, url, events, seal_secret(svc.vault, secret), svc.clock.now()
        )
    except asyncpg.ForeignKeyViolationError as exc:
        raise NotFound(f"tenant {tenant_id!r}") from exc
    return subscription_view(row, secret)


async def get_subscription(svc: Services, principal: Principal, subscription_id: uuid.UUID) -> dict[str, Any]:
    row = await sql.get_subscription(svc.db, subscription_id, principal.scope)
    if row is None:
        raise NotFound("subscription")
    return subscription_view(row)


async def list_subscriptions(svc: Services, principal: Principal, query: ListQuery) -> list[asyncpg.Record]:
    """The caller's live subscriptions, newest first (secrets are never shown again)."""
    scope = read_scope(principal, query.tenant)
    return await sql.LIVE.fetch(svc.db, scope, {"live": True}, query.after, query.limit)


async def unsubscribe(svc: Services, principal: Principal, subscription_id: uuid.UUID) -> None:
    if not await sql.delete_subscription(svc.db, subscription_id, principal.scope, svc.clock.now()):
        raise NotFound("subscription")


async def deliveries(svc: Services, principal: Principal, query: ListQuery) -> list[asyncpg.Record]:
    """The caller's notices, newest first; ``status`` (pending, delivered, dead) the only filter."""
    status = query.filters.get("status")
    return await outbox_sql.list_notices(svc.db, read_scope(principal, query.tenant), status, query.after, query.limit)


async def replay(svc: Services, delivery_id: uuid.UUID) -> asyncpg.Record:
    """Send a notice again (a dead letter, once its peer is fixed)."""
    row = await outbox_sql.replay(svc.db, delivery_id, None, svc.clock.now())
    if row is None:
        raise NotFound("delivery")
    return row
