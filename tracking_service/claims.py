"""Claims (SPEC §8): the state machine and the carrier's claim window."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from tracking_service.db.shipments import ShipmentRow

# Legal moves; everything else is a 409.
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"evidence_requested", "submitted", "closed"}),
    "evidence_requested": frozenset({"submitted", "closed"}),
    "submitted": frozenset({"approved", "rejected"}),
    "approved": frozenset({"paid", "closed"}),
    "rejected": frozenset({"closed"}),
    "paid": frozenset(),
    "closed": frozenset(),
}
STATES = tuple(TRANSITIONS)
# The incident a claim of each kind belongs to.
INCIDENT_KIND = {"damaged": "damaged", "lost": "lost", "not_received": "delivery_disputed"}


def can_move(from_state: str, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(from_state, frozenset())


def claim_deadline(
    kind: str, carrier: str, shipment: ShipmentRow, windows: Mapping[str, Mapping[str, int]], now: datetime
) -> datetime:
    """Last moment the carrier accepts a claim of ``kind`` for this shipment."""
    days = windows.get(carrier, windows["default"]).get(kind, windows["default"][kind])
    if kind == "lost":
        start = shipment.picked_up_at or shipment.created_at
    else:
        start = shipment.delivered_at or shipment.last_event_at or now
    return start + timedelta(days=days)


def claim_view(row: Mapping[str, Any], history: list[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(row["id"]),
        "tenant": row["tenant_id"],
        "shipment_id": str(row["shipment_id"]),
        "incident_id": str(row["incident_id"]) if row["incident_id"] else None,
        "carrier": row["carrier"],
        "kind": row["kind"],
        "status": row["state"],
        "description": row["description"],
        "amount": (
            {"value": float(row["amount_value"]), "currency": row["amount_currency"]}
            if row["amount_value"] is not None
            else None
        ),
        "evidence": list(row["evidence"]),
        "deadline_at": row["deadline_at"],
        "past_window": row["past_window"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }
    if history is not None:
        data["history"] = [
            {
                "from": h["from_state"],
                "to": h["to_state"],
                "by": str(h["by_key"]) if h["by_key"] else None,
                "note": h["note"],
                "at": h["at"],
            }
            for h in history
        ]
    return data
