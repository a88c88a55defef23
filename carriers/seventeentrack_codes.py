"""17TRACK v2.2 status vocabulary and its canonical mapping (SPEC §2).

Sources:
- API v2.2 documentation, "Package status" (9 main statuses, 30 sub-statuses) and the event / milestone
  ``stage`` fields: https://api.17track.net/en/doc?version=v2.2 (asset.17track.net/api/document/v2.2_en/);
- 17TRACK help centre, "Understanding Tracking Status (Main Status & Substatus)":
  https://help.17track.net/hc/en-us/articles/37471096573337 (the same 30 sub-statuses, with descriptions);
- error codes: https://help.17track.net/hc/en-us/articles/37570440168473 (-18019901 already registered,
  -18019902 not registered, -18019904 / -18019905 retrack refused (still tracked / retracked once already),
  -18019906 stoptrack refused (not being tracked), -18019909 no tracking information yet, ...).

``NotFound_*`` (and a bare ``NotFound`` main status) mean 17TRACK has no scan: the parcel is reported
``NotFound``; the table still maps them (to ``pending``) so an event that carries one is never ``unknown``.
"""

from __future__ import annotations

from schemas import Status, SubStatus

S, SS = Status, SubStatus
Pair = tuple[Status, SubStatus | None]

NOT_FOUND_CODES = frozenset({"NotFound", "NotFound_Other", "NotFound_InvalidCode"})

# ``sub_status`` of an event or of ``track_info.latest_status`` → canonical pair.
SUB_STATUS: dict[str, Pair] = {
    "NotFound_Other": (S.PENDING, None),  # the carrier gave no information
    "NotFound_InvalidCode": (S.PENDING, None),  # the number is invalid
    "InfoReceived": (S.INFO_RECEIVED, None),
    "InTransit_PickedUp": (S.IN_TRANSIT, None),
    "InTransit_Other": (S.IN_TRANSIT, None),
    "InTransit_Departure": (S.IN_TRANSIT, None),
    "InTransit_Arrival": (S.IN_TRANSIT, None),
    "InTransit_CustomsProcessing": (S.IN_TRANSIT, SS.CUSTOMS_HOLD),
    "InTransit_CustomsReleased": (S.IN_TRANSIT, None),
    # "Additional information is needed for clearance": customs is stuck until someone acts — a customs problem.
    "InTransit_CustomsRequiringInformation": (S.EXCEPTION, SS.CUSTOMS_HOLD),
    "Expired_Other": (S.EXPIRED, None),
    "AvailableForPickup_Other": (S.AVAILABLE_FOR_PICKUP, None),
    "OutForDelivery_Other": (S.OUT_FOR_DELIVERY, None),
    # DeliveryFailure_*: an attempt was made and failed; the sub-status is the reason it gives.
    "DeliveryFailure_Other": (S.ATTEMPT_FAILED, SS.OTHER),
    "DeliveryFailure_NoBody": (S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE),
    "DeliveryFailure_Security": (S.ATTEMPT_FAILED, SS.OTHER),  # security, customs or fee issue at the door
    "DeliveryFailure_Rejected": (S.ATTEMPT_FAILED, SS.REFUSED),
    "DeliveryFailure_InvalidAddress": (S.ATTEMPT_FAILED, SS.ADDRESS_ISSUE),
    "Delivered_Other": (S.DELIVERED, None),
    "Exception_Other": (S.EXCEPTION, SS.OTHER),
    "Exception_Returning": (S.RETURNING, None),
    "Exception_Returned": (S.RETURNED, None),
    "Exception_NoBody": (S.EXCEPTION, SS.RECIPIENT_UNAVAILABLE),  # recipient cannot be found, before delivery
    # "Security, customs clearance or fee problems found before delivery": a customs problem.
    "Exception_Security": (S.EXCEPTION, SS.CUSTOMS_HOLD),
    "Exception_Damage": (S.EXCEPTION, SS.DAMAGED),
    # A refusal received before delivery; not yet on its way back (that is Exception_Returning).
    "Exception_Rejected": (S.EXCEPTION, SS.REFUSED),
    "Exception_Delayed": (S.EXCEPTION, SS.DELAYED),
    "Exception_Lost": (S.EXCEPTION, SS.LOST),
    "Exception_Destroyed": (S.EXCEPTION, SS.LOST),  # destroyed: the parcel will never arrive
    "Exception_Cancel": (S.EXCEPTION, SS.CANCELLED),
}

# ``latest_status.status`` when its ``sub_status`` is missing or unknown.
MAIN_STATUS: dict[str, Pair] = {
    "NotFound": (S.PENDING, None),
    "InfoReceived": (S.INFO_RECEIVED, None),
    "InTransit": (S.IN_TRANSIT, None),
    "Expired": (S.EXPIRED, None),
    "AvailableForPickup": (S.AVAILABLE_FOR_PICKUP, None),
    "OutForDelivery": (S.OUT_FOR_DELIVERY, None),
    "DeliveryFailure": (S.ATTEMPT_FAILED, None),
    "Delivered": (S.DELIVERED, None),
    "Exception": (S.EXCEPTION, None),
}

# An event's milestone ``stage`` (the ``milestone[].key_stage`` values), used when it has no known sub_status.
STAGE: dict[str, Pair] = {
    "InfoReceived": (S.INFO_RECEIVED, None),
    "PickedUp": (S.IN_TRANSIT, None),
    "Departure": (S.IN_TRANSIT, None),
    "Arrival": (S.IN_TRANSIT, None),
    "AvailableForPickup": (S.AVAILABLE_FOR_PICKUP, None),
    "OutForDelivery": (S.OUT_FOR_DELIVERY, None),
    "Delivered": (S.DELIVERED, None),
    "Returning": (S.RETURNING, None),
    "Returned": (S.RETURNED, None),
}

UNMAPPED: Pair = (S.UNKNOWN, None)

# Error codes (whole call: top-level ``code`` / ``data.errors[]``; per number: ``rejected[].error.code``).
ALREADY_REGISTERED = -18019901
NOT_REGISTERED = -18019902
NO_INFO_YET = -18019909
RETRACK_ONLY_STOPPED = -18019904  # retrack of a number 17TRACK is still tracking
RETRACK_ONLY_ONCE = -18019905  # a number can be retracked once in its life
STOP_ONLY_TRACKING = -18019906  # stoptrack of a number 17TRACK no longer tracks
AUTH_CODES = frozenset({-18010001, -18010002, -18010004, -18010005})  # IP, key, disabled, unauthorized
UNAVAILABLE_CODES = frozenset({-18010003})  # internal service error
QUOTA_CODES = frozenset({-18019907, -18019908})  # daily limit, quota used up


def state_pair(latest: object) -> tuple[Pair, str] | None:
    """``track_info.latest_status`` as (canonical pair, raw code), or None when it names nothing documented."""
    if not isinstance(latest, dict):
        return None
    sub, main = latest.get("sub_status") or "", latest.get("status") or ""
    if sub in SUB_STATUS:
        return SUB_STATUS[sub], sub
    if main in MAIN_STATUS:  # an unknown sub_status still has a documented main status
        return MAIN_STATUS[main], main
    return None
