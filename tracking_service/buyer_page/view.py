"""What the buyers' page shows of one parcel, in the buyer's words: status, ETA with its source (a past ETA is
said as missed, never as still ahead), the open incident explained as the prepared answers and notices
explain it (``answers.render.prepare_answer`` with the notice's intent), the pickup code of a locker / 驿站
parcel, the timeline in the buyer's local time, and the shop's branding. Only the masked name appears."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from schemas import TERMINAL_STATUSES
from schemas.settings import Branding
from tracking_service.answers.context import AnswerContext, LastEvent
from tracking_service.answers.phrases import facts
from tracking_service.answers.render import prepare_answer
from tracking_service.answers.situation import english_place, english_scan
from tracking_service.buyer_page.words import word
from tracking_service.db.shipments import ShipmentRow
from tracking_service.hant import in_locale
from tracking_service.labels import label
from tracking_service.notify.messages import intent_for
from tracking_service.tenants import settings_of

ZONE_NAMES = {
    "Asia/Shanghai": ("北京", "北京", "China"),
    "Asia/Taipei": ("台北", "臺北", "Taipei"),
    "Asia/Hong_Kong": ("香港", "香港", "Hong Kong"),
}
_COLUMN = {"zh-Hans": 0, "zh-Hant": 1, "en": 2}
PICKUP_SUB = "delivered_to_locker"


def zone_name(zone: str, locale: str) -> str:
    names = ZONE_NAMES.get(zone)
    return names[_COLUMN.get(locale, 0)] if names else zone


def local_time(moment: datetime, zone: str, locale: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    if locale == "en":
        return f"{local:%b} {local.day}, {local:%H:%M}"
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _eta(ctx: AnswerContext, found: Mapping[str, Any], locale: str) -> dict[str, Any] | None:
    """The estimate with its source; ``late`` when its time has passed (``facts`` words it as missed)."""
    source = ctx.estimate.source
    if ctx.estimate.at is None or source is None:
        return None
    late = ctx.estimate.at <= ctx.now
    text = found["eta_missed"] if late else found["eta"]
    if not text:
        return None
    return {"text": in_locale(text, locale), "source": word(f"source_{source}", locale), "late": late}


def _event_text(event: asyncpg.Record, locale: str) -> tuple[str, str]:
    description, location = event["description"] or "", event["location"] or ""
    if locale == "en":
        scan = LastEvent(event["occurred_at"], event["status"], event["sub_status"], description, location)
        return english_scan(scan).strip('"'), english_place(location) or ""
    return in_locale(description, locale), in_locale(location, locale)


def timeline(events: Sequence[asyncpg.Record], zone: str, locale: str) -> list[dict[str, str]]:
    """The scans, newest first, in the buyer's words and local time."""
    shown = []
    for event in events:
        text, place = _event_text(event, locale)
        shown.append(
            {
                "at": local_time(event["occurred_at"], zone, locale),
                "iso": event["occurred_at"].astimezone(ZoneInfo(zone)).isoformat(),
                "status": label("status", event["status"], locale),
                "text": text,
                "place": place,
            }
        )
    return shown


def branding(tenant: Mapping[str, Any]) -> dict[str, str | None]:
    chosen: Branding = settings_of(tenant["settings"]).branding
    return {"name": chosen.display_name or tenant["name"], "logo": chosen.logo_url, "color": chosen.color}


def incident(ctx: AnswerContext, locale: str) -> dict[str, str] | None:
    """The open incident in the words of the prepared answer a notice of it sends."""
    if not ctx.incidents:
        return None
    primary = ctx.incidents[0]
    answer = prepare_answer(ctx, intent_for(primary.kind), locale)
    return {"kind": primary.kind, "title": label("incident", primary.kind, locale), "text": answer.text}


def parcel_view(
    shipment: ShipmentRow, ctx: AnswerContext, events: Sequence[asyncpg.Record], zone: str, locale: str
) -> dict[str, Any]:
    """Everything the page template shows of the parcel."""
    found = facts(ctx, locale)  # zh-Hant reads the zh sentences, converted by ``in_locale``
    kinds = {i.kind for i in ctx.incidents}
    at_pickup = shipment.status == "available_for_pickup" or shipment.sub_status == PICKUP_SUB
    delivered = shipment.status == "delivered"
    return {
        "status": label("status", shipment.status, locale),
        "status_code": shipment.status,
        "sub_status": label("sub_status", shipment.sub_status, locale) if shipment.sub_status else "",
        "order_id": shipment.order_id,
        "number": shipment.tracking_number,
        "carrier": found["carrier"] if locale != "zh-Hant" else in_locale(found["carrier"], locale),
        "eta": _eta(ctx, found, locale),
        "terminal": shipment.status in TERMINAL_STATUSES,
        "incident": incident(ctx, locale),
        "pickup_code": found["pickup_code"] if at_pickup else None,
        "timeline": timeline(events, zone, locale),
        "zone": zone_name(zone, locale),
        "can_dispute": delivered and "delivery_disputed" not in kinds,
        "disputed": "delivery_disputed" in kinds,
        "can_report_damage": delivered or "damaged" in kinds or shipment.sub_status == "damaged",
    }
