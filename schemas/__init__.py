"""Pure data of tracking-service: the status vocabulary, the carrier event and API models.

This package imports nothing of ours; carriers and the service depend on it.
"""

from schemas.events import CarrierEvent, EventSource, TrackingQuery, TrackingResult
from schemas.status import TERMINAL_STATUSES, Status, SubStatus

__all__ = [
    "TERMINAL_STATUSES",
    "CarrierEvent",
    "EventSource",
    "Status",
    "SubStatus",
    "TrackingQuery",
    "TrackingResult",
]
