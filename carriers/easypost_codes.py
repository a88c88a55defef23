"""EasyPost tracker ``status`` / ``status_detail`` → canonical status, in one place.

Sources:
- Tracker object, https://docs.easypost.com/docs/trackers — ``status``: unknown, pre_transit, in_transit,
  out_for_delivery, delivered, available_for_pickup, return_to_sender, failure, cancelled, error;
  ``status_detail``: address_correction, arrived_at_destination, arrived_at_facility, arrived_at_pickup_location,
  awaiting_information, cancelled, damaged, delayed, delivery_exception, departed_facility, departed_origin_facility,
  expired, failure, held, in_transit, label_created, lost, missorted, out_for_delivery,
  received_at_destination_facility, received_at_origin_facility, refused, return, status_update,
  transferred_to_destination_carrier, transit_exception, unknown, weather_delay. The official C# client's
  ``Models/API/Tracker.cs`` (github.com/EasyPost/easypost-csharp) documents the same two lists.
- Status meanings, https://support.easypost.com/hc/en-us/articles/360044353091 ("Tracker Status Definitions"):
  unknown = the carrier has no tracking information yet, pre_transit = label info sent, carrier has not taken
  the parcel. EasyPost's test tracker EZ5000000005 (official docs examples) ends ``return_to_sender`` / ``return``
  with "Address Does Not Exist - Returning to Sender": ``return_to_sender`` is the way back, not the arrival.

How a (status, status_detail) pair is read — the detail refines the status:
1. ``PAIR_TABLE``: pairs whose meaning needs both halves (``delivered`` + ``return`` = back at the sender).
2. ``DETAIL_TABLE``: details that name the outcome whatever the status beside them (lost, damaged, delays).
3. ``STATUS_TABLE``, with ``DETAIL_SUB`` adding the reason when the status is about a parcel on its way
   (``address_correction`` is a correction, not a stop: the parcel keeps its status, flagged address_issue).
Anything else is unmapped (``Status.UNKNOWN``), never guessed.
"""

from __future__ import annotations

from schemas import Status, SubStatus

S, SS = Status, SubStatus
Pair = tuple[Status, SubStatus | None]

STATUS_TABLE: dict[str, Pair] = {
    "unknown": (S.PENDING, None),  # carrier has no tracking information yet
    "pre_transit": (S.INFO_RECEIVED, None),
    "in_transit": (S.IN_TRANSIT, None),
    "out_for_delivery": (S.OUT_FOR_DELIVERY, None),
    "delivered": (S.DELIVERED, None),
    "available_for_pickup": (S.AVAILABLE_FOR_PICKUP, None),
    "return_to_sender": (S.RETURNING, None),
    "failure": (S.EXCEPTION, SS.OTHER),
    "cancelled": (S.EXCEPTION, SS.CANCELLED),
    # EasyPost could not track the number (bad code or carrier error): it will not fix itself, someone must look.
    "error": (S.EXCEPTION, SS.OTHER),
}

DETAIL_TABLE: dict[str, Pair] = {
    "damaged": (S.EXCEPTION, SS.DAMAGED),
    "lost": (S.EXCEPTION, SS.LOST),
    "delayed": (S.EXCEPTION, SS.DELAYED),
    "weather_delay": (S.EXCEPTION, SS.DELAYED),  # a carrier delay flag (SPEC §2)
    "missorted": (S.EXCEPTION, SS.DELAYED),  # sent the wrong way and rerouted: late, not lost
    "transit_exception": (S.EXCEPTION, SS.OTHER),
    "cancelled": (S.EXCEPTION, SS.CANCELLED),
    "expired": (S.EXPIRED, None),  # EasyPost stopped tracking: the number gets no more updates
    "delivery_exception": (S.ATTEMPT_FAILED, None),
    "arrived_at_pickup_location": (S.AVAILABLE_FOR_PICKUP, None),
    "refused": (S.RETURNING, SS.REFUSED),  # a refused parcel goes back (e.g. "Refused, Return to Sender")
    "return": (S.RETURNING, None),
}

PAIR_TABLE: dict[tuple[str, str], Pair] = {
    ("delivered", "return"): (S.RETURNED, None),  # the return leg is delivered: back at the sender
    ("delivered", "refused"): (S.RETURNED, SS.REFUSED),
    ("delivered", "arrived_at_pickup_location"): (S.DELIVERED, SS.DELIVERED_TO_LOCKER),
    ("delivered", "expired"): (S.DELIVERED, None),  # tracking ended after delivery: still delivered
    ("failure", "refused"): (S.ATTEMPT_FAILED, SS.REFUSED),
    ("out_for_delivery", "refused"): (S.ATTEMPT_FAILED, SS.REFUSED),
    ("out_for_delivery", "failure"): (S.ATTEMPT_FAILED, None),
    ("return_to_sender", "delivery_exception"): (S.RETURNING, None),
    ("pre_transit", "awaiting_information"): (S.INFO_RECEIVED, None),  # label made, carrier awaits the item
}

# Reasons that keep the status of a parcel on its way and say why it stands still or was corrected.
DETAIL_SUB: dict[str, SubStatus] = {
    "address_correction": SS.ADDRESS_ISSUE,
    "held": SS.HELD_AT_CARRIER,
    "awaiting_information": SS.HELD_AT_CARRIER,  # held until the shipper / consignee supplies information
}
_REFINABLE = frozenset(
    {S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.AVAILABLE_FOR_PICKUP, S.ATTEMPT_FAILED, S.EXCEPTION, S.RETURNING}
)
UNMAPPED: Pair = (S.UNKNOWN, None)


def canonical(status: str, detail: str) -> Pair:
    """The canonical pair of an EasyPost (status, status_detail); ``UNMAPPED`` for an undocumented status."""
    if (status, detail) in PAIR_TABLE:
        return PAIR_TABLE[status, detail]
    if detail in DETAIL_TABLE:
        return DETAIL_TABLE[detail]
    mapped = STATUS_TABLE.get(status, UNMAPPED)
    if detail in DETAIL_SUB and mapped[0] in _REFINABLE:
        return mapped[0], DETAIL_SUB[detail]
    return mapped
