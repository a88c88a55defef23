"""Shipment use cases: register, look up, search, and the response shape (buyer always masked)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from carriers.detect import detect
from schemas import TERMINAL_STATUSES, api
from schemas.api import Buyer, ShipmentCreate, ShipmentPatch
from tracking_service.db import shipments as sql
from tracking_service.detection import Recognition, local_candidates, recognise
from tracking_service.pii import PiiVault, mask_buyer, phone_last4

MAX_PAGE = 200
DEFAULT_PAGE = 50


class UnknownCarrier(ValueError):
    def __init__(self, carrier: str, known: list[str]) -> None:
        super().__init__(f"unknown or disabled carrier {carrier!r}; enabled: {', '.join(known)}")


class AmbiguousCarrier(ValueError):
    def __init__(self, candidates: list[dict[str, Any]]) -> None:
        names = ", ".join(c["carrier"] + (f"/{c['sub_carrier']}" if c["sub_carrier"] else "") for c in candidates)
        detail = "carrier could not be detected from the tracking number; name `carrier`"
        super().__init__(f"{detail} (candidates: {names})" if candidates else detail)
        self.candidates = candidates


async def choose_carrier(
    body: ShipmentCreate, enabled: list[str], recognition: Recognition | None = None
) -> tuple[str, str | None]:
    """The body's carrier, or the detected one among the enabled carriers (``tracking_service.detection``)."""
    if body.carrier is not None:
        if body.carrier not in enabled:
            raise UnknownCarrier(body.carrier, enabled)
        sub = body.sub_carrier
        if sub is None:
            sub = next((c.sub_carrier for c in detect(body.tracking_number) if c.carrier == body.carrier), None)
        if sub is None and recognition is not None and recognition.recognizer.code == body.carrier:
            sub = next(iter(await recognition.companies(body.tracking_number)), None)
        return body.carrier, sub
    if body.sub_carrier is not None:  # the shop names the company: the carrier that follows it is taken
        named = [c for c in local_candidates(body.tracking_number, enabled) if c.sub_carrier == body.sub_carrier]
        if named:
            return named[0].carrier, body.sub_carrier
    chosen, candidates = await recognise(body.tracking_number, enabled, recognition)
    if chosen is None:
        raise AmbiguousCarrier(candidates)
    return chosen.carrier, body.sub_carrier or chosen.sub_carrier


def new_shipment(
    tenant_id: str,
    carrier: str,
    sub_carrier: str | None,
    body: ShipmentCreate,
    vault: PiiVault,
    subscribe: bool = False,
) -> sql.NewShipment:
    return sql.NewShipment(
        tenant_id=tenant_id,
        carrier=carrier,
        tracking_number=body.tracking_number,
        sub_carrier=sub_carrier,
        order_id=body.order_id,
        promised_delivery_at=body.promised_delivery_at,
        linked_shipment_id=body.linked_shipment_id,
        origin=body.origin.model_dump(exclude_none=True) if body.origin else None,
        destination=body.destination.model_dump(exclude_none=True) if body.destination else None,
        metadata=body.metadata,
        subscribe=subscribe,
        **buyer_columns(body.buyer, vault),
    )


def buyer_columns(buyer: Buyer | None, vault: PiiVault) -> dict[str, Any]:
    """The stored form of a buyer: sealed, masked for display, the phone's last 4 as a keyed hash."""
    data = buyer.model_dump() if buyer else None
    last4 = phone_last4(data.get("phone")) if data else None
    return {
        "buyer_sealed": vault.seal(data) if data else None,
        "buyer_key_id": vault.key_id if data else None,
        "buyer_masked": mask_buyer(data) if data else None,
        "phone_last4_hash": vault.phone_last4_hash(last4) if last4 else None,
        "buyer_opted_out": bool(buyer and buyer.opt_out),
    }


def patch_columns(patch: ShipmentPatch, vault: PiiVault) -> dict[str, Any]:
    """The columns a PATCH body changes: only the fields it sent."""
    sent = patch.model_fields_set
    changes: dict[str, Any] = {}
    for name in ("order_id", "promised_delivery_at"):
        if name in sent:
            changes[name] = getattr(patch, name)
    if "metadata" in sent:
        changes["metadata"] = patch.metadata or {}
    if "destination" in sent:
        changes["destination"] = patch.destination.model_dump(exclude_none=True) if patch.destination else None
    if "buyer" in sent:
        changes.update(buyer_columns(patch.buyer, vault))
    return changes


def estimated_delivery(row: sql.ShipmentRow, model_at: datetime | None) -> dict[str, Any]:
    """Best estimate for an in-flight parcel: the carrier's, else the lane model's, else the shop's promise."""
    if row.status in TERMINAL_STATUSES:
        return {"at": None, "source": None}
    if row.carrier_eta is not None:
        return {"at": row.carrier_eta, "source": "carrier"}
    if model_at is not None:
        return {"at": model_at, "source": "model"}
    if row.promised_delivery_at is not None:
        return {"at": row.promised_delivery_at, "source": "promised"}
    return {"at": None, "source": None}


def needs_model(row: sql.ShipmentRow) -> bool:
    return row.status not in TERMINAL_STATUSES and row.carrier_eta is None


def to_response(
    row: sql.ShipmentRow, model_at: datetime | None = None, tracking_url: str | None = None
) -> dict[str, Any]:
    last_event = None
    if row.last_event_at is not None:
        last_event = {
            "occurred_at": row.last_event_at,
            "status": row.last_event_status,
            "sub_status": row.last_event_sub_status,
            "description": row.last_event_description,
            "location": row.last_event_location,
            "carrier_code": row.last_event_code,
            "source": row.last_event_source,
        }
    return api.Shipment.shape(
        {
            "id": str(row.id),
            "tenant": row.tenant_id,
            "carrier": row.carrier,
            "sub_carrier": row.sub_carrier,
            "tracking_number": row.tracking_number,
            "order_id": row.order_id,
            "status": row.status,
            "sub_status": row.sub_status,
            "last_event": last_event,
            "estimated_delivery": estimated_delivery(row, model_at),
            "promised_delivery_at": row.promised_delivery_at,
            "linked_shipment_id": str(row.linked_shipment_id) if row.linked_shipment_id else None,
            "origin": row.origin,
            "destination": row.destination,
            "open_incidents": row.open_incidents,
            "buyer": row.buyer_masked,
            "metadata": row.metadata,
            "next_poll_at": row.next_poll_at,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "stopped_at": row.stopped_at,
            "tracking_url": tracking_url,
        },
    )


def event_to_response(row: asyncpg.Record) -> dict[str, Any]:
    return api.Event.shape(
        {
            "occurred_at": row["occurred_at"],
            "status": row["status"],
            "sub_status": row["sub_status"],
            "description": row["description"],
            "location": row["location"],
            "carrier_code": row["carrier_code"],
            "source": row["source"],
        },
    )
