"""SQL of what a carrier result says of its shipments beyond their events: ETA, sub-carrier (with the
carrier's own corrections), the end of a push subscription and the next poll — many shipments, one round trip."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from tracking_service.db.core import TERMINAL_SQL, columns


@dataclass(frozen=True, slots=True)
class CarrierFacts:
    """What a carrier result says of one shipment beyond its events."""

    tenant_id: str
    shipment_id: uuid.UUID
    carrier_eta: datetime | None
    sub_carrier: str | None
    push_stopped: bool
    next_poll_at: datetime | None  # the cadence of a status that just changed; None: keep the schedule
    sub_carrier_corrected: bool = False  # the carrier's own correction replaces the stored sub-carrier


STORE_FACTS_SQL = f"""
UPDATE shipments s
SET carrier_eta = COALESCE(o.carrier_eta, s.carrier_eta),
    -- A new ETA may bring the delayed rule's deadline closer than the planned sweep.
    sweep_at = CASE WHEN o.carrier_eta IS NOT NULL AND s.sweep_at IS NOT NULL
                    THEN LEAST(s.sweep_at, o.carrier_eta + interval '1 second') ELSE s.sweep_at END,
    -- The carrier's own correction (Kuaidi100 autoCheck/comNew) replaces the stored code; a stopped
    -- subscription with a new code is redone under it.
    sub_carrier = CASE WHEN (o.push_stopped OR o.corrected) AND o.sub_carrier IS NOT NULL THEN o.sub_carrier
                       ELSE COALESCE(s.sub_carrier, o.sub_carrier) END,
    push_state = CASE WHEN NOT o.push_stopped OR s.push_state IS NULL THEN s.push_state
                      WHEN o.sub_carrier IS NOT NULL AND o.sub_carrier IS DISTINCT FROM s.sub_carrier THEN 'pending'
                      ELSE 'stopped' END,
    push_due_at = CASE WHEN o.push_stopped AND s.push_state IS NOT NULL AND o.sub_carrier IS NOT NULL
                            AND o.sub_carrier IS DISTINCT FROM s.sub_carrier THEN $8
                       ELSE s.push_due_at END,
    next_poll_at = CASE WHEN s.status IN {TERMINAL_SQL} THEN NULL
                        -- Push stopped: polling takes over at its own cadence.
                        WHEN o.push_stopped THEN LEAST(COALESCE(o.next_poll_at, s.next_poll_at),
                                                         $8 + $9 * interval '1 second')
                        WHEN o.next_poll_at IS NULL THEN s.next_poll_at
                        WHEN s.push_state = 'subscribed' THEN GREATEST(o.next_poll_at, $8 + $10 * interval '1 second')
                        ELSE o.next_poll_at END
FROM unnest($1::text[], $2::uuid[], $3::timestamptz[], $4::text[], $5::bool[], $6::timestamptz[], $7::bool[])
     AS o(tenant_id, id, carrier_eta, sub_carrier, push_stopped, next_poll_at, corrected)
WHERE s.tenant_id = o.tenant_id AND s.id = o.id
"""


async def store_carrier_facts(
    conn: asyncpg.Connection,
    facts: list[CarrierFacts],
    now: datetime,
    resume_poll_seconds: float,
    safety_net_seconds: float,
) -> None:
    """Store ETAs, sub-carriers, subscription ends and new cadences of many shipments in one round trip."""
    if not facts:
        return
    await conn.execute(
        STORE_FACTS_SQL,
        *columns(
            facts,
            "tenant_id",
            "shipment_id",
            "carrier_eta",
            "sub_carrier",
            "push_stopped",
            "next_poll_at",
            "sub_carrier_corrected",
        ),
        now,
        resume_poll_seconds,
        safety_net_seconds,
    )
