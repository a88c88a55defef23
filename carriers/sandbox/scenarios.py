"""Deterministic sandbox timelines, one per scenario of SPEC §4.

Times are reported the way Chinese carriers do: naive local Asia/Shanghai strings.
Every event lies before the registration time, so a freshly registered parcel
already shows its whole story (and every incident can be seen at once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from carriers.base import SHANGHAI

NUMBER_PATTERN = re.compile(r"^SBX-([A-Z_]+)-(\d{1,20})$")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

# (hours relative to registration, sandbox code, description, location)
Step = tuple[float, str, str, str]

_CITIES = ("杭州", "上海", "广州", "深圳", "北京", "成都", "武汉", "南京")

_PICKUP: Step = (-72, "COLLECTED", "快件已揽收", "{origin}")
_DEPART: Step = (-60, "DEPARTED", "快件已从{origin}转运中心发出", "{origin}转运中心")
_ARRIVE: Step = (-30, "ARRIVED", "快件已到达{dest}转运中心", "{dest}转运中心")

SCENARIOS: dict[str, tuple[Step, ...]] = {
    "DELIVERED": (
        _PICKUP,
        _DEPART,
        _ARRIVE,
        (-6, "DELIVERING", "快递员正在派件", "{dest}"),
        (-2, "SIGNED", "快件已签收,签收人:本人", "{dest}"),
    ),
    "IN_TRANSIT": (
        (-20, "COLLECTED", "快件已揽收", "{origin}"),
        (-8, "DEPARTED", "快件已从{origin}转运中心发出", "{origin}转运中心"),
        (-1, "ARRIVED", "快件已到达{dest}转运中心", "{dest}转运中心"),
    ),
    "OUT_FOR_DELIVERY": (
        (-30, "COLLECTED", "快件已揽收", "{origin}"),
        (-12, "ARRIVED", "快件已到达{dest}转运中心", "{dest}转运中心"),
        (-3, "DELIVERING", "快递员正在派件", "{dest}"),
    ),
    "DELAYED": (
        (-90, "COLLECTED", "快件已揽收", "{origin}"),
        (-20, "DEPARTED", "快件已从{origin}转运中心发出", "{origin}转运中心"),
        (-2, "ARRIVED", "快件已到达{dest}转运中心", "{dest}转运中心"),
    ),
    "STALLED": (
        (-120, "COLLECTED", "快件已揽收", "{origin}"),
        (-96, "DEPARTED", "快件已从{origin}转运中心发出", "{origin}转运中心"),
    ),
    "LOST": (
        (-300, "COLLECTED", "快件已揽收", "{origin}"),
        (-288, "DEPARTED", "快件已从{origin}转运中心发出", "{origin}转运中心"),
        (-1, "LOST", "快件遗失,正在核实处理", "{origin}转运中心"),
    ),
    "DAMAGED": (
        (-40, "COLLECTED", "快件已揽收", "{origin}"),
        (-20, "ARRIVED", "快件已到达{dest}转运中心", "{dest}转运中心"),
        (-4, "DAMAGED", "快件破损,已登记异常", "{dest}转运中心"),
    ),
    "FAILED_ATTEMPT": (
        (-48, "COLLECTED", "快件已揽收", "{origin}"),
        (-20, "DELIVERING", "快递员正在派件", "{dest}"),
        (-16, "FAILED_ATTEMPT", "派送不成功,收件人不在家,将再次派送", "{dest}"),
    ),
    "RETURNED": (
        (-120, "COLLECTED", "快件已揽收", "{origin}"),
        (-80, "DELIVERING", "快递员正在派件", "{dest}"),
        (-78, "REFUSED", "收件人拒收", "{dest}"),
        (-70, "RETURNING", "快件退回中", "{dest}转运中心"),
        (-5, "RETURNED", "退回件已签收,签收人:寄件人", "{origin}"),
    ),
    "CUSTOMS_HOLD": (
        (-140, "COLLECTED", "Shipment picked up", "Los Angeles, US"),
        (-100, "CUSTOMS_PROCESSING", "进口清关处理中", "上海浦东海关"),
        (-72, "CUSTOMS_HOLD", "海关查验扣留,待补充资料", "上海浦东海关"),
    ),
    "ADDRESS_ISSUE": (
        (-30, "COLLECTED", "快件已揽收", "{origin}"),
        (-6, "ADDRESS_ISSUE", "收件地址有误,无法派送,请联系寄件人", "{dest}"),
    ),
    "FLAKY": (
        (-24, "COLLECTED", "快件已揽收", "{origin}"),
        (-10, "DEPARTED", "快件已从{origin}转运中心发出", "{origin}转运中心"),
    ),
    "UNMAPPED": (
        (-24, "COLLECTED", "快件已揽收", "{origin}"),
        (-3, "X-MYSTERY", "快件状态待确认", "{dest}"),
    ),
    "NOT_FOUND": (),
}

# Carrier ETA relative to registration, in hours, where the carrier gives one.
_ETA_HOURS: dict[str, float] = {"IN_TRANSIT": 24, "OUT_FOR_DELIVERY": 6, "DELAYED": -24, "FLAKY": 30}


@dataclass(slots=True)
class SandboxParcel:
    number: str
    scenario: str
    eta: str | None
    events: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"number": self.number, "status": "found", "eta": self.eta, "events": self.events}


def scenario_of(number: str) -> str | None:
    match = NUMBER_PATTERN.match(number)
    if match is None or match.group(1) not in SCENARIOS:
        return None
    return match.group(1)


def build_parcel(number: str, registered_at: datetime) -> SandboxParcel | None:
    """The parcel the sandbox reports for ``number``; None when it has no record."""
    scenario = scenario_of(number)
    if scenario is None or scenario == "NOT_FOUND":
        return None
    digits = int(NUMBER_PATTERN.match(number).group(2))  # type: ignore[union-attr]
    origin = _CITIES[digits % len(_CITIES)]
    dest = _CITIES[(digits // len(_CITIES) + 1 + digits) % len(_CITIES)]
    base = registered_at.astimezone(SHANGHAI).replace(microsecond=0)
    events = [
        {
            "time": (base + timedelta(hours=hours)).replace(tzinfo=None).strftime(TIME_FORMAT),
            "code": code,
            "desc": desc.format(origin=origin, dest=dest),
            "location": location.format(origin=origin, dest=dest),
        }
        for hours, code, desc, location in SCENARIOS[scenario]
    ]
    eta_hours = _ETA_HOURS.get(scenario)
    eta = None
    if eta_hours is not None:
        eta = (base + timedelta(hours=eta_hours)).replace(tzinfo=None).strftime(TIME_FORMAT)
    events.reverse()  # carriers list newest first
    return SandboxParcel(number=number, scenario=scenario, eta=eta, events=events)
