"""Filtered, tenant-scoped, keyset-paginated WHERE clauses, shared by every list query."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any


def keyset_where(
    tenant_column: str,
    tenants: list[str] | None,
    allowed: Mapping[str, str],
    filters: Mapping[str, Any],
    order_columns: tuple[str, str],
    after: tuple[datetime, Any] | None,
) -> tuple[str, list[Any]]:
    """``WHERE`` text and its arguments: tenant scope, whitelisted filters, then "after this row"."""
    clauses = [f"($1::text[] IS NULL OR {tenant_column} = ANY($1))"]
    args: list[Any] = [tenants]
    for name, value in filters.items():
        args.append(value)
        clauses.append(allowed[name].format(len(args)))
    if after is not None:
        args.extend(after)
        clauses.append(f"({order_columns[0]}, {order_columns[1]}) < (${len(args) - 1}, ${len(args)})")
    return " AND ".join(clauses), args
