"""Prepared answers as use cases: for one shipment and intent, and for a buyer's free-text message."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tracking_service.answers.build import build_context, presale_context
from tracking_service.answers.context import Answer, Intent
from tracking_service.answers.intents import detect_intents as every_intent
from tracking_service.answers.last4 import find_phone_last4
from tracking_service.answers.numbers import find_order_ids, find_tracking_numbers
from tracking_service.answers.presale import topics
from tracking_service.answers.render import prepare_reply
from tracking_service.answers.text import detect_script
from tracking_service.auth import Principal
from tracking_service.db import answers as sql
from tracking_service.db import tenants as tenants_sql
from tracking_service.db.shipments import ShipmentRow
from tracking_service.incidents.service import open_dispute
from tracking_service.services import Services
from tracking_service.usecases.errors import Invalid, NotFound
from tracking_service.usecases.shipments import find_shipment, shipment_view

DEFAULT_LOCALE = "zh-Hans"


def detect_intents(text: str) -> list[Intent]:
    """Every question the message asks, primary (first asked) first: ``answers.intents`` reads the message as
    a whole and clause by clause (SPEC §12 ``intents[]``)."""
    return every_intent(text)


def buyer_locale(shipment: ShipmentRow, asked: str | None) -> str:
    """The locale asked for, else the buyer's, else the default."""
    return asked or (shipment.buyer_masked or {}).get("locale") or DEFAULT_LOCALE


async def answer_shipment(
    svc: Services, shipment: ShipmentRow, intent: Intent, locale: str, also: Sequence[Intent] = ()
) -> Answer:
    """The prepared answer to ``intent`` (and the further questions ``also`` asked in the same message) about
    one shipment, in the shop's time zone."""
    tenant = await tenants_sql.get_tenant(svc.db, shipment.tenant_id)
    if tenant is None:
        raise NotFound(f"tenant {shipment.tenant_id!r}")
    context = await build_context(svc.db, shipment, tenant["timezone"], svc.clock.now(), svc.estimator)
    return prepare_reply(context, [intent, *also], locale)


async def answer_for_shipment(
    svc: Services, principal: Principal, shipment_id: uuid.UUID, intent: Intent, locale: str | None
) -> Answer:
    """``GET /v1/shipments/{id}/answer`` and the console's shipment page."""
    shipment = await find_shipment(svc, principal, shipment_id)
    return await answer_shipment(svc, shipment, intent, buyer_locale(shipment, locale))


@dataclass(frozen=True, slots=True)
class MessageAnswer:
    answer: Answer
    script: str  # the script the buyer wrote in
    tracking_numbers: list[str]
    shipment: dict[str, Any] | None  # the shipment view of the parcel the message names, if any
    other_matches: int  # further shipments the message could mean
    dispute_opened: bool  # the message reported a delivered parcel as not received, and that opened an incident
    matched_by: str | None = None  # how the message named the parcel: tracking_number | order_id | phone_last4
    matches: list[dict[str, Any]] = field(default_factory=list)  # every parcel it could mean, the answered one first


@dataclass(frozen=True, slots=True)
class Named:
    """The parcels a message names, and how."""

    numbers: list[str]  # tracking-number candidates in the text (repeated back when none matches)
    found: list[ShipmentRow]
    matched_by: str | None

    @property
    def ambiguous(self) -> bool:
        """Only the phone's last 4 names them, and more than one parcel has it: the agent must choose."""
        return self.matched_by == "phone_last4" and len(self.found) > 1


async def named_shipments(svc: Services, scope: list[str] | None, text: str) -> Named:
    """The shipments of ``scope`` a message names: by tracking number or order id, else (only then) by the
    phone's last 4 digits stated in the text ("手机尾号1234"), matched by its keyed hash within ``scope``."""
    numbers = find_tracking_numbers(text)
    order_ids = find_order_ids(text)
    hashes = [svc.vault.phone_last4_hash(digits) for digits in find_phone_last4(text)]
    if not (numbers or order_ids or hashes):
        return Named(numbers, [], None)
    found = await sql.shipments_by_numbers(svc.db, scope, numbers, order_ids, hashes)
    named = [row for row in found if row.tracking_number in numbers or row.order_id in order_ids]
    if named:
        how = "tracking_number" if named[0].tracking_number in numbers else "order_id"
        return Named(numbers, named, how)
    return Named(numbers, found, "phone_last4" if found else None)


def _answer_tenant(principal: Principal, named: str | None, found: Sequence[ShipmentRow]) -> str:
    if named is not None:
        if not principal.can_see(named):
            raise NotFound(f"tenant {named!r}")
        return named
    if found:
        return found[0].tenant_id
    if principal.tenants is not None and len(principal.tenants) == 1:
        return principal.tenants[0]
    raise Invalid("this key spans several tenants: name `tenant`", "tenant", "missing", "required for this key")


async def answer_message(
    svc: Services, principal: Principal, text: str, tenant: str | None, locale: str | None
) -> MessageAnswer:
    """Read a buyer's message: its intent, script and the parcel it names, then the answer to send.

    A delivered parcel reported as not received opens ``delivery_disputed`` (once); every question is logged
    for the stats."""
    if tenant is not None and not principal.can_see(tenant):
        raise NotFound(f"tenant {tenant!r}")
    scope = [tenant] if tenant else principal.scope
    named = await named_shipments(svc, scope, text)
    numbers, found = named.numbers, named.found
    intents = detect_intents(text)
    intent = intents[0]
    script = detect_script(text)
    locale = locale or script
    tenant_id = _answer_tenant(principal, tenant, found)
    shipment = found[0] if found else None
    disputed = False
    if shipment is not None:
        answer = await answer_shipment(svc, shipment, intent, locale, intents[1:])
        # A guess among several parcels with the same last 4 opens nothing: the agent picks the parcel first.
        if Intent.NOT_RECEIVED in intents and shipment.status == "delivered" and not named.ambiguous:
            async with svc.db.acquire() as conn:
                disputed = bool((await open_dispute(conn, shipment, "buyer_message", svc.clock.now())).opened)
    else:
        shop = await tenants_sql.get_tenant(svc.db, tenant_id)
        if shop is None:
            raise NotFound(f"tenant {tenant_id!r}")
        context = await presale_context(svc.db, shop, svc.enabled_carriers, svc.clock.now(), svc.estimator)
        context = replace(
            context,
            unmatched_number=numbers[0] if numbers else None,  # repeated back, never asked for again
            shipping=replace(context.shipping, asks=topics(text)) if context.shipping else None,
        )
        answer = prepare_reply(context, intents, locale)
    await sql.log_question(svc.db, tenant_id, intent.value, locale, shipment.id if shipment else None, svc.clock.now())
    views = [await shipment_view(svc, row) for row in found]
    return MessageAnswer(
        answer=answer,
        script=script,
        tracking_numbers=numbers,
        shipment=views[0] if views else None,
        other_matches=len(found) - 1 if found else 0,
        dispute_opened=disputed,
        matched_by=named.matched_by,
        matches=views,
    )
