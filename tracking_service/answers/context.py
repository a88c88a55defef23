"""What an answer may say: the facts the service has about one shipment, and nothing else.

The service builds an ``AnswerContext`` from the database; the renderer reads only
this object, so an answer can never state a fact the service does not have.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from schemas.vocabulary import LOCALES, Intent

__all__ = ["LOCALES", "Answer", "AnswerContext", "Intent"]


@dataclass(frozen=True, slots=True)
class LastEvent:
    occurred_at: datetime  # tz-aware
    status: str  # canonical status (schemas.Status value)
    sub_status: str | None
    description: str  # the carrier's own text, e.g. "快件已到达杭州转运中心"
    location: str | None


@dataclass(frozen=True, slots=True)
class Estimate:
    at: datetime | None  # tz-aware
    source: str | None  # "carrier" | "model" | "promised" | None


@dataclass(frozen=True, slots=True)
class Lane:
    p50_hours: int
    p90_hours: int
    samples: int


@dataclass(frozen=True, slots=True)
class OpenIncident:
    kind: str  # delayed | stalled | lost | damaged | delivery_failed | returned_to_sender | customs_hold | ...
    status: str  # open | acknowledged
    opened_at: datetime
    facts: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ClaimInfo:
    kind: str  # damaged | lost | not_received
    state: str  # open | evidence_requested | submitted | approved | rejected | paid | closed
    deadline_at: datetime | None  # last day the carrier accepts the claim
    past_window: bool


@dataclass(frozen=True, slots=True)
class ShippingInfo:
    """The shop's dispatch policy for presale answers (tenant settings, else its recent parcels)."""

    carriers: list[str]  # carrier / Kuaidi100 com codes, e.g. ["zhongtong", "shunfeng"]
    cutoff: str | None  # "16:00": paid before it, shipped the same day
    dispatch_days: int | None
    free_shipping: bool | None = None
    free_shipping_min: float | None = None
    no_free_shipping_regions: list[str] = field(default_factory=list)
    no_delivery_regions: list[str] = field(default_factory=list)
    carriers_on_request: list[str] = field(default_factory=list)
    on_request_surcharge: float | None = None
    # What the presale message asked: dispatch, fee, courier, region, transit (answers.presale.topics).
    asks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AnswerContext:
    """Everything an answer may mention. ``None`` means "the service does not know" — say so plainly."""

    now: datetime  # tz-aware; "how long ago" is computed against this
    timezone: str  # the shop's IANA zone; dates/times are shown in it
    buyer_name: str | None  # already masked, e.g. "张*"
    carrier: str  # carrier code, e.g. "sandbox", "kuaidi100", "sf_express"
    sub_carrier: str | None  # aggregator's carrier code, e.g. "zhongtong"
    tracking_number: str | None  # None when answering without a shipment (e.g. presale shipping_time)
    status: str | None  # canonical status, None without a shipment
    sub_status: str | None
    last_event: LastEvent | None
    estimate: Estimate
    lane: Lane | None  # transit-time percentiles of the shipment's (or asked) lane
    incidents: list[OpenIncident] = field(default_factory=list)
    claim: ClaimInfo | None = None
    # The delivery event (status delivered) when there is one: where and how it was signed for.
    delivered_event: LastEvent | None = None
    # A return parcel linked to this shipment (return_status), as its own context.
    return_shipment: AnswerContext | None = None
    # Presale questions only: how the shop dispatches.
    shipping: ShippingInfo | None = None
    # A number the buyer pasted that matches no parcel: repeated back, never asked for again.
    unmatched_number: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    intent: Intent
    locale: str
    text: str
    next_update: str  # the "when you hear next" sentence alone, also part of ``text``
    # Every question the message asked, primary first (SPEC §12 ``intents[]``); ``text`` answers them all.
    intents: tuple[Intent, ...] = ()

    def __post_init__(self) -> None:
        if not self.intents:
            object.__setattr__(self, "intents", (self.intent,))
