"""Response bodies are built through their models in schemas/api.py: what a view adds beyond the model, or
gives a wrong type, fails in the view instead of reaching a client (and the OpenAPI document shows the rest)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from tracking_service.db.shipments import ShipmentRow
from tracking_service.shipments import to_response

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _row(**changes: object) -> ShipmentRow:
    fields = {
        "tenant_id": "shop",
        "id": uuid.uuid4(),
        "carrier": "sandbox",
        "tracking_number": "SBX-1",
        "sub_carrier": None,
        "order_id": "O-1",
        "status": "in_transit",
        "sub_status": None,
        "last_event_at": T0,
        "last_event_status": "in_transit",
        "last_event_sub_status": None,
        "last_event_description": "到达杭州转运中心",
        "last_event_location": "杭州",
        "last_event_code": "TRANSIT",
        "last_event_source": "poll",
        "carrier_eta": None,
        "promised_delivery_at": None,
        "linked_shipment_id": None,
        "origin": None,
        "destination": None,
        "buyer_masked": {"name": "张*", "phone": "138****5678", "email": None, "locale": "zh-Hans"},
        "metadata": {},
        "next_poll_at": None,
        "created_at": T0,
        "updated_at": T0,
        "picked_up_at": T0,
        "delivered_at": None,
        "stopped_at": None,
        "open_incidents": [],
    }
    fields.update(changes)
    return ShipmentRow(**fields)  # type: ignore[arg-type]


def test_a_shipment_reply_has_exactly_the_models_fields() -> None:
    data = to_response(_row())
    assert data["status"] == "in_transit"
    assert data["last_event"]["description"] == "到达杭州转运中心"
    assert data["buyer"] == {"name": "张*", "phone": "138****5678", "email": None, "locale": "zh-Hans"}
    assert set(data) == {
        "id", "tenant", "carrier", "sub_carrier", "tracking_number", "order_id", "status", "sub_status",
        "last_event", "estimated_delivery", "promised_delivery_at", "linked_shipment_id", "origin",
        "destination", "open_incidents", "buyer", "metadata", "next_poll_at", "created_at", "updated_at",
        "stopped_at", "tracking_url",
    }  # fmt: skip


def test_a_status_outside_the_vocabulary_fails_in_the_view() -> None:
    with pytest.raises(ValidationError):
        to_response(_row(status="on_its_way"))


def test_a_buyer_field_the_model_does_not_declare_fails_in_the_view() -> None:
    # An unmasked field slipping into the stored buyer (e.g. the full phone) never reaches a client.
    with pytest.raises(ValidationError):
        to_response(_row(buyer_masked={"name": "张*", "phone": "138****5678", "email": None, "locale": "zh-Hans",
                                       "phone_full": "13812345678"}))  # fmt: skip
