"""Tracking numbers in free text.

Candidates are alphanumeric runs of 8–40 characters (sandbox numbers keep their dashes);
mainland mobile numbers (11 digits starting 1[3-9]) and runs right after 订单/order are
dropped. A candidate is kept when a carrier recognises its shape, or when it looks like a
tracking number at all (10+ characters, 8+ digits): the caller matches it against the
tenant's shipments, so a false candidate simply finds nothing.
"""

from __future__ import annotations

import re

from carriers.detect import detect

_TOKEN = re.compile(r"SBX-[A-Z_]+-\d{1,20}|[A-Za-z0-9]{8,40}")
_PHONE = re.compile(r"^1[3-9]\d{9}$")
_ORDER_PREFIX = re.compile(r"(订单|訂單|order)\s*(号|號|no\.?|number|#)?\s*[:：]?\s*$", re.IGNORECASE)


def _plausible(token: str) -> bool:
    return len(token) >= 10 and sum(c.isdigit() for c in token) >= 8


def find_tracking_numbers(text: str) -> list[str]:
    found: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group(0).upper()
        if _PHONE.match(token) or _ORDER_PREFIX.search(text[: match.start()]):
            continue
        if token not in found and (detect(token) or _plausible(token)):
            found.append(token)
    return found


_ORDER_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{3,63}")


def find_order_ids(text: str) -> list[str]:
    """Order-id candidates: a token right after 订单号/order #, or any token of 6+ characters with 4+ digits
    (Taobao-style order ids are long digit runs). Matched exactly against the shop's order ids."""
    found: list[str] = []
    for match in _ORDER_TOKEN.finditer(text):
        token = match.group(0)
        after_prefix = bool(_ORDER_PREFIX.search(text[: match.start()]))
        looks_like = len(token) >= 6 and sum(c.isdigit() for c in token) >= 4 and not _PHONE.match(token)
        if (after_prefix or looks_like) and token not in found:
            found.append(token)
    return found[:20]
