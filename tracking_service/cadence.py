"""How often a shipment is polled: by its status, how long it has been silent, and whether the carrier pushes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from schemas import TERMINAL_STATUSES, Status


def next_poll_delay(status: Status, last_event_at: datetime | None, now: datetime) -> timedelta | None:
    """How long until the next poll of a healthy shipment; None for terminal states."""
    if status in TERMINAL_STATUSES:
        return None
    if status is Status.OUT_FOR_DELIVERY:
        return timedelta(minutes=30)
    if status in (Status.AVAILABLE_FOR_PICKUP, Status.ATTEMPT_FAILED):
        return timedelta(hours=2)
    if status in (Status.PENDING, Status.INFO_RECEIVED):
        return timedelta(hours=1)
    silent = now - last_event_at if last_event_at else timedelta(0)
    if silent < timedelta(hours=24):
        return timedelta(hours=2)
    if silent < timedelta(hours=72):
        return timedelta(hours=4)
    return timedelta(hours=8)


@dataclass(frozen=True, slots=True)
class Cadence:
    """The polling cadence's two knobs that come from settings."""

    safety_net: timedelta = timedelta(hours=24)  # a parcel the carrier pushes is polled at most this often
    resume_after_push: timedelta = timedelta(hours=2)  # first poll once a carrier stops pushing


DEFAULT_CADENCE = Cadence()
