"""The words the service speaks besides carrier statuses (``schemas.status``): buyer locales, buyer
intents, incident kinds and states. Written once here; the API models, the rules, the answers, the
console and the SQL all use these."""

from __future__ import annotations

from enum import StrEnum


class Locale(StrEnum):
    ZH_HANS = "zh-Hans"
    ZH_HANT = "zh-Hant"
    EN = "en"


LOCALES: tuple[str, ...] = tuple(locale.value for locale in Locale)


class Intent(StrEnum):
    """What a buyer's message asks (SPEC §7)."""

    WHERE_IS_MY_PARCEL = "where_is_my_parcel"
    WHEN_WILL_IT_ARRIVE = "when_will_it_arrive"
    NOT_RECEIVED = "not_received"
    DAMAGED = "damaged"
    CHANGE_ADDRESS = "change_address"
    RETURN_STATUS = "return_status"
    SHIPPING_TIME = "shipping_time"
    UNKNOWN = "unknown"


# Intents an answer can be prepared for (``unknown`` is what detection says when none fits).
ANSWERABLE_INTENTS: tuple[Intent, ...] = tuple(i for i in Intent if i is not Intent.UNKNOWN)


class IncidentKind(StrEnum):
    DELAYED = "delayed"
    STALLED = "stalled"
    LOST = "lost"
    DAMAGED = "damaged"
    DELIVERY_FAILED = "delivery_failed"
    RETURNED_TO_SENDER = "returned_to_sender"
    CUSTOMS_HOLD = "customs_hold"
    ADDRESS_ISSUE = "address_issue"
    DELIVERY_DISPUTED = "delivery_disputed"


class IncidentState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
