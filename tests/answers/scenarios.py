"""Situations a support desk meets every day, as the answer context the service builds for them.

Each scenario is what the ingest and the incident rules leave behind for one parcel (status, sub-status,
last scan, the incidents the rules open, the claim an agent filed), with the intents a buyer in that
situation actually asks. Written for issue 15's review table before the answers were rewritten; used by
``test_sendable.py``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from tracking_service.answers.context import (
    AnswerContext,
    ClaimInfo,
    Estimate,
    Intent,
    Lane,
    LastEvent,
    OpenIncident,
)

NOW = datetime(2026, 12, 5, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
H = timedelta(hours=1)

W, WHEN, NR, DMG, ADDR, RET = (
    Intent.WHERE_IS_MY_PARCEL,
    Intent.WHEN_WILL_IT_ARRIVE,
    Intent.NOT_RECEIVED,
    Intent.DAMAGED,
    Intent.CHANGE_ADDRESS,
    Intent.RETURN_STATUS,
)


def scan(hours_ago: float, status: str, text: str, where: str | None, sub: str | None = None) -> LastEvent:
    return LastEvent(NOW - hours_ago * H, status, sub, text, where)


def incident(kind: str, hours_ago: float = 1, state: str = "open", **facts: object) -> OpenIncident:
    return OpenIncident(kind, state, NOW - hours_ago * H, dict(facts))


BASE = AnswerContext(
    now=NOW,
    timezone="Asia/Shanghai",
    buyer_name="李*",
    carrier="kuaidi100",
    sub_carrier="zhongtong",
    tracking_number="78912345678901",
    status="in_transit",
    sub_status=None,
    last_event=scan(5, "in_transit", "快件已到达深圳转运中心", "深圳转运中心"),
    estimate=Estimate(None, None),
    lane=Lane(50, 78, 64),
)
SIGNED = scan(3, "delivered", "快件已签收,签收人:本人", "广州")
LOCKER = scan(4, "delivered", "快件已放入丰巢快递柜，取件码：601245", "丰巢柜 天河店", "delivered_to_locker")
RETURN_BACK = replace(
    BASE,
    buyer_name=None,
    tracking_number="SF1400123456789",
    carrier="sf_express",
    sub_carrier=None,
    last_event=scan(20, "in_transit", "快件已到达杭州转运中心", "杭州转运中心"),
)


@dataclass(frozen=True, slots=True)
class Scenario:
    ctx: AnswerContext
    intents: tuple[Intent, ...]


SCENARIOS: dict[str, Scenario] = {
    "in transit, carrier eta": Scenario(
        replace(BASE, estimate=Estimate(NOW + 30 * H, "carrier")),
        (W, WHEN, ADDR),
    ),
    "in transit, lane estimate": Scenario(
        replace(BASE, estimate=Estimate(NOW + 26 * H, "model")),
        (W, WHEN),
    ),
    "out for delivery": Scenario(
        replace(
            BASE,
            status="out_for_delivery",
            last_event=scan(2, "out_for_delivery", "快递员正在派件", "广州天河区"),
            estimate=Estimate(NOW + 6 * H, "carrier"),
        ),
        (W, WHEN, ADDR),
    ),
    "delayed, carrier eta passed": Scenario(
        replace(
            BASE,
            estimate=Estimate(NOW - 15 * H, "carrier"),
            incidents=[incident("delayed", 15, deadline_source="carrier", hours_late=15)],
        ),
        (W, WHEN),
    ),
    "carrier eta passed, before the sweep": Scenario(
        replace(BASE, estimate=Estimate(NOW - 3 * H, "carrier")),
        (W, WHEN),
    ),
    "stalled": Scenario(
        replace(
            BASE,
            last_event=scan(96, "in_transit", "快件已从杭州转运中心发出", "杭州转运中心"),
            incidents=[incident("stalled", 24, hours_silent=96)],
        ),
        (W, WHEN, NR),
    ),
    "lost, declared by the carrier": Scenario(
        replace(
            BASE,
            status="exception",
            sub_status="lost",
            last_event=scan(2, "exception", "快件遗失,正在核实处理", "杭州转运中心", "lost"),
            incidents=[incident("lost", 2, declared_by="carrier")],
        ),
        (W, WHEN, NR),
    ),
    "lost, silent for 12 days": Scenario(
        replace(
            BASE,
            last_event=scan(288, "in_transit", "快件已从杭州转运中心发出", "杭州转运中心"),
            incidents=[incident("lost", 48, declared_by="silence", hours_silent=288)],
        ),
        (W, WHEN),
    ),
    "lost, claim submitted": Scenario(
        replace(
            BASE,
            status="exception",
            sub_status="lost",
            last_event=scan(50, "exception", "快件遗失,正在核实处理", "杭州转运中心", "lost"),
            incidents=[incident("lost", 50, state="acknowledged", declared_by="carrier")],
            claim=ClaimInfo("lost", "submitted", NOW + 10 * 24 * H, False),
        ),
        (W, WHEN),
    ),
    "damaged in transit": Scenario(
        replace(
            BASE,
            status="exception",
            sub_status="damaged",
            last_event=scan(4, "exception", "快件破损,已登记异常", "深圳转运中心", "damaged"),
            incidents=[incident("damaged", 4)],
        ),
        (W, WHEN, DMG),
    ),
    "delivery attempt failed": Scenario(
        replace(
            BASE,
            status="attempt_failed",
            sub_status="recipient_unavailable",
            last_event=scan(
                16, "attempt_failed", "派送不成功,收件人不在家,将再次派送", "广州", "recipient_unavailable"
            ),
            incidents=[incident("delivery_failed", 16)],
        ),
        (W, WHEN, ADDR),
    ),
    "returned to the shop": Scenario(
        replace(
            BASE,
            status="returned",
            sub_status="refused",
            last_event=scan(5, "returned", "退回件已签收,签收人:寄件人", "杭州", "refused"),
            incidents=[incident("returned_to_sender", 70)],
        ),
        (W, WHEN, RET),
    ),
    "being returned": Scenario(
        replace(
            BASE,
            status="returning",
            sub_status="refused",
            last_event=scan(8, "returning", "快件退回中", "广州转运中心"),
            incidents=[incident("returned_to_sender", 8)],
        ),
        (W, WHEN),
    ),
    "customs asks for documents": Scenario(
        replace(
            BASE,
            carrier="dhl",
            sub_carrier=None,
            tracking_number="1234567890",
            status="exception",
            sub_status="customs_hold",
            last_event=scan(72, "exception", "海关查验扣留,待补充资料", "上海浦东海关", "customs_hold"),
            incidents=[incident("customs_hold", 72)],
        ),
        (W, WHEN),
    ),
    "address problem": Scenario(
        replace(
            BASE,
            status="exception",
            sub_status="address_issue",
            last_event=scan(6, "exception", "收件地址有误,无法派送,请联系寄件人", "广州", "address_issue"),
            incidents=[incident("address_issue", 6)],
        ),
        (W, WHEN, ADDR),
    ),
    "delivered to the door": Scenario(
        replace(BASE, status="delivered", last_event=SIGNED, delivered_event=SIGNED),
        (W, WHEN, NR, ADDR),
    ),
    "delivered to a locker": Scenario(
        replace(BASE, status="delivered", sub_status="delivered_to_locker", last_event=LOCKER, delivered_event=LOCKER),
        (W, NR),
    ),
    "delivered, buyer disputes": Scenario(
        replace(
            BASE,
            status="delivered",
            last_event=SIGNED,
            delivered_event=SIGNED,
            incidents=[incident("delivery_disputed", 1)],
        ),
        (W, NR),
    ),
    "delivered broken, claim open": Scenario(
        replace(
            BASE,
            status="delivered",
            last_event=SIGNED,
            delivered_event=SIGNED,
            incidents=[incident("damaged", 2)],
            claim=ClaimInfo("damaged", "evidence_requested", NOW + 5 * 24 * H, False),
        ),
        (DMG,),
    ),
    "at a pickup point": Scenario(
        replace(
            BASE,
            status="available_for_pickup",
            last_event=scan(2, "available_for_pickup", "快件已到菜鸟驿站，请凭取件码 8-3-2201 取件", "菜鸟驿站 石牌店"),
        ),
        (W, WHEN, NR),
    ),
    "no scan yet": Scenario(
        replace(BASE, status="pending", last_event=None, lane=None),
        (W, WHEN, ADDR),
    ),
    "unmapped carrier state": Scenario(
        replace(BASE, status="unknown", last_event=scan(3, "unknown", "快件状态待确认", "广州")),
        (W, WHEN, NR),
    ),
    "carrier exception with no reason": Scenario(
        replace(BASE, status="exception", last_event=scan(6, "exception", "快件异常，请联系网点", "东莞")),
        (W, WHEN),
    ),
    "return on its way to the shop": Scenario(
        replace(BASE, status="delivered", last_event=SIGNED, delivered_event=SIGNED, return_shipment=RETURN_BACK),
        (RET,),
    ),
    "return received by the shop": Scenario(
        replace(
            BASE,
            status="delivered",
            last_event=SIGNED,
            delivered_event=SIGNED,
            return_shipment=replace(
                RETURN_BACK, status="delivered", last_event=scan(6, "delivered", "快件已签收,签收人:仓库", "杭州")
            ),
        ),
        (RET,),
    ),
    "english carrier in transit": Scenario(
        replace(
            BASE,
            carrier="dhl",
            sub_carrier=None,
            tracking_number="JD014600006281234567",
            last_event=scan(9, "in_transit", "Arrived at DHL Sort Facility", "LEIPZIG - GERMANY"),
            estimate=Estimate(NOW + 50 * H, "carrier"),
        ),
        (W, WHEN),
    ),
}
