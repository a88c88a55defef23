"""What agents read instead of codes and dumps: times in the shop's zone, carrier names, where an ETA comes
from, and an incident's recorded facts as short sentences (zh-Hans, or English when the agent picks it). The
codes themselves get their words from ``tracking_service.labels``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tracking_service.answers.phrases import CARRIER_NAMES
from tracking_service.labels import label

DEFAULT_ZONE = "Asia/Shanghai"


def local_time(value: str | datetime | None, zone: str = DEFAULT_ZONE) -> str:
    """A time as the shop's agents read it: in the shop's time zone, to the minute."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


def _zh(lang: str) -> bool:
    return lang != "en"


def carrier_name(carrier: str, sub_carrier: str | None, lang: str) -> str:
    """The company buyers know ("顺丰速运"), else the code as it is."""
    names = CARRIER_NAMES["zh" if _zh(lang) else "en"]
    return names.get(sub_carrier or "", "") or names.get(carrier, "") or sub_carrier or carrier


_ETA_SOURCE = {
    "carrier": ("快递公司预计", "carrier estimate"),
    "model": ("按线路历史估算", "estimated from this route's history"),
    "promised": ("商家承诺", "promised by the shop"),
}


def eta_source(source: str | None, lang: str) -> str:
    words = _ETA_SOURCE.get(source or "")
    return "" if words is None else words[0 if _zh(lang) else 1]


def hours(value: float | int | None, lang: str) -> str:
    """A span of hours as people say it: "30小时", "5天" / "30 hours", "5 days"."""
    h = float(value or 0)
    if h < 48:
        n = round(h)
        return f"{n}小时" if _zh(lang) else f"{n} hour{'s' if n != 1 else ''}"
    days = f"{h / 24:.1f}".removesuffix(".0")
    return f"{days}天" if _zh(lang) else f"{days} days"


_REPORTERS = {"buyer_message": ("买家留言说没收到", "the buyer wrote that it never arrived")}
_SCAN = ("最后一条轨迹：{what}", "Last scan: {what}")
_SIGNED = ("签收记录：{what}", "Delivery scan: {what}")


def _scan(description: Any, location: Any, at: str, lang: str) -> str:
    where = ("，" if _zh(lang) else ", ").join(str(x) for x in (location, at) if x)
    what = str(description or ("（无描述）" if _zh(lang) else "(no text)"))
    if where:
        what += f"（{where}）" if _zh(lang) else f" ({where})"
    return what


def fact_lines(facts: Mapping[str, Any], zone: str, lang: str) -> list[str]:
    """An incident's facts (``incidents.rules`` and ``dispute_facts``) as the sentences an agent reads; fields
    with nothing worth saying (raw carrier codes, ``False``, empty values) are left out."""
    zh = _zh(lang)
    pick = 0 if zh else 1
    lines: list[str] = []
    status = label("status", facts.get("status"), lang)
    if facts.get("sub_status"):
        status += " · " + label("sub_status", facts["sub_status"], lang)
    if status:
        lines.append(("当时状态：" if zh else "Status then: ") + status)
    if facts.get("last_event_description") or facts.get("last_event_at"):
        at = local_time(facts.get("last_event_at"), zone)
        what = _scan(facts.get("last_event_description"), facts.get("last_event_location"), at, lang)
        lines.append(_SCAN[pick].format(what=what))
    if facts.get("reported_by") and (facts.get("delivery_description") or facts.get("delivered_at")):
        at = local_time(facts.get("delivered_at"), zone)
        what = _scan(facts.get("delivery_description"), facts.get("delivery_location"), at, lang)
        lines.append(_SIGNED[pick].format(what=what))
    if facts.get("hours_silent") is not None:
        silent = hours(facts["hours_silent"], lang)
        line = f"已经{silent}没有新轨迹" if zh else f"No new scan for {silent}"
        if facts.get("threshold_hours") is not None:
            limit = hours(facts["threshold_hours"], lang)
            line += f"（超过{limit}算停滞）" if zh else f" (stalled after {limit})"
        if facts.get("threshold_days") is not None:
            limit = hours(24 * float(facts["threshold_days"]), lang)
            line += f"（超过{limit}算丢件）" if zh else f" (treated as lost after {limit})"
        lines.append(line)
    if facts.get("declared_by") == "carrier":
        lines.append("快递公司报告丢件" if zh else "The carrier reported it lost")
    if facts.get("deadline"):
        due, source = local_time(facts["deadline"], zone), eta_source(facts.get("deadline_source"), lang)
        line = f"应在{due}前送达（{source}）" if zh else f"Due by {due} ({source})"
        if facts.get("hours_late") is not None:
            late = hours(facts["hours_late"], lang)
            line += f"，已晚了{late}" if zh else f", {late} late"
        lines.append(line)
    elif facts.get("deadline_source") == "carrier_flag":
        lines.append("快递公司标记为延误" if zh else "The carrier flagged it as delayed")
    if facts.get("reported_by"):
        who = _REPORTERS.get(str(facts["reported_by"]), ("客服登记", "reported by an agent"))
        lines.append(who[pick])
    if facts.get("cross_border") is True:
        lines.append("跨境包裹" if zh else "Cross-border parcel")
    if facts.get("resolved_status"):
        lines.append(
            ("解决时状态：" if zh else "Status when resolved: ") + label("status", facts["resolved_status"], lang)
        )
    if facts.get("delay_hours") is not None:
        late, at = hours(facts["delay_hours"], lang), local_time(facts.get("delivered_at"), zone)
        lines.append(f"{at}送达，晚了{late}" if zh else f"Delivered {at}, {late} late")
    return lines
