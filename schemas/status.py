"""Canonical status and sub-status vocabulary (SPEC §2). The strings are the contract."""

from enum import StrEnum


class Status(StrEnum):
    PENDING = "pending"
    INFO_RECEIVED = "info_received"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    AVAILABLE_FOR_PICKUP = "available_for_pickup"
    ATTEMPT_FAILED = "attempt_failed"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    RETURNING = "returning"
    RETURNED = "returned"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


class SubStatus(StrEnum):
    DAMAGED = "damaged"
    LOST = "lost"
    DELAYED = "delayed"
    CUSTOMS_HOLD = "customs_hold"
    ADDRESS_ISSUE = "address_issue"
    REFUSED = "refused"
    RECIPIENT_UNAVAILABLE = "recipient_unavailable"
    HELD_AT_CARRIER = "held_at_carrier"
    DELIVERED_TO_NEIGHBOR = "delivered_to_neighbor"
    DELIVERED_TO_LOCKER = "delivered_to_locker"
    CANCELLED = "cancelled"
    OTHER = "other"


# A terminal shipment is not polled any more; only a newer event changes it.
TERMINAL_STATUSES: frozenset[Status] = frozenset({Status.DELIVERED, Status.RETURNED, Status.EXPIRED})
