"""Tenant-scoped, filtered, keyset-paginated list queries: one ``Listing`` per list the API serves, so
every list is written the same way (``tracking_service.pagination`` makes the pages and cursors)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from tracking_service.db.core import fetch_rows


@dataclass(frozen=True, slots=True)
class Listing:
    """``SELECT … FROM …`` scoped by ``tenant_column``, narrowed by whitelisted ``filters`` (name → SQL with
    a ``${}`` placeholder), ordered newest first by ``order`` (time column, tie-break column). ``scope`` says
    how a row matches the tenant list ``$1``: its tenant is in it, or (a column of several tenants) overlaps it."""

    select: str
    tenant_column: str
    order: tuple[str, str]
    filters: Mapping[str, str] = field(default_factory=dict)
    scope: str = "{column} = ANY($1)"

    def where(
        self, tenants: list[str] | None, filters: Mapping[str, Any], after: tuple[datetime, Any] | None
    ) -> tuple[str, list[Any]]:
        """``WHERE`` text and its arguments: tenant scope, whitelisted filters, then "after this row"."""
        clauses = [f"($1::text[] IS NULL OR {self.scope.format(column=self.tenant_column)})"]
        args: list[Any] = [tenants]
        for name, value in filters.items():
            args.append(value)
            clauses.append(self.filters[name].format(len(args)))
        if after is not None:
            args.extend(after)
            clauses.append(f"({self.order[0]}, {self.order[1]}) < (${len(args) - 1}, ${len(args)})")
        return " AND ".join(clauses), args

    async def fetch(
        self,
        conn: asyncpg.Connection | asyncpg.Pool,
        tenants: list[str] | None,
        filters: Mapping[str, Any],
        after: tuple[datetime, Any] | None,
        limit: int,
    ) -> list[asyncpg.Record]:
        where, args = self.where(tenants, filters, after)
        args.append(limit)
        time_column, tiebreak = self.order
        return await fetch_rows(
            conn, f"{self.select} WHERE {where} ORDER BY {time_column} DESC, {tiebreak} DESC LIMIT ${len(args)}", *args
        )
