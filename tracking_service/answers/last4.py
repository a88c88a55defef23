"""The last four digits of the buyer's phone where a message states them: "手机尾号1234", "尾号 1234",
"尾號是1234", "手机后四位1234", "last 4 digits 1234", "phone ending in 1234". Only digits right after such a
phrase count: a bare 4-digit run (a price, a year, a room number) is never read as a phone."""

from __future__ import annotations

import re

_LAST4 = re.compile(
    r"(?:尾[号號数數码碼]|[后後末]\s*(?:4|四)\s*位|"
    r"last\s*(?:4|four)(?:\s*digits?)?|ending\s*(?:in|with)?)"
    r"\D{0,20}?(?<!\d)(\d{4})(?!\d)",
    re.IGNORECASE,
)


def find_phone_last4(text: str) -> list[str]:
    """Every phone "last 4" the message states, in order, without repeats."""
    found: list[str] = []
    for match in _LAST4.finditer(text):
        if match.group(1) not in found:
            found.append(match.group(1))
    return found
