"""Moving an incident by hand: acknowledge (open → acknowledged) and resolve (open/acknowledged → resolved)."""

from __future__ import annotations

import uuid
from enum import Enum
from typing import Any

import asyncpg

from tracking_service import metrics, notices
from tracking_service.auth import Principal
from tracking_service.db import incidents as sql
from tracking_service.incidents.views import to_response
from tracking_service.pagination import ListQuery
from tracking_service.services import Services
from tracking_service.usecases.errors import Conflict, NotFound
from tracking_service.usecases.tenancy import read_scope


class Move(Enum):
    """A manual move, as (target state, states it may start from)."""

    ACKNOWLEDGE = ("acknowledged", ("open",))
    RESOLVE = ("resolved", ("open", "acknowledged"))


async def incident_queue(svc: Services, principal: Principal, query: ListQuery) -> list[asyncpg.Record]:
    """The caller's incidents matching every filter (state, kind, carrier), newest first."""
    scope = read_scope(principal, query.tenant)
    return await sql.QUEUE.fetch(svc.db, scope, dict(query.filters), query.after, query.limit)


async def get_incident(svc: Services, principal: Principal, incident_id: uuid.UUID) -> dict[str, Any]:
    row = await sql.get_incident(svc.db, incident_id, principal.scope)
    if row is None:
        raise NotFound("incident")
    return to_response(row)


async def move_incident(
    svc: Services, principal: Principal, incident_id: uuid.UUID, move: Move, note: str | None
) -> dict[str, Any]:
    """Apply ``move`` to an incident the caller may see; ``incident.resolved`` goes out in the same transaction."""
    to_state, from_states = move.value
    now = svc.clock.now()
    async with svc.db.acquire() as conn, conn.transaction():
        row, moved = await sql.transition(
            conn, incident_id, principal.scope, to_state, list(from_states), principal.key_id, note, now
        )
        if row is not None and moved and move is Move.RESOLVE:
            await notices.incidents_resolved(conn, [row], now)
    if row is None:
        raise NotFound("incident")
    if not moved:
        raise Conflict(f"incident is {row['state']}; it cannot become {to_state}")
    if move is Move.RESOLVE:
        metrics.INCIDENTS_RESOLVED.labels(row["kind"], row["carrier"], "manual").inc()
    return to_response(row)
