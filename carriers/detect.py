"""Carrier auto-detection from the shape of a tracking number.

``detect`` returns ranked candidates; the service picks the best one among the
tenant's enabled carriers, or answers 422 with the list when it cannot choose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Candidate:
    carrier: str
    sub_carrier: str | None
    score: float


# (pattern, carrier, sub_carrier, score). Higher score = more specific pattern.
_RULES: tuple[tuple[re.Pattern[str], str, str | None, float], ...] = (
    (re.compile(r"^SBX-[A-Z_]+-\d{1,20}$"), "sandbox", None, 1.0),
)


def detect(tracking_number: str) -> list[Candidate]:
    """Candidates for ``tracking_number``, best first; empty when nothing matches."""
    number = tracking_number.strip().upper()
    found: dict[tuple[str, str | None], float] = {}
    for pattern, carrier, sub_carrier, score in _RULES:
        if pattern.match(number):
            key = (carrier, sub_carrier)
            found[key] = max(found.get(key, 0.0), score)
    ranked = sorted(found.items(), key=lambda item: (-item[1], item[0][0]))
    return [Candidate(carrier=c, sub_carrier=s, score=score) for (c, s), score in ranked]
