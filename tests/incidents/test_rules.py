"""Every incident rule at its threshold edges (just under, just over), with the clock moved, never slept."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from schemas.settings import Thresholds
from tracking_service.incidents.rules import Kind, Snapshot, evaluate, resolution_facts

NOW = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
DEFAULTS = Thresholds()


def snap(
    status: str = "in_transit", sub: str | None = None, silent: timedelta = timedelta(hours=1), **extra: object
) -> Snapshot:
    base = Snapshot(
        carrier="sandbox",
        status=status,
        sub_status=sub,
        created_at=NOW - timedelta(days=30),
        last_event_at=NOW - silent,
        last_event_description="快件已到达杭州转运中心",
        last_event_location="杭州",
        last_event_code="ARRIVED",
        promised_delivery_at=None,
        carrier_eta=None,
        lane_p90_at=None,
        delivered_at=None,
        origin_country="CN",
        destination_country="CN",
    )
    return replace(base, **extra)  # type: ignore[arg-type]


def kinds(s: Snapshot, t: Thresholds = DEFAULTS) -> set[Kind]:
    return set(evaluate(s, t, NOW).findings)


@pytest.mark.parametrize(
    ("name", "snapshot", "threshold"),
    [
        ("in transit", snap(), timedelta(hours=72)),
        ("before pickup", snap(status="info_received"), timedelta(hours=48)),
        ("cross border", snap(destination_country="US"), timedelta(hours=120)),
    ],
)
def test_stalled_opens_exactly_at_its_threshold(name: str, snapshot: Snapshot, threshold: timedelta) -> None:
    assert Kind.STALLED not in kinds(replace(snapshot, last_event_at=NOW - threshold + SECOND))
    assert Kind.STALLED in kinds(replace(snapshot, last_event_at=NOW - threshold - SECOND))


def test_pending_parcel_with_no_event_stalls_48h_after_registration() -> None:
    s = snap(status="pending", last_event_at=None, created_at=NOW - timedelta(hours=48) + SECOND)
    assert Kind.STALLED not in kinds(s)
    assert Kind.STALLED in kinds(replace(s, created_at=NOW - timedelta(hours=48) - SECOND))


@pytest.mark.parametrize(("cross_border", "days"), [(False, 10), (True, 20)])
def test_lost_by_silence_at_its_threshold_replaces_stalled(cross_border: bool, days: int) -> None:
    s = snap(destination_country="US" if cross_border else "CN")
    under = kinds(replace(s, last_event_at=NOW - timedelta(days=days) + SECOND))
    over = kinds(replace(s, last_event_at=NOW - timedelta(days=days) - SECOND))
    assert Kind.LOST not in under and Kind.STALLED in under
    assert Kind.LOST in over and Kind.STALLED not in over


@pytest.mark.parametrize(
    ("field", "source"),
    [("promised_delivery_at", "promised"), ("carrier_eta", "carrier"), ("lane_p90_at", "model")],
)
def test_delayed_opens_just_after_the_deadline(field: str, source: str) -> None:
    assert Kind.DELAYED not in kinds(snap(**{field: NOW}))
    finding = evaluate(snap(**{field: NOW - SECOND}), DEFAULTS, NOW).findings[Kind.DELAYED]
    assert finding.facts["deadline_source"] == source


def test_promised_date_outranks_the_carrier_eta() -> None:
    s = snap(promised_delivery_at=NOW + timedelta(days=1), carrier_eta=NOW - timedelta(days=1))
    assert Kind.DELAYED not in kinds(s)


def test_delivered_parcel_is_never_delayed_or_stalled() -> None:
    s = snap(status="delivered", carrier_eta=NOW - timedelta(days=3), silent=timedelta(days=30))
    assert kinds(s) == set()


@pytest.mark.parametrize(
    ("status", "sub", "expected"),
    [
        ("exception", "damaged", {Kind.DAMAGED}),
        ("exception", "lost", {Kind.LOST}),
        ("attempt_failed", "recipient_unavailable", {Kind.DELIVERY_FAILED}),
        ("exception", "customs_hold", {Kind.CUSTOMS_HOLD}),
        ("exception", "address_issue", {Kind.ADDRESS_ISSUE}),
        ("returning", "refused", {Kind.RETURNED_TO_SENDER}),
        ("returned", "refused", {Kind.RETURNED_TO_SENDER}),
        ("exception", "delayed", {Kind.DELAYED}),
        ("in_transit", "customs_hold", set()),
        ("out_for_delivery", None, set()),
        ("available_for_pickup", None, set()),
    ],
)
def test_event_driven_causes(status: str, sub: str | None, expected: set[Kind]) -> None:
    assert kinds(snap(status=status, sub=sub)) == expected


def test_tenant_thresholds_override_the_defaults() -> None:
    strict = Thresholds(stalled_in_transit_hours=24)
    s = snap(silent=timedelta(hours=25))
    assert Kind.STALLED not in kinds(s)
    assert Kind.STALLED in kinds(s, strict)
    assert evaluate(s, strict, NOW).findings[Kind.STALLED].facts["threshold_hours"] == 24


def test_facts_carry_what_the_decision_was_made_on() -> None:
    facts = evaluate(snap(silent=timedelta(hours=80)), DEFAULTS, NOW).findings[Kind.STALLED].facts
    assert facts["hours_silent"] == 80.0
    assert facts["threshold_hours"] == 72
    assert facts["last_event_location"] == "杭州"
    assert facts["carrier_code"] == "ARRIVED"
    assert facts["last_event_at"] == (NOW - timedelta(hours=80)).isoformat()


def test_next_check_is_the_earliest_upcoming_threshold() -> None:
    s = snap(silent=timedelta(hours=10), carrier_eta=NOW + timedelta(hours=5))
    assert evaluate(s, DEFAULTS, NOW).next_check == NOW + timedelta(hours=5, seconds=1)
    assert evaluate(snap(status="delivered"), DEFAULTS, NOW).next_check is None


def test_delay_is_recorded_when_a_late_parcel_is_delivered() -> None:
    s = snap(status="delivered", carrier_eta=NOW - timedelta(hours=30), delivered_at=NOW - timedelta(hours=6))
    assert resolution_facts(Kind.DELAYED, s)["delay_hours"] == 24.0
