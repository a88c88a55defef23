"""DHL vocabulary for the Unified tracking adapter: the Express event codes and the texts DHL sends.

Sources:

- DHL Shipment Tracking – Unified API v1.5.8 (``dpdhl_tracking-unified-api`` OpenAPI, developer.dhl.com
  /api-reference/shipment-tracking): an event is a ``TrackingShipmentStatus`` of ``statusCode``
  (``pre-transit`` | ``transit`` | ``delivered`` | ``failure`` | ``unknown``), ``status`` ("short
  description of the status - title"), ``statusDetailed``, ``description``, ``remark``, ``nextSteps``;
  the shipment carries the same object as ``status`` (its current state) and ``returnFlag``.
- DHL support: "What are the different status codes available in the DHL Shipment Tracking - Unified
  API?" (article 47001197243; ``failure`` covers failed delivery, customs, expiry at a service point,
  returns), "The property status under events has a mixed type of values" (47001251141: the text
  comes from each division's backend), "How to identify an undeliverable shipment that is returning
  back to the origin?" (47001251142: ``returnFlag: true``).
- DHL Express event (checkpoint) codes: the 40-code list DHL Express hands out with its APIs (XML
  Services "Shipment event codes", MyDHL ``events[].typeCode``), extended by the XML Services
  reference data (BL, CI, CU, DI, DM, DP, ES, HI, HN, HO, IA, IR, LV, NA, RW, SI, ST, TD, TI, TT, UV)
  and SD / EM seen in Unified answers. In Unified answers for ``service: express`` DHL puts the code
  in ``events[].status``; the descriptions are DHL Express's standard checkpoint texts.
"""

from __future__ import annotations

import re

from schemas import Status, SubStatus

S, SS = Status, SubStatus
Pair = tuple[Status, SubStatus | None]

# Express code -> canonical pair. The comment is DHL's own label for the code.
EXPRESS_CODES: dict[str, Pair] = {
    # the normal journey
    "SD": (S.INFO_RECEIVED, None),  # shipment information received
    "EM": (S.INFO_RECEIVED, None),  # electronic data merge
    "PU": (S.IN_TRANSIT, None),  # shipment pick up
    "SA": (S.IN_TRANSIT, None),  # shipment acceptance
    "PL": (S.IN_TRANSIT, None),  # processed at location
    "DF": (S.IN_TRANSIT, None),  # depart facility
    "AF": (S.IN_TRANSIT, None),  # arrived facility
    "AR": (S.IN_TRANSIT, None),  # arrival in delivery facility
    "TR": (S.IN_TRANSIT, None),  # record of transfer
    "SM": (S.IN_TRANSIT, None),  # scheduled movement
    "FD": (S.IN_TRANSIT, None),  # forward destination (DD's expected)
    "AD": (S.IN_TRANSIT, None),  # agreed delivery
    "SC": (S.IN_TRANSIT, None),  # service changed
    "TP": (S.IN_TRANSIT, None),  # forwarded to 3rd party - no DD's: the last DHL scan, not a delivery
    "CI": (S.IN_TRANSIT, None),  # facility check-in
    "CU": (S.IN_TRANSIT, None),  # confirm uplift
    "LV": (S.IN_TRANSIT, None),  # load vehicle
    "UV": (S.IN_TRANSIT, None),  # unload vehicle
    "RW": (S.IN_TRANSIT, None),  # weigh & dimension
    "HN": (S.IN_TRANSIT, None),  # handover
    "IA": (S.IN_TRANSIT, None),  # image available
    "WC": (S.OUT_FOR_DELIVERY, None),  # with delivering courier
    "OK": (S.DELIVERED, None),  # delivery
    # customs: processing is in transit, a delay or a duty hold is a problem (SPEC §2)
    "IC": (S.IN_TRANSIT, SS.CUSTOMS_HOLD),  # in clearance processing
    "RR": (S.IN_TRANSIT, SS.CUSTOMS_HOLD),  # response received ("customs status updated")
    "BN": (S.IN_TRANSIT, SS.CUSTOMS_HOLD),  # customer broker notified
    "ES": (S.IN_TRANSIT, SS.CUSTOMS_HOLD),  # entry submitted
    "DI": (S.IN_TRANSIT, SS.CUSTOMS_HOLD),  # duty invoice
    "BL": (S.IN_TRANSIT, SS.CUSTOMS_HOLD),  # bond location
    "CR": (S.IN_TRANSIT, None),  # clearance release ("clearance processing complete")
    "BR": (S.IN_TRANSIT, None),  # broker release
    "PY": (S.IN_TRANSIT, None),  # payment (duties paid)
    "HO": (S.IN_TRANSIT, None),  # lodged out of held inventory control
    "SI": (S.IN_TRANSIT, None),  # shipment inspection
    "CD": (S.EXCEPTION, SS.CUSTOMS_HOLD),  # controllable clearance delay
    "UD": (S.EXCEPTION, SS.CUSTOMS_HOLD),  # uncontrollable clearance delay
    "HP": (S.EXCEPTION, SS.CUSTOMS_HOLD),  # held for payment (duties and taxes)
    "DP": (S.EXCEPTION, SS.CUSTOMS_HOLD),  # denied parties (export screening hold)
    # delivery attempts, by reason, and the service point
    "NH": (S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE),  # not home
    "CA": (S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE),  # closed on arrival
    "RD": (S.ATTEMPT_FAILED, SS.REFUSED),  # refused delivery: at the door, not yet on the way back
    "ND": (S.ATTEMPT_FAILED, SS.OTHER),  # not delivered
    "BA": (S.EXCEPTION, SS.ADDRESS_ISSUE),  # bad address: delivery stops until DHL gets one
    "CM": (S.EXCEPTION, SS.ADDRESS_ISSUE),  # customer moved
    "CC": (S.AVAILABLE_FOR_PICKUP, None),  # awaiting consignee collection (station or service point)
    # delays and holds
    "MD": (S.EXCEPTION, SS.DELAYED),  # missed delivery cycle: no attempt was made
    "TD": (S.EXCEPTION, SS.DELAYED),  # transport delay
    "MS": (S.EXCEPTION, SS.DELAYED),  # mis-sort
    "MC": (S.EXCEPTION, SS.DELAYED),  # miscode
    "IR": (S.EXCEPTION, SS.DELAYED),  # incorrect route
    "NA": (S.EXCEPTION, SS.DELAYED),  # not arrived
    "OH": (S.EXCEPTION, SS.HELD_AT_CARRIER),  # on hold
    "SS": (S.EXCEPTION, SS.HELD_AT_CARRIER),  # shipment stopped
    "ST": (S.EXCEPTION, SS.HELD_AT_CARRIER),  # shipment intercept
    "HI": (S.EXCEPTION, SS.HELD_AT_CARRIER),  # lodged into held inventory control
    # damage, loss, the end of the road
    "DD": (S.EXCEPTION, SS.DAMAGED),  # delivered damaged
    "DM": (S.EXCEPTION, SS.DAMAGED),  # damaged
    "TI": (S.EXCEPTION, SS.LOST),  # trace initiated: DHL is looking for the shipment
    "TT": (S.EXCEPTION, SS.LOST),  # trace terminated
    "PD": (S.EXCEPTION, SS.OTHER),  # partial delivery: pieces are missing
    "DS": (S.EXCEPTION, SS.OTHER),  # destroyed / disposal
    "CS": (S.EXCEPTION, SS.OTHER),  # closed shipment, no delivery on record
    "RT": (S.RETURNED, None),  # returned to consignor
}

# Where a code stands in text: alone ("WC"), first ("WC - With delivery courier", "OK: Delivered") or
# bracketed ("Status: [HP] ..."). Only a code of the table counts, so "US - ..." stays text.
_CODE_IN_TEXT = re.compile(r"^\s*([A-Z]{2})\s*(?:$|[-:–]\s)|\[([A-Z]{2})\]")


def express_code_in(text: object) -> str | None:
    """The two-letter Express code a field carries, if any (None for a code DHL does not document)."""
    if not isinstance(text, str):
        return None
    match = _CODE_IN_TEXT.search(text)
    code = match and (match.group(1) or match.group(2))
    return code if code in EXPRESS_CODES else None


def code_field(text: object) -> str | None:
    """A field meant to hold a code (``typeCode``, ``statusDetailed``): its upper-cased two letters."""
    if isinstance(text, str) and re.fullmatch(r"\s*[A-Za-z]{2}\s*", text):
        return text.strip().upper()
    return None


# No code: DHL's own checkpoint texts, matched on the lower-cased status + description + remark
# before the coarse statusCode is refined. First match wins; the specific phrase comes first.
PHRASES: tuple[tuple[str, Status, SubStatus | None], ...] = (
    (r"delivered damaged|damaged", S.EXCEPTION, SS.DAMAGED),  # DD, DM
    (r"\blost\b", S.EXCEPTION, SS.LOST),
    (r"trace (?:initiated|terminated)", S.EXCEPTION, SS.LOST),  # TI, TT
    (r"clearance processing complete|clearance release|released? (?:by|from) customs", S.IN_TRANSIT, None),  # CR
    (r"clearance delay|customs delay", S.EXCEPTION, SS.CUSTOMS_HOLD),  # CD, UD
    (r"receipt of payment|held for payment|awaiting (?:duty )?payment", S.EXCEPTION, SS.CUSTOMS_HOLD),  # HP
    (r"processed for clearance|in clearance|customs status updated", S.IN_TRANSIT, SS.CUSTOMS_HOLD),  # IC, RR
    (r"awaiting collection|ready for pick-?up|available for pick-?up|can be picked up", S.AVAILABLE_FOR_PICKUP, None),
    (r"with (?:delivery )?courier|out for delivery|loaded onto the delivery vehicle", S.OUT_FOR_DELIVERY, None),  # WC
    (r"recipient not home|no one home|premises closed|closed on arrival", S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE),
    (r"refused", S.ATTEMPT_FAILED, SS.REFUSED),  # RD
    (
        r"address information needed|bad address|incorrect address|(?:recipient|consignee|customer) moved",
        S.EXCEPTION,
        SS.ADDRESS_ISSUE,
    ),  # BA, CM
    (r"returned to (?:shipper|sender|consignor)", S.RETURNED, None),  # RT
    (r"being returned|return(?:ing)? to (?:shipper|sender)", S.RETURNING, None),
    (r"missed delivery cycle|transport delay|mis-?sort|delivery delayed|\bdelay", S.EXCEPTION, SS.DELAYED),
    (r"on hold|shipment stopped|intercept", S.EXCEPTION, SS.HELD_AT_CARRIER),  # OH, SS, ST
)

# What is left per statusCode; the table is per code so that e.g. "address" only means trouble on failure.
KEYWORDS: dict[str, tuple[tuple[str, Status, SubStatus | None], ...]] = {
    "transit": (
        ("customs", S.IN_TRANSIT, SS.CUSTOMS_HOLD),
        ("held", S.IN_TRANSIT, SS.HELD_AT_CARRIER),
    ),
    "failure": (
        ("customs", S.EXCEPTION, SS.CUSTOMS_HOLD),
        ("address", S.EXCEPTION, SS.ADDRESS_ISSUE),
        ("held", S.EXCEPTION, SS.HELD_AT_CARRIER),
    ),
    "delivered": (
        ("damaged", S.EXCEPTION, SS.DAMAGED),
        ("neighbo", S.DELIVERED, SS.DELIVERED_TO_NEIGHBOR),
        ("packstation", S.DELIVERED, SS.DELIVERED_TO_LOCKER),
        ("locker", S.DELIVERED, SS.DELIVERED_TO_LOCKER),
        ("parcel shop", S.DELIVERED, SS.DELIVERED_TO_LOCKER),
    ),
}
# The coarse code alone (support article 47001197243); "unknown" and anything new stay unknown.
STATUS_CODES: dict[str, Pair] = {
    "pre-transit": (S.INFO_RECEIVED, None),
    "transit": (S.IN_TRANSIT, None),
    "delivered": (S.DELIVERED, None),
    "failure": (S.EXCEPTION, SS.OTHER),
}
# statusCodes whose text may refine them through PHRASES ("delivered" only through its KEYWORDS).
PHRASE_CODES = frozenset({"pre-transit", "transit", "failure"})
_COMPILED = tuple((re.compile(pattern), status, sub) for pattern, status, sub in PHRASES)


def classify_text(status_code: str, text: str) -> Pair | None:
    """The pair DHL's text says under ``status_code``, or None when it says no more than the code."""
    lowered = text.lower()
    if status_code in PHRASE_CODES:
        for pattern, status, sub in _COMPILED:
            if pattern.search(lowered):
                return status, sub
    for word, status, sub in KEYWORDS.get(status_code, ()):
        if word in lowered:
            return status, sub
    return None
