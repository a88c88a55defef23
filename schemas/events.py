"""The canonical carrier event and what an adapter is asked and answers.

These are plain slotted dataclasses rather than pydantic models: adapters build
tens of thousands of them per second and they need no validation beyond types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from schemas.status import Status, SubStatus


class EventSource(StrEnum):
    POLL = "poll"
    PUSH = "push"
    MANUAL = "manual"


@dataclass(slots=True, frozen=True)
class CarrierEvent:
    """One carrier scan in canonical form; ``occurred_at`` is always tz-aware."""

    occurred_at: datetime
    status: Status
    carrier_code: str
    description: str = ""
    location: str | None = None
    sub_status: SubStatus | None = None
    source: EventSource = EventSource.POLL

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None:
            raise ValueError("CarrierEvent.occurred_at must be timezone-aware")


@dataclass(slots=True, frozen=True)
class TrackingQuery:
    """What the poller asks an adapter about one parcel."""

    tracking_number: str
    sub_carrier: str | None = None
    phone_last4: str | None = None
    registered_at: datetime | None = None


@dataclass(slots=True)
class TrackingResult:
    """What an adapter knows about one parcel: its events, newest last or in any order.

    ``push_stopped``: the carrier says it stopped pushing this number (Kuaidi100 ``abort``, 17TRACK
    ``TRACKING_STOPPED``); with a corrected ``sub_carrier`` (Kuaidi100 ``comNew``) the service
    subscribes again under it, otherwise it falls back to polling. ``sub_carrier_corrected``: the
    carrier names the right company itself and keeps pushing under it; the stored one is replaced.
    """

    tracking_number: str
    events: list[CarrierEvent] = field(default_factory=list)
    carrier_eta: datetime | None = None
    sub_carrier: str | None = None
    push_stopped: bool = False
    sub_carrier_corrected: bool = False  # the carrier corrected the company (Kuaidi100 autoCheck=1 comNew)
