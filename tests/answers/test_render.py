"""Prepared answers read the way a buyer would: only facts the service has, masked PII, natural per locale."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import opencc
import pytest

from tracking_service.answers.context import (
    LOCALES,
    AnswerContext,
    ClaimInfo,
    Estimate,
    Intent,
    Lane,
    LastEvent,
    OpenIncident,
    ShippingInfo,
)
from tracking_service.answers.phrases import ago, duration, when
from tracking_service.answers.render import prepare_answer

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
SCAN = LastEvent(NOW - timedelta(hours=30), "in_transit", None, "快件已到达杭州转运中心", "杭州")
LOCKER = LastEvent(NOW - timedelta(hours=5), "delivered", "delivered_to_locker", "已签收，快递柜代收", "丰巢柜 3号")
LOCKER_CODE = LastEvent(
    NOW - timedelta(hours=3), "delivered", "delivered_to_locker", "已放入丰巢快递柜，取件码：38271902", "丰巢柜"
)
PICKUP = LastEvent(
    NOW - timedelta(hours=2), "available_for_pickup", None, "快件已到菜鸟驿站，请凭取件码 5-2-1034 取件", "菜鸟驿站"
)
BASE = AnswerContext(
    now=NOW,
    timezone="Asia/Shanghai",
    buyer_name="张*",
    carrier="kuaidi100",
    sub_carrier="zhongtong",
    tracking_number="75123456789012",
    status="in_transit",
    sub_status=None,
    last_event=SCAN,
    estimate=Estimate(None, None),
    lane=None,
)
CONTEXTS = {
    "no scan yet": replace(BASE, status="pending", last_event=None),
    "carrier eta": replace(BASE, estimate=Estimate(NOW + timedelta(hours=20), "carrier")),
    "model eta": replace(BASE, estimate=Estimate(NOW + timedelta(hours=40), "model"), lane=Lane(46, 80, 31)),
    "stalled": replace(
        BASE,
        last_event=replace(SCAN, occurred_at=NOW - timedelta(hours=96)),
        incidents=[OpenIncident("stalled", "open", NOW, {"hours_silent": 96})],
    ),
    "locker": replace(BASE, status="delivered", last_event=LOCKER, delivered_event=LOCKER),
    "locker with code": replace(BASE, status="delivered", last_event=LOCKER_CODE, delivered_event=LOCKER_CODE),
    "pickup point": replace(BASE, status="available_for_pickup", last_event=PICKUP),
    "claim in window": replace(
        BASE,
        status="exception",
        sub_status="damaged",
        claim=ClaimInfo("damaged", "submitted", NOW + timedelta(days=6), False),
    ),
    "claim past window": replace(
        BASE, status="delivered", claim=ClaimInfo("damaged", "open", NOW - timedelta(days=1), True)
    ),
    "return parcel": replace(
        BASE,
        status="delivered",
        return_shipment=replace(BASE, tracking_number="SF1234567890123", status="delivered", buyer_name=None),
    ),
    "presale": replace(
        BASE,
        buyer_name=None,
        tracking_number=None,
        status=None,
        last_event=None,
        lane=Lane(30, 50, 40),
        shipping=ShippingInfo(["zhongtong", "shunfeng"], "16:00", 2),
        sub_carrier=None,
        carrier="sandbox",
    ),
}
CASES = [(name, intent, locale) for name in CONTEXTS for intent in Intent for locale in LOCALES]
_T2S = opencc.OpenCC("s2twp")


def allowed_numbers(ctx: AnswerContext, locale: str) -> set[str]:
    """Every digit run an answer may contain: each one traces back to a fact of the context."""
    texts = [ctx.buyer_name or "", ctx.tracking_number or "", when(ctx.now + timedelta(hours=24), ctx, locale)]
    for event in (ctx.last_event, ctx.delivered_event):
        if event:
            texts += [
                event.description,
                event.location or "",
                ago(event.occurred_at, ctx.now, locale),
                when(event.occurred_at, ctx, locale),
            ]
    if ctx.estimate.at:
        texts.append(when(ctx.estimate.at, ctx, locale))
    if ctx.lane:
        texts += [duration(ctx.lane.p50_hours, locale), duration(ctx.lane.p90_hours, locale), str(ctx.lane.samples)]
    if ctx.claim and ctx.claim.deadline_at:
        texts.append(when(ctx.claim.deadline_at, ctx, locale))
    if ctx.return_shipment:
        texts += list(allowed_numbers(ctx.return_shipment, locale))
    if ctx.shipping:
        texts += [ctx.shipping.cutoff or "", str(ctx.shipping.dispatch_days)]
    return {n for text in texts for n in re.findall(r"\d+", text)} | {"1"}  # "不到1小时前"


@pytest.mark.parametrize(("name", "intent", "locale"), CASES, ids=[f"{n}-{i.value}-{loc}" for n, i, loc in CASES])
def test_answer_states_only_facts_it_has(name: str, intent: Intent, locale: str) -> None:
    ctx = CONTEXTS[name]
    answer = prepare_answer(ctx, intent, locale)
    text = answer.text
    assert answer.intent is intent and answer.locale == locale
    stray = set(re.findall(r"\d+", text)) - allowed_numbers(ctx, locale)
    assert not stray, f"numbers not in the shipment's data: {stray} in {text!r}"
    assert "{{" not in text and "}}" not in text and "None" not in text and "none" not in text.lower().split()
    assert answer.next_update and text.endswith(answer.next_update)
    sentences = [s for s in re.split(r"(?<=[。！？.!?])\s*", text) if s.strip()]
    assert 2 <= len(sentences) <= 7, sentences
    assert "张三" not in text and "13812345678" not in text


@pytest.mark.parametrize("intent", list(Intent))
def test_zh_hant_reads_as_traditional_taiwan_wording(intent: Intent) -> None:
    for ctx in CONTEXTS.values():
        text = prepare_answer(ctx, intent, "zh-Hant").text
        # Quoted carrier text is the carrier's own words; everything else must be Taiwan Traditional.
        ours = re.sub(r"「[^」]*」|（[^）]*）", "", text)
        assert _T2S.convert(ours) == ours, ours
        assert "“" not in text and "”" not in text, "Taiwan quotes are 「」"
        assert not re.search(r"親，|驛站|快遞櫃|面單|補發", ours), f"mainland wording in {ours!r}"


def test_empathy_comes_first_and_the_name_is_masked() -> None:
    zh = prepare_answer(CONTEXTS["stalled"], Intent.WHERE_IS_MY_PARCEL, "zh-Hans").text
    assert zh.startswith("张*您好，让您久等了")
    en = prepare_answer(CONTEXTS["stalled"], Intent.WHERE_IS_MY_PARCEL, "en").text
    assert en.startswith("Hi 张*, sorry for the wait")


def test_missing_facts_are_said_plainly() -> None:
    text = prepare_answer(CONTEXTS["no scan yet"], Intent.WHEN_WILL_IT_ARRIVE, "zh-Hans").text
    assert "还没有这件包裹的扫描记录，暂时给不出送达时间" in text


def test_eta_is_quoted_with_its_source() -> None:
    assert "快递公司预计" in prepare_answer(CONTEXTS["carrier eta"], Intent.WHEN_WILL_IT_ARRIVE, "zh-Hans").text
    model = prepare_answer(CONTEXTS["model eta"], Intent.WHEN_WILL_IT_ARRIVE, "en").text
    assert "based on this route's recent deliveries" in model.lower()


def test_not_received_checks_the_locker_before_the_claim_path() -> None:
    text = prepare_answer(CONTEXTS["locker"], Intent.NOT_RECEIVED, "zh-Hans").text
    assert text.index("快递柜") < text.index("签收核查")


def test_damage_claim_past_its_window_is_said_honestly() -> None:
    text = prepare_answer(CONTEXTS["claim past window"], Intent.DAMAGED, "en").text
    assert "claim window closed" in text


def test_hand_written_zh_hant_template_overrides_the_conversion() -> None:
    text = prepare_answer(BASE, Intent.UNKNOWN, "zh-Hant").text
    assert text.startswith("您好，謝謝您的留言")


@pytest.mark.parametrize(
    ("name", "intent", "code"),
    [
        ("locker with code", Intent.NOT_RECEIVED, "38271902"),
        ("pickup point", Intent.WHERE_IS_MY_PARCEL, "5-2-1034"),
        ("pickup point", Intent.NOT_RECEIVED, "5-2-1034"),
    ],
)
def test_the_carriers_pickup_code_is_handed_on(name: str, intent: Intent, code: str) -> None:
    zh = prepare_answer(CONTEXTS[name], intent, "zh-Hans").text
    en = prepare_answer(CONTEXTS[name], intent, "en").text
    assert f"取件码是{code}" in zh and f"pickup code is {code}" in en


def test_no_pickup_code_is_invented() -> None:
    zh = prepare_answer(CONTEXTS["locker"], Intent.NOT_RECEIVED, "zh-Hans").text
    assert "取件码" not in zh and "取件短信" in zh


def test_presale_answer_quotes_the_shops_dispatch_policy() -> None:
    zh = prepare_answer(CONTEXTS["presale"], Intent.SHIPPING_TIME, "zh-Hans").text
    assert "每天16:00前付款的订单当天发出，其余订单2天内发出" in zh and "中通快递、顺丰速运" in zh
    en = prepare_answer(CONTEXTS["presale"], Intent.SHIPPING_TIME, "en").text
    assert "Orders paid before 16:00 ship the same day, others within 2 days" in en and "ZTO Express" in en
    bare = prepare_answer(replace(CONTEXTS["presale"], shipping=None), Intent.SHIPPING_TIME, "zh-Hans").text
    assert "付款" not in bare and "我们通常用" not in bare  # nothing said that the shop did not set
