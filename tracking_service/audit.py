"""Audit log: who (key) read or changed what, when. Buffered and written in batches off the request path."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from tracking_service.db.core import columns, fetch_rows

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    tenant_id: str
    key_id: uuid.UUID | None
    action: str  # e.g. "POST /v1/shipments"
    object_type: str  # e.g. "shipments"
    object_id: str | None
    status: int
    at: datetime


class AuditLog:
    """Collects entries and writes them with one statement per flush."""

    def __init__(self, pool: asyncpg.Pool, flush_seconds: float = 0.5) -> None:
        self.pool = pool
        self.flush_seconds = flush_seconds
        self._pending: list[AuditEntry] = []

    def record(self, entry: AuditEntry) -> None:
        self._pending.append(entry)

    async def flush(self) -> int:
        entries, self._pending = self._pending, []
        if not entries:
            return 0
        try:
            await self._write(entries)
        except (OSError, asyncpg.PostgresError):
            self._pending[:0] = entries  # keep them for the next flush
            raise
        return len(entries)

    async def _write(self, entries: list[AuditEntry]) -> None:
        await write_entries(self.pool, entries)

    async def run(self) -> None:
        """Flush periodically until cancelled; the final flush happens in the app's cleanup."""
        while True:
            await asyncio.sleep(self.flush_seconds)
            try:
                await self.flush()
            except (OSError, asyncpg.PostgresError):
                log.exception("audit flush failed; entries kept for the next flush")


async def write_entries(conn: asyncpg.Connection | asyncpg.Pool, entries: list[AuditEntry]) -> None:
    """Write entries now, in one statement: the log's batches, and changes audited in their own transaction."""
    await conn.execute(
        """
        INSERT INTO audit_log (tenant_id, key_id, action, object_type, object_id, status, at)
        SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[],
                             $7::timestamptz[])
        """,
        *columns(entries, "tenant_id", "key_id", "action", "object_type", "object_id", "status", "at"),
    )


async def list_audit(
    pool: asyncpg.Pool, after: tuple[datetime, int] | None, limit: int, key_id: uuid.UUID | None
) -> list[asyncpg.Record]:
    return await fetch_rows(
        pool,
        """
        SELECT id, tenant_id, key_id, action, object_type, object_id, status, at FROM audit_log
        WHERE ($1::timestamptz IS NULL OR (at, id) < ($1, $2::bigint)) AND ($3::uuid IS NULL OR key_id = $3)
        ORDER BY at DESC, id DESC LIMIT $4
        """,
        after[0] if after else None,
        after[1] if after else None,
        key_id,
        limit,
    )
