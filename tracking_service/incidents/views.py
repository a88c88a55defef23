"""The incident as the API shows it."""

from __future__ import annotations

from typing import Any

import asyncpg

from schemas.api import Incident


def to_response(row: asyncpg.Record) -> dict[str, Any]:
    return Incident.shape(
        {
            "id": str(row["id"]),
            "tenant": row["tenant_id"],
            "shipment_id": str(row["shipment_id"]),
            "carrier": row["carrier"],
            "kind": row["kind"],
            "status": row["state"],
            "facts": row["facts"],
            "opened_at": row["opened_at"],
            "acknowledged_at": row["acknowledged_at"],
            "resolved_at": row["resolved_at"],
            "resolution": row["resolution"],
            "note": row["note"],
        }
    )
