"""What the parcel's situation lets an answer say: one reading of status, sub-status, incidents and claim.

Issue 15: answers chosen only by intent talked about a delivered parcel as still coming, a lost one as
"slow", and promised a missed ETA again. Here the situation is decided once (``situation_of``), and every
intent's template builds on its sentences (``Sentences``): the empathy line, the fact line (last scan,
where, how long ago — in the buyer's language: English gets a mapped phrase for the canonical status,
never the carrier's Chinese text), the remedy (only what the incident and claim records show the shop
has done; what it *will* do is said as a commitment) and when the buyer hears next.

zh-Hant is derived from the zh-Hans sentences by ``render`` (OpenCC s2twp plus Taiwan shop words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tracking_service.answers.context import AnswerContext, LastEvent

_CJK = re.compile(r"[\u3400-\u9fff]")

# Carrier-recorded reasons a parcel went back (the sub-status of the return or of the scan before it).
REASON = {
    "zh": {
        "refused": "收件人拒收",
        "recipient_unavailable": "多次派送联系不上收件人",
        "address_issue": "收件地址有误",
        "held_at_carrier": "包裹在快递网点滞留超期",
    },
    "en": {
        "refused": "the delivery was refused",
        "recipient_unavailable": "the courier couldn't reach the recipient",
        "address_issue": "the address was wrong",
        "held_at_carrier": "it was held at the depot too long",
    },
}

# English words for a scan, by canonical status (and sub-status), refined by the Chinese scan's verb.
_EN_STATUS = {
    "pending": "registered, waiting for the courier to collect it",
    "info_received": "registered with the carrier",
    "in_transit": "in transit",
    "out_for_delivery": "out for delivery",
    "available_for_pickup": "ready for pickup",
    "attempt_failed": "a delivery attempt failed",
    "delivered": "delivered",
    "exception": "held up",
    "returning": "on its way back to us",
    "returned": "returned to us",
    "expired": "no longer tracked",
    "unknown": "a status update from the carrier",
}
_EN_SUB = {
    "lost": "reported lost",
    "damaged": "recorded as damaged",
    "customs_hold": "held by customs",
    "address_issue": "stopped by an address problem",
    "delivered_to_locker": "delivered to a parcel locker",
    "delivered_to_neighbor": "left with a neighbour or reception",
}
_EN_VERBS = (
    (re.compile("揽收|收件"), "picked up"),
    (re.compile("到达|到站|进港"), "arrived at a sorting centre"),
    (re.compile("发出|离开|发往|出港"), "left a sorting centre"),
)
_CITIES = {
    "北京": "Beijing", "上海": "Shanghai", "广州": "Guangzhou", "深圳": "Shenzhen", "杭州": "Hangzhou",
    "成都": "Chengdu", "武汉": "Wuhan", "南京": "Nanjing", "天津": "Tianjin", "重庆": "Chongqing",
    "西安": "Xi'an", "苏州": "Suzhou", "郑州": "Zhengzhou", "长沙": "Changsha", "东莞": "Dongguan",
    "青岛": "Qingdao", "沈阳": "Shenyang", "宁波": "Ningbo", "昆明": "Kunming", "厦门": "Xiamen",
    "合肥": "Hefei", "佛山": "Foshan", "福州": "Fuzhou", "济南": "Jinan", "义乌": "Yiwu",
    "金华": "Jinhua", "香港": "Hong Kong", "台北": "Taipei", "无锡": "Wuxi", "嘉兴": "Jiaxing",
}  # fmt: skip


def english_scan(event: LastEvent) -> str:
    """The scan in English: the carrier's own words when they are English, else a mapped phrase."""
    if not _CJK.search(event.description):
        return f'"{event.description.strip()}"'
    if event.sub_status in _EN_SUB:
        return _EN_SUB[event.sub_status]
    if event.status == "in_transit":
        for verb, phrase in _EN_VERBS:
            if verb.search(event.description):
                return phrase
    return _EN_STATUS.get(event.status, "a status update from the carrier")


def english_place(location: str | None) -> str | None:
    """A place an English reader can use: Latin text as given, a known Chinese city by name, else none."""
    if not location:
        return None
    if not _CJK.search(location):
        return location.strip()
    if "海关" in location:
        city = next((en for zh, en in _CITIES.items() if zh in location), None)
        return f"{city} customs" if city else "customs"
    return next((en for zh, en in _CITIES.items() if zh in location), None)


def situation_of(ctx: AnswerContext, eta_missed: bool) -> str:
    """The one situation an answer speaks to, most serious first."""
    kinds = {i.kind for i in ctx.incidents}
    status, sub = ctx.status, ctx.sub_status
    if ctx.tracking_number is None:
        return "presale"
    if status == "delivered":
        return "disputed" if "delivery_disputed" in kinds else "delivered"
    if status == "returned":
        return "returned"
    if "lost" in kinds or sub == "lost":
        return "lost"
    if "damaged" in kinds or sub == "damaged":
        return "damaged"
    if status == "returning" or "returned_to_sender" in kinds:
        return "returning"
    if "customs_hold" in kinds or (status == "exception" and sub == "customs_hold"):
        return "customs"
    if "address_issue" in kinds or sub == "address_issue":
        return "address"
    if status == "attempt_failed" or "delivery_failed" in kinds:
        return "attempt_failed"
    if status == "available_for_pickup":
        return "pickup"
    if status == "out_for_delivery":
        return "out_for_delivery"
    if ctx.last_event is None:
        return "no_scan"
    if "stalled" in kinds:
        return "stalled"
    if "delayed" in kinds or eta_missed:
        return "late"
    if status in ("unknown", "exception"):  # a scan the carrier's codes don't place
        return "unknown"
    return "moving"


@dataclass(frozen=True, slots=True)
class Sentences:
    greet: str  # "李*您好，" / "Hi 李*,"
    empathy: str
    fact: str  # last scan, where, how long ago, in this situation's words
    remedy: str  # "" when the situation needs none
    next: str


def _scan_bits(f: dict[str, Any], en: bool) -> tuple[str, str, str]:
    last = f["last"] or {}
    if en:
        where = f" in {last['place_en']}" if last.get("place_en") else ""
        return last.get("en", ""), where, last.get("ago", "")
    where = f"，{last['where']}" if last.get("where") else ""
    return last.get("what", ""), where, last.get("ago", "")


def zh_sentences(s: str, f: dict[str, Any]) -> Sentences:
    carrier = f["carrier"]
    what, where, ago = _scan_bits(f, en=False)
    problem = f["status"] == "exception"  # an exception the carrier gave no reason for
    place = (f["last"] or {}).get("where") or ""
    latest = f"最新记录是“{what}”（{ago}{where}）" if f["last"] else ""
    reason = f["reason"]
    greet = f"{f['name']}您好，" if f["name"] else "亲，"
    empathy = {
        "late": "让您久等了，真的很抱歉。",
        "stalled": "让您久等了，真的很抱歉。",
        "customs": "让您久等了，真的很抱歉。",
        "lost": "包裹一直没能送到，真的非常抱歉，给您添麻烦了。",
        "damaged": "包裹在运输途中破损了，真的非常抱歉。",
        "returned": "很抱歉，包裹没能顺利送到您手上。",
        "returning": "很抱歉，包裹没能顺利送到您手上。",
        "address": "包裹派送遇到了地址问题，我们马上帮您处理。",
        "attempt_failed": "很抱歉，包裹这次没能送到您手上。",
    }.get(s, "感谢您的耐心等待。")
    delivered = f["delivered"] or f["last"] or {}
    signed_where = f"，{delivered['where']}" if delivered.get("where") else ""
    fact = {
        "no_scan": "快递公司目前还没有这件包裹的扫描记录。",
        "moving": f"包裹目前{f['status_text']}，{latest}。",
        "unknown": (
            f"快递公司{ago}登记了一条异常（“{what}”{where}），还没有说明原因。"
            if problem
            else f"快递公司{ago}有一条新记录（“{what}”{where}），但还看不出包裹具体到了哪里。"
        ),
        "out_for_delivery": f"包裹正在派送中，{latest}。",
        "pickup": f"包裹已经到了取件点，{latest}" + (f"，取件码是{f['pickup_code']}。" if f["pickup_code"] else "。"),
        "late": (f"{f['eta_missed']}，现在已经晚了；" if f["eta_missed"] else "包裹比预计的慢了，") + f"{latest}。",
        "stalled": f"包裹的物流记录停在{ago}的“{what}”{('（' + place + '）') if place else ''}，之后就没有更新了。",
        "lost": (
            f"快递公司{ago}登记了包裹遗失（“{what}”）。"
            if f["sub_status"] == "lost"
            else f"包裹自{ago}的“{what}”之后就没有任何物流记录，我们已按丢件处理。"
        ),
        "damaged": f"快递公司{ago}登记了包裹破损（“{what}”{where}），包裹还没有派送到您手上。",
        "attempt_failed": f"快递员{ago}派送没有成功（“{what}”）。",
        "returned": f"包裹已于{(f['last'] or {}).get('at', '')}退回到我们这里，"
        + (f"快递公司记录的原因是{reason}。" if reason else "快递公司没有注明退回原因。"),
        "returning": "包裹正在退回我们这里，"
        + (f"快递公司记录的原因是{reason}（{ago}）。" if reason else f"{latest}。"),
        "customs": f"包裹在{place or '海关'}清关时被暂扣（“{what}”，{ago}）"
        + ("，需要补充资料才能放行。" if f["customs_docs"] else "。"),
        "address": f"快递公司{ago}反馈收件地址有误，暂时无法派送（“{what}”）。",
        "delivered": f"包裹已于{delivered.get('at', '')}签收（“{delivered.get('what', '')}”{signed_where}）。",
        "disputed": f"包裹已于{delivered.get('at', '')}签收（“{delivered.get('what', '')}”{signed_where}）。",
    }.get(s, f"包裹目前{f['status_text']}。")
    claim = f["claim"]
    filed = bool(claim and claim["state"] in ("submitted", "approved", "paid"))
    choose = "同时为您补发或退款，您选哪种都可以。"
    remedy = {
        "lost": (f"我们已向{carrier}提交丢件理赔，" if filed else f"我们会向{carrier}申请丢件理赔，") + choose,
        "damaged": (f"我们已向{carrier}提交破损理赔，" if filed else f"我们会向{carrier}申请理赔，") + choose,
        "returned": (
            "如需重新发货，麻烦把正确的收件人、电话和地址发给我们；也可以直接为您退款。"
            if f["reason_code"] == "address_issue"
            else "您看是重新发货还是退款？"
        ),
        "returning": "包裹退回后，我们会按您的选择重新发货或退款。",
        "customs": (
            f"我们会向{carrier}确认需要哪些资料；如果需要您本人提供（例如身份证信息），会第一时间告诉您怎么提交。"
            if f["customs_docs"]
            else f"我们会和{carrier}一起跟进清关进度。"
        ),
        "address": f"麻烦把正确的收件人、电话和详细地址发给我们，我们转给{carrier}重新派送。",
        "attempt_failed": f"如果想约派送时间或改放驿站、快递柜，告诉我们，我们转告{carrier}。",
        "late": f"我们已把这件包裹列为重点跟进，会向{carrier}催查。",
        "stalled": f"我们已把这件包裹列为重点跟进，会向{carrier}催查。",
        "unknown": f"我们会向{carrier}确认{'异常原因和' if problem else ''}包裹现在的位置。",
        "disputed": f"我们已登记您没收到包裹的情况，会向{carrier}发起签收核查，核实后为您补发或退款。",
    }.get(s, "")
    next_update = {
        "delivered": "如果没有收到包裹，随时告诉我们，我们马上帮您核查。",
        "disputed": f"核查有结果后我们第一时间联系您，最晚{f['next_check']}前给您回复。",
        "returned": "您回复后我们马上安排。",
        "returning": "包裹退回到我们这里时，我们会第一时间告诉您。",
        "lost": "您回复后我们马上安排，理赔有结果也会告诉您。",
        "damaged": "您回复后我们马上安排，理赔有结果也会告诉您。",
        "address": "收到地址后我们马上处理。",
        "customs": f"清关有进展我们会第一时间告诉您，最晚{f['next_check']}前给您更新。",
        "late": f"快递公司回复后我们第一时间告诉您，最晚{f['next_check']}前给您更新。",
        "stalled": f"快递公司回复后我们第一时间告诉您，最晚{f['next_check']}前给您更新。",
        "unknown": f"快递公司回复后我们第一时间告诉您，最晚{f['next_check']}前给您更新。",
        "out_for_delivery": "签收后您会收到通知。",
        "pickup": "取件时有任何问题随时告诉我们。",
        "attempt_failed": "有新的派送记录我们会及时告诉您。",
    }.get(s, f"有新进展我们会及时通知您，最晚{f['next_check']}前再给您更新。")
    return Sentences(greet, empathy, fact, remedy, next_update)


def _customs_office(f: dict[str, Any]) -> str:
    """ "Shanghai customs" when the scan names the office, else "Customs"."""
    place = (f["last"] or {}).get("place_en") or ""
    return place[:1].upper() + place[1:] if "customs" in place.lower() else "Customs"


def en_sentences(s: str, f: dict[str, Any]) -> Sentences:
    carrier = f["carrier"]
    what, where, ago = _scan_bits(f, en=True)
    problem = f["status"] == "exception"
    latest = f"the latest scan, {ago}, shows it {what}{where}" if f["last"] else ""
    if what.startswith('"'):
        latest = f"the latest scan, {ago}, reads {what}{where}"
    reason = f["reason"]
    greet = f"Hi {f['name']}," if f["name"] else "Hi,"
    empathy = {
        "late": "sorry for the wait.",
        "stalled": "sorry for the wait.",
        "customs": "sorry for the wait.",
        "lost": "we're really sorry your parcel still hasn't arrived.",
        "damaged": "we're really sorry, your parcel was damaged on the way.",
        "returned": "we're sorry your parcel didn't reach you.",
        "returning": "we're sorry your parcel didn't reach you.",
        "address": "your parcel has hit an address problem, and we'll sort it out with you.",
        "attempt_failed": "sorry your parcel didn't reach you this time.",
    }.get(s, "thanks for your patience.")
    delivered = f["delivered"] or f["last"] or {}
    signed_where = f" in {delivered['place_en']}" if delivered.get("place_en") else ""
    lost_fact = (
        f"The carrier reported it lost {ago}."
        if f["sub_status"] == "lost"
        else f"There has been no scan since {ago}, so we're treating it as lost."
    )
    fact = {
        "no_scan": "The carrier hasn't scanned it yet.",
        "moving": f"It's {f['status_text']}: {latest}.",
        "unknown": (
            f"The carrier reported a problem {ago}{where} without saying what it is."
            if problem
            else f"The latest scan, {ago}{where}, doesn't say clearly where it is yet."
        ),
        "out_for_delivery": f"It's out for delivery: {latest}.",
        "pickup": f"It's ready for pickup{where} (scanned {ago})."
        + (f" The pickup code is {f['pickup_code']}." if f["pickup_code"] else ""),
        "late": (f"{f['eta_missed']}, so it's running late; " if f["eta_missed"] else "It's running late; ")
        + f"{latest}.",
        "stalled": f"Its last scan was {ago} ({what}{where}), and nothing has moved since.",
        "lost": lost_fact,
        "damaged": f"The carrier recorded it as damaged {ago}{where}, before it was delivered.",
        "attempt_failed": f"The courier tried to deliver it {ago} but couldn't.",
        "returned": f"It came back to us on {(f['last'] or {}).get('at', '')}"
        + (f", because {reason}." if reason else "; the carrier gave no reason."),
        "returning": "It's on its way back to us" + (f", because {reason}." if reason else "."),
        "customs": f"{_customs_office(f)} stopped it {ago}"
        + (" and needs documents before releasing it." if f["customs_docs"] else " for inspection."),
        "address": f"The carrier reported {ago} that the address is wrong, so it can't be delivered yet.",
        "delivered": f"It was delivered on {delivered.get('at', '')}{signed_where}.",
        "disputed": f"It was marked delivered on {delivered.get('at', '')}{signed_where}.",
    }.get(s, f"It's {f['status_text']}.")
    claim = f["claim"]
    filed = bool(claim and claim["state"] in ("submitted", "approved", "paid"))
    choose = "and we'll reship it or refund you, whichever you prefer."
    remedy = {
        "lost": (f"We've filed a claim with {carrier}, " if filed else f"We'll file a claim with {carrier}, ") + choose,
        "damaged": (f"We've filed a claim with {carrier}, " if filed else f"We'll file a claim with {carrier}, ")
        + choose,
        "returned": (
            "If you'd like it sent again, send us the correct name, phone and address, or we can refund you."
            if f["reason_code"] == "address_issue"
            else "Would you like us to send it again or refund you?"
        ),
        "returning": "Once it's back, we'll send it again or refund you, as you prefer.",
        "customs": (
            f"We'll check with {carrier} which documents are needed, and if they need something from you"
            " (such as an ID), we'll tell you how to send it."
            if f["customs_docs"]
            else f"We'll follow the clearance with {carrier}."
        ),
        "address": f"Please send us the correct name, phone and full address, and we'll pass it to {carrier}.",
        "attempt_failed": "If you'd like a delivery time, or a locker or pickup point instead, tell us and we'll"
        f" pass it to {carrier}.",
        "late": f"We've flagged it for follow-up and will chase {carrier}.",
        "stalled": f"We've flagged it for follow-up and will chase {carrier}.",
        "unknown": f"We'll ask {carrier} {'what the problem is and ' if problem else ''}where it is now.",
        "disputed": f"We've recorded that you don't have it and will open a delivery check with {carrier},"
        " then reship or refund once it's confirmed.",
    }.get(s, "")
    next_update = {
        "delivered": "If you don't have it, tell us and we'll look into it right away.",
        "disputed": f"We'll reply by {f['next_check']} at the latest.",
        "returned": "We'll arrange it as soon as you reply.",
        "returning": "We'll let you know as soon as it's back.",
        "lost": "We'll arrange it as soon as you reply, and tell you how the claim goes.",
        "damaged": "We'll arrange it as soon as you reply, and tell you how the claim goes.",
        "address": "We'll act on it as soon as we have the address.",
        "customs": f"We'll update you when customs moves, and by {f['next_check']} at the latest.",
        "late": f"We'll update you when the carrier replies, and by {f['next_check']} at the latest.",
        "stalled": f"We'll update you when the carrier replies, and by {f['next_check']} at the latest.",
        "unknown": f"We'll update you when the carrier replies, and by {f['next_check']} at the latest.",
        "out_for_delivery": "You'll be notified once it's delivered.",
        "pickup": "Tell us if anything goes wrong at pickup.",
        "attempt_failed": "We'll tell you when the next delivery attempt is scanned.",
    }.get(s, f"We'll tell you when it moves, and check in again by {f['next_check']} at the latest.")
    return Sentences(greet, empathy, fact, remedy, next_update)


def sentences_for(s: str, f: dict[str, Any], lang: str) -> Sentences:
    return en_sentences(s, f) if lang == "en" else zh_sentences(s, f)
