"""Incident facts as agents read them: sentences in the shop's zone, nothing raw (codes, False, ISO times)."""

from __future__ import annotations

import pytest

from tracking_service.console.humanize import fact_lines, hours
from tracking_service.usecases.console import opening_intent

STALLED = {
    "carrier": "sandbox",
    "status": "in_transit",
    "sub_status": None,
    "last_event_at": "2026-12-03T09:52:00+00:00",
    "last_event_description": "快件已从上海转运中心发出",
    "last_event_location": "上海转运中心",
    "carrier_code": "DEPARTED",
    "cross_border": False,
    "hours_silent": 96.0,
    "threshold_hours": 72,
}


def test_stalled_facts_read_as_sentences_in_the_shops_zone() -> None:
    assert fact_lines(STALLED, "Asia/Shanghai", "zh-Hans") == [
        "当时状态：运输中",
        "最后一条轨迹：快件已从上海转运中心发出（上海转运中心，2026-12-03 17:52 CST）",
        "已经4天没有新轨迹（超过3天算停滞）",
    ]
    english = fact_lines(STALLED, "America/New_York", "en")
    assert english[0] == "Status then: In transit"
    assert "2026-12-03 04:52 EST" in english[1] and english[2] == "No new scan for 4 days (stalled after 3 days)"


def test_a_delay_says_the_due_date_its_source_and_how_late() -> None:
    facts = {"status": "in_transit", "deadline": "2026-12-06T13:00:00+00:00", "deadline_source": "carrier"}
    lines = fact_lines({**facts, "hours_late": 30.5, "cross_border": True}, "Asia/Shanghai", "zh-Hans")
    assert "应在2026-12-06 21:00 CST前送达（快递公司预计），已晚了30小时" in lines and "跨境包裹" in lines


def test_a_dispute_says_who_reported_it_and_the_delivery_scan() -> None:
    facts = {
        "status": "delivered",
        "sub_status": "delivered_to_locker",
        "delivered_at": "2026-12-07T02:00:00+00:00",
        "delivery_location": "杭州",
        "delivery_description": "快件已签收",
        "reported_by": "buyer_message",
    }
    assert fact_lines(facts, "Asia/Shanghai", "zh-Hans") == [
        "当时状态：已签收 · 已存快递柜/驿站",
        "签收记录：快件已签收（杭州，2026-12-07 10:00 CST）",
        "买家留言说没收到",
    ]


@pytest.mark.parametrize(
    ("value", "zh", "en"), [(1, "1小时", "1 hour"), (30.4, "30小时", "30 hours"), (60, "2.5天", "2.5 days")]
)
def test_hours_are_said_as_people_say_them(value: float, zh: str, en: str) -> None:
    assert (hours(value, "zh-Hans"), hours(value, "en")) == (zh, en)


@pytest.mark.parametrize(
    ("kinds", "intent"),
    [
        ([], "where_is_my_parcel"),
        (["damaged"], "damaged"),
        (["stalled", "delivery_disputed"], "not_received"),
        (["delayed"], "when_will_it_arrive"),
        (["address_issue"], "change_address"),
        (["returned_to_sender"], "return_status"),
        (["lost"], "where_is_my_parcel"),
    ],
)
def test_a_parcel_opens_on_the_answer_for_its_most_pressing_incident(kinds: list[str], intent: str) -> None:
    assert opening_intent([{"kind": k, "status": "open"} for k in kinds]) == intent
