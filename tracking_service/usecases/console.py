"""What only the console reads: the agent's shops (name, time zone), the tracking numbers of the parcels a list
of incidents or claims names, and the answer a parcel's page opens on when the parcel has an open incident."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from schemas.vocabulary import IncidentKind, Intent
from tracking_service.auth import Principal
from tracking_service.db import console as sql
from tracking_service.services import Services


@dataclass(frozen=True, slots=True)
class Shop:
    id: str
    name: str
    timezone: str


async def agent_shops(svc: Services, principal: Principal) -> dict[str, Shop]:
    """The shops this agent works for (every shop for an admin key), by id."""
    return {r["id"]: Shop(r["id"], r["name"], r["timezone"]) for r in await sql.shops(svc.db, principal.scope)}


async def tracking_numbers(svc: Services, items: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The tracking number of the parcel each item (an incident or claim view: ``tenant``, ``shipment_id``)
    names, by shipment id. The items come from the agent's own scoped lists, so no further check is needed."""
    parcels = sorted({(str(i["tenant"]), uuid.UUID(str(i["shipment_id"]))) for i in items})
    return {str(k): v for k, v in (await sql.tracking_numbers(svc.db, parcels)).items()}


# The question a buyer most likely asks about a parcel with this incident, most pressing incident first.
INCIDENT_INTENT: dict[str, Intent] = {
    IncidentKind.DELIVERY_DISPUTED: Intent.NOT_RECEIVED,
    IncidentKind.DAMAGED: Intent.DAMAGED,
    IncidentKind.LOST: Intent.WHERE_IS_MY_PARCEL,
    IncidentKind.ADDRESS_ISSUE: Intent.CHANGE_ADDRESS,
    IncidentKind.RETURNED_TO_SENDER: Intent.RETURN_STATUS,
    IncidentKind.CUSTOMS_HOLD: Intent.WHERE_IS_MY_PARCEL,
    IncidentKind.DELIVERY_FAILED: Intent.WHERE_IS_MY_PARCEL,
    IncidentKind.DELAYED: Intent.WHEN_WILL_IT_ARRIVE,  # the date passed: "when will it come now?"
    IncidentKind.STALLED: Intent.WHERE_IS_MY_PARCEL,
}


def opening_intent(open_incidents: Sequence[Mapping[str, Any]]) -> Intent:
    """The answer a parcel's page opens on: the one for its most pressing unresolved incident, else
    ``where_is_my_parcel``."""
    kinds = {str(i.get("kind")) for i in open_incidents if i.get("status") != "resolved"}
    return next((intent for kind, intent in INCIDENT_INTENT.items() if kind in kinds), Intent.WHERE_IS_MY_PARCEL)
