"""Facts turned into phrases per locale (zh-Hans and en; zh-Hant derives from zh-Hans via OpenCC).

Every phrase is built only from the ``AnswerContext``: a missing fact becomes a plain
"not known yet" phrase, never a guess.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tracking_service.answers.context import AnswerContext, LastEvent
from tracking_service.answers.situation import REASON, english_place, english_scan, sentences_for, situation_of

STATUS = {
    "zh": {
        "pending": "等待快递公司揽收",
        "info_received": "已下单等待揽收",
        "in_transit": "正在运输途中",
        "out_for_delivery": "正在派送中",
        "available_for_pickup": "已到达取件点等待取件",
        "attempt_failed": "派送未成功",
        "delivered": "已签收",
        "exception": "出现异常",
        "returning": "正在退回",
        "returned": "已退回寄件方",
        "expired": "查询已过期",
        "unknown": "状态待确认",
    },
    "en": {
        "pending": "waiting for the carrier to collect it",
        "info_received": "registered with the carrier",
        "in_transit": "on its way",
        "out_for_delivery": "out for delivery",
        "available_for_pickup": "waiting at a pickup point",
        "attempt_failed": "not delivered on the last attempt",
        "delivered": "delivered",
        "exception": "held up by a problem",
        "returning": "on its way back to us",
        "returned": "back with the sender",
        "expired": "no longer tracked",
        "unknown": "not clear yet",
    },
}
ETA_SOURCE = {
    "zh": {
        "carrier": "快递公司预计{at}前送达",
        "model": "按该线路以往时效估算，预计{at}左右送达",
        "promised": "商家承诺{at}前送达",
    },
    "en": {
        "carrier": "the carrier expects to deliver by {at}",
        "model": "based on this route's recent deliveries, it should arrive around {at}",
        "promised": "the shop promised delivery by {at}",
    },
}
CARRIER_NAMES = {
    "zh": {
        "sandbox": "演示快递",
        "sf_express": "顺丰速运",
        "shunfeng": "顺丰速运",
        "zhongtong": "中通快递",
        "yuantong": "圆通速递",
        "yunda": "韵达快递",
        "shentong": "申通快递",
        "jd": "京东物流",
        "ems": "EMS",
        "dhl": "DHL",
        "easypost": "EasyPost",
        "seventeentrack": "国际快递",
    },
    "en": {
        "sandbox": "Sandbox Express",
        "sf_express": "SF Express",
        "shunfeng": "SF Express",
        "zhongtong": "ZTO Express",
        "yuantong": "YTO Express",
        "yunda": "Yunda Express",
        "shentong": "STO Express",
        "jd": "JD Logistics",
        "ems": "EMS",
        "dhl": "DHL",
        "easypost": "the carrier",
        "seventeentrack": "the carrier",
    },
}
CHASING_KINDS = frozenset({"stalled", "lost", "delayed"})


def lang(locale: str) -> str:
    return "en" if locale == "en" else "zh"


def when(moment: datetime, ctx: AnswerContext, locale: str) -> str:
    local = moment.astimezone(ZoneInfo(ctx.timezone))
    if lang(locale) == "en":
        return f"{local:%b} {local.day}, {local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def ago(moment: datetime, now: datetime, locale: str) -> str:
    hours = max(0, int((now - moment).total_seconds() // 3600))
    en = lang(locale) == "en"
    if hours < 1:
        return "less than an hour ago" if en else "不到1小时前"
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''} ago" if en else f"{hours}小时前"
    days = hours // 24
    return f"{days} days ago" if en else f"{days}天前"


def duration(hours: int, locale: str) -> str:
    """Hours up to three days, whole days beyond (rounded up: an estimate should not promise early)."""
    en = lang(locale) == "en"
    if hours <= 72:
        return f"{hours} hours" if en else f"{hours}小时"
    days = -(-hours // 24)
    return f"{days} days" if en else f"{days}天"


# "取件码 5-2-1034", "取货码：38271902", "pickup code 4411" in the carrier's own scan text.
_PICKUP_CODE = re.compile(
    r"(?:取件码|取货码|提货码|取件碼|取貨碼|提貨碼|pick-?up code|collection code)\s*(?:[:：]|是|为|為)?\s*"
    r"([A-Za-z0-9][A-Za-z0-9-]{2,15})",
    re.IGNORECASE,
)


def pickup_code(ctx: AnswerContext) -> str | None:
    """The pickup code the carrier sent with a locker / pickup-point scan, if it sent one."""
    for event in (ctx.delivered_event, ctx.last_event):
        if event and event.status in ("available_for_pickup", "delivered"):
            found = _PICKUP_CODE.search(event.description)
            if found:
                return found.group(1)
    return None


def scan(event: LastEvent, ctx: AnswerContext, locale: str) -> dict[str, str]:
    return {
        "what": event.description,
        "where": event.location or "",
        "ago": ago(event.occurred_at, ctx.now, locale),
        "at": when(event.occurred_at, ctx, locale),
        "en": english_scan(event),
        "place_en": english_place(event.location) or "",
    }


ETA_MISSED = {
    "zh": {
        "carrier": "快递公司原预计{at}前送达",
        "model": "按这条线路以往的时效，原本预计{at}左右送达",
        "promised": "我们原本承诺{at}前送达",
    },
    "en": {
        "carrier": "The carrier's estimate was {at}",
        "model": "Based on this route, it was due around {at}",
        "promised": "It was promised by {at}",
    },
}
_CUSTOMS_DOCS = re.compile(r"资料|材料|证件|身份证|資料|證件|document|\bID\b", re.IGNORECASE)


def _shipping(ctx: AnswerContext, key: str) -> dict[str, Any] | None:
    if ctx.shipping is None:
        return None
    names = [CARRIER_NAMES[key].get(code, code) for code in ctx.shipping.carriers]
    sep = "、" if key == "zh" else ", "
    info = ctx.shipping
    on_request = [CARRIER_NAMES[key].get(code, code) for code in info.carriers_on_request]
    return {
        "carriers": sep.join(dict.fromkeys(names)),
        "cutoff": info.cutoff,
        "dispatch_days": info.dispatch_days,
        "free": info.free_shipping,
        "free_min": _amount(info.free_shipping_min),
        "no_free": sep.join(info.no_free_shipping_regions),
        "no_delivery": sep.join(info.no_delivery_regions),
        "on_request": sep.join(dict.fromkeys(on_request)),
        "surcharge": _amount(info.on_request_surcharge),
        "asks": list(info.asks) or ["dispatch", "transit", "courier"],
        "asked": bool(info.asks),
    }


def _amount(value: float | None) -> str | None:
    if value is None:
        return None
    return f"{value:.0f}" if value == int(value) else f"{value:.2f}"


def facts(ctx: AnswerContext, locale: str) -> dict[str, Any]:
    """Everything a template may say, already in words."""
    key = lang(locale)
    eta = eta_missed = None
    if ctx.estimate.at is not None and ctx.estimate.source in ETA_SOURCE[key]:
        table = ETA_SOURCE if ctx.estimate.at > ctx.now else ETA_MISSED  # a missed ETA is never promised again
        phrase = table[key][ctx.estimate.source].format(at=when(ctx.estimate.at, ctx, locale))
        eta, eta_missed = (phrase, None) if table is ETA_SOURCE else (None, phrase)
    kinds = {i.kind for i in ctx.incidents}
    claim = None
    if ctx.claim is not None:
        claim = {
            "state": ctx.claim.state,
            "past_window": ctx.claim.past_window,
            "deadline": when(ctx.claim.deadline_at, ctx, locale) if ctx.claim.deadline_at else None,
        }
    reason_code = ctx.sub_status if ctx.sub_status in REASON[key] else None
    found: dict[str, Any] = {
        "name": ctx.buyer_name,
        "carrier": CARRIER_NAMES[key].get(ctx.sub_carrier or ctx.carrier, ctx.carrier),
        "number": ctx.tracking_number,
        "status": ctx.status,
        "status_text": STATUS[key].get(ctx.status or "", "") if ctx.status else None,
        "sub_status": ctx.sub_status,
        "last": scan(ctx.last_event, ctx, locale) if ctx.last_event else None,
        "delivered": scan(ctx.delivered_event, ctx, locale) if ctx.delivered_event else None,
        "delivered_sub": ctx.delivered_event.sub_status if ctx.delivered_event else None,
        "pickup_code": pickup_code(ctx),
        "eta": eta,
        "lane": (
            {
                "p50": duration(ctx.lane.p50_hours, locale),
                "p90": duration(ctx.lane.p90_hours, locale),
                "samples": ctx.lane.samples,
            }
            if ctx.lane
            else None
        ),
        "chasing": bool(kinds & CHASING_KINDS),
        "kinds": sorted(kinds),
        "claim": claim,
        "next_check": when(ctx.now + timedelta(hours=24), ctx, locale),
        "returned": facts(ctx.return_shipment, locale) if ctx.return_shipment else None,
        "shipping": _shipping(ctx, key),
        "eta_missed": eta_missed,
        "reason_code": reason_code,
        "reason": REASON[key][reason_code] if reason_code else None,
        "customs_docs": bool(ctx.last_event and _CUSTOMS_DOCS.search(ctx.last_event.description)),
        "unmatched_number": ctx.unmatched_number,
    }
    found["situation"] = situation_of(ctx, eta_missed is not None)
    found["s"] = sentences_for(found["situation"], found, key)
    return found
