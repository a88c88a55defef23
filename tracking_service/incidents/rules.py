"""The incident rules: pure functions from a shipment snapshot to what should be open.

The same ``evaluate`` runs on ingest (event-driven causes show in the current
status) and in the sweep (time-driven causes: silence and missed deadlines).
Every opened incident carries the facts it was decided on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from schemas import TERMINAL_STATUSES
from schemas.settings import Thresholds
from schemas.vocabulary import IncidentKind

Kind = IncidentKind  # the rules speak the API's incident vocabulary


# Statuses in which "no news" means the parcel is stuck (waiting at a pickup point is not stuck).
_MOVING = frozenset({"pending", "info_received", "in_transit", "out_for_delivery", "unknown", "returning"})
_BEFORE_PICKUP = frozenset({"pending", "info_received"})
# Kinds that stay until a person resolves them: the cause does not "go away".
MANUAL_ONLY = frozenset({Kind.DAMAGED, Kind.RETURNED_TO_SENDER, Kind.DELIVERY_DISPUTED})


_DERIVED = frozenset({"lane_p90_at", "origin_country", "destination_country"})


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the rules need to know about one shipment."""

    carrier: str
    status: str
    sub_status: str | None
    created_at: datetime
    last_event_at: datetime | None
    last_event_description: str | None
    last_event_location: str | None
    last_event_code: str | None
    promised_delivery_at: datetime | None
    carrier_eta: datetime | None
    lane_p90_at: datetime | None
    delivered_at: datetime | None
    origin_country: str | None
    destination_country: str | None

    @classmethod
    def of(cls, shipment: Any, lane_p90_at: datetime | None) -> Snapshot:
        """The snapshot of a shipment row (any object with the fields above by name, e.g. ``RuleRow``), with
        the lane's p90 arrival where the rules need it."""
        read = {name: getattr(shipment, name) for name in _READ_FROM_SHIPMENT}
        return cls(
            **read,
            lane_p90_at=lane_p90_at,
            origin_country=(shipment.origin or {}).get("country"),
            destination_country=(shipment.destination or {}).get("country"),
        )

    @property
    def cross_border(self) -> bool:
        return bool(
            self.origin_country
            and self.destination_country
            and self.origin_country.upper() != self.destination_country.upper()
        )

    @property
    def quiet_since(self) -> datetime:
        return self.last_event_at or self.created_at


# The fields a snapshot copies from the shipment row as they are.
_READ_FROM_SHIPMENT = tuple(f.name for f in fields(Snapshot) if f.name not in _DERIVED)


@dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    facts: dict[str, Any]
    caused_at: datetime  # when the cause happened (event time or threshold crossing), for time-to-detect


@dataclass
class Evaluation:
    findings: dict[Kind, Finding] = field(default_factory=dict)
    next_check: datetime | None = None  # when a time-driven rule could next change its answer


def _facts(s: Snapshot, **extra: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "carrier": s.carrier,
        "status": s.status,
        "sub_status": s.sub_status,
        "last_event_at": s.last_event_at.isoformat() if s.last_event_at else None,
        "last_event_description": s.last_event_description,
        "last_event_location": s.last_event_location,
        "carrier_code": s.last_event_code,
        "cross_border": s.cross_border,
    }
    facts.update(extra)
    return facts


def deadline(s: Snapshot) -> tuple[datetime, str] | None:
    """The date the parcel should have arrived by, and where that date comes from."""
    if s.promised_delivery_at is not None:
        return s.promised_delivery_at, "promised"
    if s.carrier_eta is not None:
        return s.carrier_eta, "carrier"
    if s.lane_p90_at is not None:
        return s.lane_p90_at, "model"
    return None


def _event_driven(s: Snapshot) -> list[Finding]:
    at = s.last_event_at or s.created_at
    found = []
    if s.status == "exception" and s.sub_status == "damaged":
        found.append(Finding(Kind.DAMAGED, _facts(s), at))
    if s.status == "exception" and s.sub_status == "lost":
        found.append(Finding(Kind.LOST, _facts(s, declared_by="carrier"), at))
    if s.status == "attempt_failed":
        found.append(Finding(Kind.DELIVERY_FAILED, _facts(s), at))
    if s.status == "exception" and s.sub_status == "customs_hold":
        found.append(Finding(Kind.CUSTOMS_HOLD, _facts(s), at))
    if s.status == "exception" and s.sub_status == "address_issue":
        found.append(Finding(Kind.ADDRESS_ISSUE, _facts(s), at))
    if s.status in ("returning", "returned"):
        found.append(Finding(Kind.RETURNED_TO_SENDER, _facts(s), at))
    if s.status == "exception" and s.sub_status == "delayed":
        found.append(Finding(Kind.DELAYED, _facts(s, deadline_source="carrier_flag"), at))
    return found


def evaluate(s: Snapshot, t: Thresholds, now: datetime) -> Evaluation:
    """Every incident kind whose cause holds now, plus when to look again."""
    result = Evaluation()
    for finding in _event_driven(s):
        result.findings.setdefault(finding.kind, finding)
    if s.status in TERMINAL_STATUSES:
        return result
    checks: list[datetime] = []
    silent = now - s.quiet_since
    hours_silent = round(silent.total_seconds() / 3600, 1)

    lost_days = t.lost_cross_border_days if s.cross_border else t.lost_days
    lost_at = s.quiet_since + timedelta(days=lost_days)
    if s.status in _MOVING and Kind.LOST not in result.findings:
        if now >= lost_at:
            result.findings[Kind.LOST] = Finding(
                Kind.LOST,
                _facts(s, declared_by="silence", hours_silent=hours_silent, threshold_days=lost_days),
                lost_at,
            )
        else:
            checks.append(lost_at)

    if s.status in _MOVING and Kind.LOST not in result.findings:
        if s.status in _BEFORE_PICKUP:
            stall_hours = t.stalled_pre_pickup_hours
        else:
            stall_hours = t.stalled_cross_border_hours if s.cross_border else t.stalled_in_transit_hours
        stalled_at = s.quiet_since + timedelta(hours=stall_hours)
        if now >= stalled_at:
            result.findings[Kind.STALLED] = Finding(
                Kind.STALLED, _facts(s, hours_silent=hours_silent, threshold_hours=stall_hours), stalled_at
            )
        else:
            checks.append(stalled_at)

    due = deadline(s)
    if due is not None and Kind.DELAYED not in result.findings:
        due_at, source = due
        if now > due_at:
            late_hours = round((now - due_at).total_seconds() / 3600, 1)
            result.findings[Kind.DELAYED] = Finding(
                Kind.DELAYED,
                _facts(s, deadline=due_at.isoformat(), deadline_source=source, hours_late=late_hours),
                due_at,
            )
        else:
            checks.append(due_at + timedelta(seconds=1))
    result.next_check = min(checks) if checks else None
    return result


def resolution_facts(kind: Kind, s: Snapshot) -> dict[str, Any]:
    """What to record when ``kind`` resolves by itself (e.g. how late a delayed parcel arrived)."""
    extra: dict[str, Any] = {"resolved_status": s.status}
    if kind is Kind.DELAYED and s.delivered_at is not None:
        due = deadline(s)
        if due is not None:
            extra["delivered_at"] = s.delivered_at.isoformat()
            extra["delay_hours"] = round(max(0.0, (s.delivered_at - due[0]).total_seconds() / 3600), 1)
    return extra
