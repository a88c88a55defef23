"""Claims: creation with window, one active per (shipment, kind), the whole state machine, history, webhooks."""

from __future__ import annotations

import itertools
from datetime import timedelta

import httpx
import pytest

from tests.conftest import LiveService
from tracking_service.claims import STATES, TRANSITIONS, can_move

# A path from "open" to every state, so each (from, to) pair can be tried from a real claim.
PATH_TO = {
    "open": [],
    "evidence_requested": ["evidence_requested"],
    "submitted": ["submitted"],
    "approved": ["submitted", "approved"],
    "rejected": ["submitted", "rejected"],
    "paid": ["submitted", "approved", "paid"],
    "closed": ["closed"],
}


async def delivered_shipment(service: LiveService, shop: httpx.AsyncClient, number: str) -> str:
    created = (await shop.post("/v1/shipments", json={"tracking_number": number})).json()
    await service.services.poller.poll_once()  # type: ignore[union-attr]
    return str(created["id"])


async def new_claim(shop: httpx.AsyncClient, shipment_id: str, kind: str = "damaged") -> dict[str, object]:
    response = await shop.post(
        "/v1/claims",
        json={
            "shipment_id": shipment_id,
            "kind": kind,
            "description": "外箱压坏，杯子碎了",
            "amount": {"value": 89.5, "currency": "CNY"},
            "evidence": ["https://img.example.test/1.jpg"],
        },
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_transition_table_is_what_spec_8_describes() -> None:
    assert set(STATES) == {"open", "evidence_requested", "submitted", "approved", "rejected", "paid", "closed"}
    assert TRANSITIONS["submitted"] == {"approved", "rejected"}
    assert TRANSITIONS["paid"] == set() and TRANSITIONS["closed"] == set()


@pytest.mark.parametrize(("from_state", "to_state"), list(itertools.product(STATES, STATES)))
async def test_every_from_to_pair(
    service: LiveService, shop: httpx.AsyncClient, from_state: str, to_state: str
) -> None:
    shipment_id = await delivered_shipment(service, shop, "SBX-DAMAGED-0900")
    claim = await new_claim(shop, shipment_id)
    for step in PATH_TO[from_state]:
        assert (await shop.post(f"/v1/claims/{claim['id']}/transition", json={"to": step})).status_code == 200
    response = await shop.post(f"/v1/claims/{claim['id']}/transition", json={"to": to_state, "note": "checked"})
    if can_move(from_state, to_state):
        assert response.status_code == 200, response.text
        assert response.json()["status"] == to_state
        assert response.json()["history"][-1]["from"] == from_state
    else:
        assert response.status_code == 409, response.text
        current = (await shop.get(f"/v1/claims/{claim['id']}")).json()
        assert current["status"] == from_state


async def test_claim_links_incident_and_tracks_its_window(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment_id = await delivered_shipment(service, shop, "SBX-DAMAGED-0901")
    claim = await new_claim(shop, shipment_id)
    incident = (await shop.get("/v1/incidents", params={"kind": "damaged"})).json()["items"][0]
    assert claim["incident_id"] == incident["id"]
    assert claim["past_window"] is False and claim["deadline_at"] is not None
    assert claim["amount"] == {"value": 89.5, "currency": "CNY"}


async def test_claim_past_its_window_is_flagged_on_creation(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment_id = await delivered_shipment(service, shop, "SBX-DELIVERED-0902")
    service.clock.advance(timedelta(days=8))  # damage window: 7 days after delivery
    claim = await new_claim(shop, shipment_id)
    assert claim["past_window"] is True


async def test_one_active_claim_per_shipment_and_kind(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment_id = await delivered_shipment(service, shop, "SBX-DAMAGED-0903")
    claim = await new_claim(shop, shipment_id)
    again = await shop.post("/v1/claims", json={"shipment_id": shipment_id, "kind": "damaged", "description": "x"})
    assert again.status_code == 409
    assert (
        await shop.post("/v1/claims", json={"shipment_id": shipment_id, "kind": "lost", "description": "x"})
    ).status_code == 201
    await shop.post(f"/v1/claims/{claim['id']}/transition", json={"to": "closed"})
    assert (
        await shop.post("/v1/claims", json={"shipment_id": shipment_id, "kind": "damaged", "description": "再报一次"})
    ).status_code == 201


async def test_history_records_who_when_and_note(service: LiveService, shop: httpx.AsyncClient) -> None:
    shipment_id = await delivered_shipment(service, shop, "SBX-DAMAGED-0904")
    claim = await new_claim(shop, shipment_id)
    await shop.post(f"/v1/claims/{claim['id']}/transition", json={"to": "evidence_requested", "note": "请补充照片"})
    history = (await shop.get(f"/v1/claims/{claim['id']}")).json()["history"]
    assert [(h["from"], h["to"]) for h in history] == [(None, "open"), ("open", "evidence_requested")]
    assert history[1]["note"] == "请补充照片" and history[1]["by"] and history[1]["at"]


async def test_claims_of_other_tenants_are_404(
    service: LiveService, shop: httpx.AsyncClient, admin: httpx.AsyncClient
) -> None:
    from tests.conftest import create_key, create_tenant

    shipment_id = await delivered_shipment(service, shop, "SBX-DAMAGED-0905")
    claim = await new_claim(shop, shipment_id)
    await create_tenant(admin, "shop-z")
    async with service.client(await create_key(admin, "agent", ["shop-z"])) as other:
        assert (await other.get(f"/v1/claims/{claim['id']}")).status_code == 404
        assert (await other.post(f"/v1/claims/{claim['id']}/transition", json={"to": "closed"})).status_code == 404
        response = await other.post("/v1/claims", json={"shipment_id": shipment_id, "kind": "lost", "description": "x"})
        assert response.status_code == 404


async def test_damage_answer_quotes_the_claim_and_says_when_its_window_has_passed(
    service: LiveService, shop: httpx.AsyncClient
) -> None:
    shipment_id = await delivered_shipment(service, shop, "SBX-DELIVERED-0906")
    service.clock.advance(timedelta(days=8))
    await new_claim(shop, shipment_id)
    answer = (
        await shop.get(f"/v1/shipments/{shipment_id}/answer", params={"intent": "damaged", "locale": "zh-Hans"})
    ).json()
    assert "理赔受理期限已过" in answer["text"]
