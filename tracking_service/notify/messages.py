"""What a notice says: the prepared answer for the incident, in the buyer's (or shop's) locale."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import asyncpg

from tracking_service.answers.build import build_context
from tracking_service.answers.context import Answer, Intent
from tracking_service.answers.render import prepare_answer
from tracking_service.db.shipments import ShipmentRow
from tracking_service.estimates import Estimator

# Which prepared answer fits a proactive notice about each incident kind.
INTENT_FOR_KIND = {
    "delayed": Intent.WHEN_WILL_IT_ARRIVE,
    "damaged": Intent.DAMAGED,
    "delivery_disputed": Intent.NOT_RECEIVED,
}

SUBJECTS = {
    "zh-Hans": "您的包裹有新进展",
    "zh-Hant": "您的包裹有新進度",
    "en": "An update on your parcel",
}


# The last line of every buyer e-mail and SMS: the buyers' page (SPEC §11).
LINK_LINES = {
    "zh-Hans": "查看物流详情：{url}",
    "zh-Hant": "查看物流詳情：{url}",
    "en": "Track your parcel: {url}",
}


def with_link(text: str, locale: str, url: str) -> str:
    """A buyer notice's text with the tracking page's link on its own last line."""
    return f"{text}\n{LINK_LINES.get(locale, LINK_LINES['en']).format(url=url)}"


def intent_for(kind: str | None) -> Intent:
    return INTENT_FOR_KIND.get(kind or "", Intent.WHERE_IS_MY_PARCEL)


async def notice_answer(
    conn: asyncpg.Pool,
    shipment: ShipmentRow,
    tenant: Mapping[str, Any],
    kind: str | None,
    locale: str,
    now: datetime,
    estimator: Estimator,
) -> Answer:
    context = await build_context(conn, shipment, tenant["timezone"], now, estimator)
    return prepare_answer(context, intent_for(kind), locale)


def desk_body(event: Mapping[str, Any], answer: Answer) -> str:
    """Internal note for agents: the incident, its facts, then the answer ready to send."""
    data = event.get("data", {})
    facts = data.get("facts", {})
    lines = [f"[tracking-service] {data.get('kind', event.get('type'))} — {event.get('type')}"]
    lines += [f"{key}: {value}" for key, value in facts.items() if value not in (None, "")]
    lines += ["", f"Prepared answer ({answer.locale}, intent {answer.intent.value}):", answer.text]
    return "\n".join(lines)
