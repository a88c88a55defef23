"""Retention: buyer PII of parcels delivered or returned more than N days ago is removed.

Shipments, events, incidents and lane statistics stay (they hold no personal data), so
stats and estimates keep working on anonymous history.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import asyncpg

log = logging.getLogger(__name__)


async def purge_pii(pool: asyncpg.Pool | asyncpg.Connection, now: datetime, days: int) -> int:
    result: str = await pool.execute(
        """
        UPDATE shipments
        SET buyer_sealed = NULL, buyer_key_id = NULL, buyer_masked = NULL, phone_last4_hash = NULL
        WHERE status IN ('delivered', 'returned')
          AND COALESCE(delivered_at, last_event_at, updated_at) < $1
          AND (buyer_sealed IS NOT NULL OR buyer_masked IS NOT NULL OR phone_last4_hash IS NOT NULL)
        """,
        now - timedelta(days=days),
    )
    purged = int(result.split()[-1])
    log.info("buyer PII purged", extra={"shipments": purged, "older_than_days": days})
    return purged
