"""Which carrier a new shipment goes to: local number rules first, the aggregator's recognition when they
cannot settle it.

``carriers.detect`` knows the shapes the big Chinese and international carriers print. When it is
ambiguous or silent (``carriers.detect.ambiguous``) and an aggregator that recognises numbers is enabled
(Kuaidi100 智能单号识别, https://api.kuaidi100.com/document/5f1106542977d50a94e10241), its answer decides:
one company, or a first company that one of the tied local candidates names, is taken; several that the
local rules do not confirm go into the 422's candidate list. The aggregator's answers are cached per
number prefix and length (its own answers carry ``lengthPre``: a prefix decides the company), so a
Double-11 batch of one shop's numbers asks once. A recognition that fails is logged and counted and leaves
the local answer standing: registration never waits on it for longer than ``timeout``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from carriers.base import CarrierError, NumberRecognizer
from carriers.detect import Candidate, ambiguous, detect
from tracking_service.clock import Clock
from tracking_service.metrics import NUMBER_RECOGNITIONS

log = logging.getLogger(__name__)


@dataclass
class Recognition:
    """Kuaidi100-style number recognition with a per-prefix cache."""

    recognizer: NumberRecognizer
    client: httpx.AsyncClient
    clock: Clock
    ttl: timedelta = timedelta(hours=24)
    prefix: int = 4
    timeout: float = 2.0
    max_entries: int = 10_000
    _cache: dict[tuple[str, int], tuple[datetime, list[str]]] = field(default_factory=dict)

    def _key(self, number: str) -> tuple[str, int]:
        return number[: self.prefix], len(number)

    async def companies(self, number: str) -> list[str]:
        """The aggregator's sub-carrier codes for ``number``, best first; empty when unknown or failed."""
        number = number.strip().upper()
        key, now = self._key(number), self.clock.now()
        cached = self._cache.get(key)
        if cached is not None and now - cached[0] < self.ttl:
            NUMBER_RECOGNITIONS.labels(self.recognizer.code, "cached").inc()
            return cached[1]
        try:
            found = await asyncio.wait_for(self.recognizer.autonumber(self.client, number), self.timeout)
        except (CarrierError, TimeoutError) as exc:
            NUMBER_RECOGNITIONS.labels(self.recognizer.code, "error").inc()
            log.warning(
                "number recognition failed",
                extra={"carrier": self.recognizer.code, "error": type(exc).__name__, "detail": str(exc)[:200]},
            )
            return []
        NUMBER_RECOGNITIONS.labels(self.recognizer.code, "found" if found else "none").inc()
        if len(self._cache) >= self.max_entries:
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = (now, found)
        return found


def local_candidates(number: str, enabled: list[str]) -> list[Candidate]:
    return [c for c in detect(number) if c.carrier in enabled]


def listed(*groups: tuple[list[Candidate], str]) -> list[dict[str, Any]]:
    """Candidates for the 422, each (carrier, sub-carrier) once, with where it came from."""
    out: dict[tuple[str, str | None], dict[str, Any]] = {}
    for candidates, source in groups:
        for c in candidates:
            out.setdefault(
                (c.carrier, c.sub_carrier),
                {"carrier": c.carrier, "sub_carrier": c.sub_carrier, "score": c.score, "source": source},
            )
    return list(out.values())


async def recognise(
    number: str, enabled: list[str], recognition: Recognition | None
) -> tuple[Candidate | None, list[dict[str, Any]]]:
    """The carrier to use (or ``None``) and every candidate considered, for the 422 when there is none."""
    local = local_candidates(number, enabled)
    if not ambiguous(local):
        return local[0], listed((local, "rules"))
    aggregator = recognition.recognizer.code if recognition is not None else None
    companies = await recognition.companies(number) if recognition and aggregator in enabled else []
    if companies:
        assert aggregator is not None
        asked = [Candidate(aggregator, com, round(0.9 - 0.05 * i, 2)) for i, com in enumerate(companies)]
        top = local[0].score if local else None
        tied = {c.sub_carrier for c in local if c.carrier == aggregator and c.score == top}
        if len(companies) == 1 or companies[0] in tied:
            return asked[0], listed((asked, aggregator), (local, "rules"))
        return None, listed((asked, aggregator), (local, "rules"))
    if local and (len(local) == 1 or local[0].score != local[1].score):
        return local[0], listed((local, "rules"))  # only catch-all shapes matched, and one ranks first
    return None, listed((local, "rules"))
