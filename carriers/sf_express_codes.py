"""SF Express route opCodes (路由操作码), reason codes and route status fields → canonical status.

Sources (the official table is the SF open platform appendix 路由信息操作码,
https://open.sf-express.com/developSupport/734349?activeIndex=589678, a script-rendered page that no stored
copy holds; these copies and production samples were used instead):

- SF open platform, EXP_RECE_SEARCH_ROUTES response fields and example (``opCode`` 655 "顺丰合作点【…驿站店】已代收"
  with ``firstStatusCode`` 7 待揽收 / 701, ``opCode`` 54 with 1 已揽收 / 101), as copied in
  github.com/tonylabs/medusa-fulfillment-sfexpress docs/sf-express/express/route.md.
- github.com/Chohangryong/SFTRACKINGLITE backend/app/services/lite_status_mapper.py and its notes: production
  (opCode, firstStatusCode, secondaryStatusCode) combinations — 50/54→1/101, 30/31/36/44→2/201, 204/634→3/301,
  80→4/401 (remark "已派送至（顺丰自助柜）" = locker), 125/218/642→11/1101 待取件 ("快件到达指定自取点"),
  33/70→13/1301 (awaiting redelivery), 648→2/201; firstStatusCode 1 揽收, 2 运送中, 3 派送中, 4 签收, 11 待取件,
  13 待再派; returns/forwarding carry "-" with names 已退回 / 已转寄; reason codes 70+46 cancelled,
  70/33+83/85 switched to self pickup, 8000+6 lost, 8000+2 disposed, 99+2 return.
- Eagle1 sfex.ts (secondaryStatusCode 204 清关中, 205 已清关, 301 派送中, 401 签收; opCode 105/106/310 line haul).
- Sample routes (honghua-kd/website logisticsRoutes.ts; dexfun LogisticsEntity.java): 501 快件运输中, 407 快件已发往,
  44 正在派送途中, 204 快件交给…正在派送途中, 80 已签收, then 8000 '在官网"运单资料&签收图",可查看签收人信息'
  (8000 closes the order after 80 signed or 99 returned — it is not a scan of its own).
- zhangxian/yyQuartzWeb ExpressConstants.java: 130/123 已到达目的地网点即将派件, 631/648/99 快件已退回.
- The adapter's earlier table: 3036, 605 清关中, 606 清关完成, 607 海关查验/清关异常 (kept; no copy found to confirm).

Generic codes (33 派件不成功, 70 问题件, 80 签收, 99/648/631 退回/转寄, 517 申请) are refined by the documented
reason code, else by the reason name / remark words.
"""

from __future__ import annotations

from schemas import Status, SubStatus

S, SS = Status, SubStatus
Pair = tuple[Status, SubStatus | None]

# opCode → (canonical default, family that decides how remark / reason refine it, SF's name for it)
OP_CODES: dict[str, tuple[Pair, str, str]] = {
    "655": ((S.INFO_RECEIVED, None), "plain", "合作点/驿站已代收(寄件), 待揽收"),
    "50": ((S.IN_TRANSIT, None), "plain", "顺丰已收件"),
    "54": ((S.IN_TRANSIT, None), "plain", "上门收件"),
    "30": ((S.IN_TRANSIT, None), "plain", "快件完成分拣/发往"),
    "31": ((S.IN_TRANSIT, None), "plain", "快件到达"),
    "36": ((S.IN_TRANSIT, None), "plain", "快件离开/装车"),
    "3036": ((S.IN_TRANSIT, None), "plain", "快件装车发往"),
    "105": ((S.IN_TRANSIT, None), "plain", "航空起飞"),
    "106": ((S.IN_TRANSIT, None), "plain", "航空落地"),
    "310": ((S.IN_TRANSIT, None), "plain", "快件到达"),
    "407": ((S.IN_TRANSIT, None), "plain", "快件已发往"),
    "501": ((S.IN_TRANSIT, None), "plain", "快件运输中"),
    "123": ((S.IN_TRANSIT, None), "plain", "快件正送往顺丰店/站"),
    "130": ((S.IN_TRANSIT, None), "plain", "快件到达顺丰店/站, 即将派件"),
    "605": ((S.IN_TRANSIT, SS.CUSTOMS_HOLD), "plain", "清关中"),
    "606": ((S.IN_TRANSIT, None), "plain", "清关完成"),
    "607": ((S.EXCEPTION, SS.CUSTOMS_HOLD), "plain", "海关查验/清关异常"),
    "44": ((S.OUT_FOR_DELIVERY, None), "plain", "正在派送途中"),
    "204": ((S.OUT_FOR_DELIVERY, None), "plain", "快件交给收派员, 正在派送途中"),
    "634": ((S.OUT_FOR_DELIVERY, None), "plain", "派送中"),
    "125": ((S.AVAILABLE_FOR_PICKUP, None), "plain", "快件已存放至丰巢/驿站/代收点, 待取件"),
    "126": ((S.AVAILABLE_FOR_PICKUP, None), "plain", "待取件"),
    "218": ((S.AVAILABLE_FOR_PICKUP, None), "plain", "待取件"),
    "642": ((S.AVAILABLE_FOR_PICKUP, None), "plain", "快件到达指定自取点"),
    "80": ((S.DELIVERED, None), "signed", "已签收"),
    "8000": ((S.DELIVERED, None), "closed", "签收信息/订单结束"),
    "33": ((S.ATTEMPT_FAILED, SS.OTHER), "attempt", "派件不成功"),
    "70": ((S.EXCEPTION, SS.OTHER), "problem", "问题件/派送不成功"),
    "99": ((S.RETURNING, None), "return", "应客户要求退回/转寄"),
    "648": ((S.RETURNING, None), "return", "快件已退回/转寄, 新单号"),
    "631": ((S.RETURNING, None), "return", "快件已退回, 新单号"),
    "517": ((S.IN_TRANSIT, None), "request", "转寄/退回申请"),
}

# (opCode, reasonCode) → canonical, as SF production data pairs them (SFTRACKINGLITE notes).
REASON_CODES: dict[tuple[str, str], Pair] = {
    ("70", "46"): (S.EXCEPTION, SS.CANCELLED),
    ("70", "83"): (S.AVAILABLE_FOR_PICKUP, None),
    ("70", "85"): (S.AVAILABLE_FOR_PICKUP, None),
    ("33", "83"): (S.AVAILABLE_FOR_PICKUP, None),
    ("33", "85"): (S.AVAILABLE_FOR_PICKUP, None),
    ("8000", "6"): (S.EXCEPTION, SS.LOST),
    ("8000", "2"): (S.EXCEPTION, SS.OTHER),  # disposed of
    ("99", "2"): (S.RETURNING, None),
}

# Route status fields of the newer query answer: secondaryStatusCode, firstStatusCode, then the names.
SECONDARY_STATUS: dict[str, Pair] = {
    "101": (S.IN_TRANSIT, None),
    "201": (S.IN_TRANSIT, None),
    "204": (S.IN_TRANSIT, None),  # 国际段; the name tells 清关中
    "205": (S.IN_TRANSIT, None),  # 已清关
    "301": (S.OUT_FOR_DELIVERY, None),
    "401": (S.DELIVERED, None),
    "701": (S.INFO_RECEIVED, None),
    "1101": (S.AVAILABLE_FOR_PICKUP, None),
    "1301": (S.ATTEMPT_FAILED, None),
}
FIRST_STATUS: dict[str, Pair] = {
    "1": (S.IN_TRANSIT, None),  # 已揽收
    "2": (S.IN_TRANSIT, None),  # 运送中
    "3": (S.OUT_FOR_DELIVERY, None),  # 派送中
    "4": (S.DELIVERED, None),  # 已签收
    "7": (S.INFO_RECEIVED, None),  # 待揽收
    "11": (S.AVAILABLE_FOR_PICKUP, None),  # 待取件
    "13": (S.ATTEMPT_FAILED, None),  # 待再次派送
}
STATUS_NAMES: list[tuple[str, Pair]] = [
    ("清关中", (S.IN_TRANSIT, SS.CUSTOMS_HOLD)),
    ("已清关", (S.IN_TRANSIT, None)),
    ("拒收", (S.RETURNING, SS.REFUSED)),
    ("已退回", (S.RETURNING, None)),
    ("已转寄", (S.IN_TRANSIT, None)),
    ("取消", (S.EXCEPTION, SS.CANCELLED)),
    ("待揽收", (S.INFO_RECEIVED, None)),
    ("已揽收", (S.IN_TRANSIT, None)),
    ("运送中", (S.IN_TRANSIT, None)),
    ("派送失败", (S.ATTEMPT_FAILED, None)),
    ("派送中", (S.OUT_FOR_DELIVERY, None)),
    ("待取件", (S.AVAILABLE_FOR_PICKUP, None)),
    ("已签收", (S.DELIVERED, None)),
]

# Remark / reason-name words. Order matters: the first reason found wins.
_LOCKER = ("丰巢", "自助柜", "快递柜", "智能柜", "蜂巢", "驿站", "代收点", "合作点", "自提点", "自取点", "服务点")
_NEIGHBOR = ("门卫", "前台", "物业", "保安", "传达室", "收发室", "邻居", "家人", "同事", "代签", "代收")
_REASONS: list[tuple[str, tuple[str, ...]]] = [
    ("damaged", ("破损", "损坏", "受损")),
    ("lost", ("遗失", "丢失", "丢件")),
    ("cancelled", ("取消",)),
    ("refused", ("拒收", "拒签", "拒绝签收", "拒付")),
    ("customs", ("海关", "清关")),
    ("address", ("地址", "查无此人")),
    ("unavailable", ("不在", "无人", "联系不上", "无法联系", "未接", "关机", "改约", "更改派送时间")),
    ("delayed", ("天气", "交通", "延误", "管制", "不可抗力")),
]
_ATTEMPT = ("派送不成功", "派件不成功", "派送失败", "再次派送", "未派送成功")
_EXCEPTION_REASON: dict[str, Pair] = {
    "damaged": (S.EXCEPTION, SS.DAMAGED),
    "lost": (S.EXCEPTION, SS.LOST),
    "cancelled": (S.EXCEPTION, SS.CANCELLED),
    "customs": (S.EXCEPTION, SS.CUSTOMS_HOLD),
    "delayed": (S.EXCEPTION, SS.DELAYED),
    "refused": (S.ATTEMPT_FAILED, SS.REFUSED),
    "unavailable": (S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE),
}


def _reason(text: str) -> str | None:
    return next((name for name, words in _REASONS if any(w in text for w in words)), None)


def classify(op_code: str, remark: str, reason_code: str = "", reason_name: str = "") -> Pair | None:
    """Canonical pair of one route, or ``None`` for an undocumented opCode (never a guess)."""
    entry = OP_CODES.get(op_code)
    if entry is None:
        return None
    default, family, _ = entry
    if (op_code, reason_code) in REASON_CODES:
        return REASON_CODES[(op_code, reason_code)]
    text = f"{remark} {reason_name}"
    if family == "signed":
        if any(w in text for w in _LOCKER):
            return S.DELIVERED, SS.DELIVERED_TO_LOCKER
        if any(w in text for w in _NEIGHBOR):
            return S.DELIVERED, SS.DELIVERED_TO_NEIGHBOR
        return default
    if family in ("attempt", "problem"):
        reason = _reason(text)
        attempt = family == "attempt" or any(w in text for w in _ATTEMPT)
        if reason in _EXCEPTION_REASON:
            return _EXCEPTION_REASON[reason]
        if reason == "address":
            return (S.ATTEMPT_FAILED if attempt else S.EXCEPTION), SS.ADDRESS_ISSUE
        return (S.ATTEMPT_FAILED if attempt else S.EXCEPTION), SS.OTHER
    if family in ("return", "request"):
        if "拒收" in text or "拒签" in text:
            return S.RETURNING, SS.REFUSED
        if "退" in text:
            return S.RETURNING, None
        if "转寄" in text:  # forwarded to a new address at the customer's request: still on its way
            return S.IN_TRANSIT, None
        return default
    return default


def route_state(route: dict[str, object]) -> Pair | None:
    """What the route's firstStatus / secondaryStatus fields say, if anything documented.

    A name that carries detail (清关中, 拒收, 取消) wins over a code that only says the phase: SF puts
    several second-level names under one code (Eagle1 tells 204 清关中 from other 204s by name).
    """
    coded = SECONDARY_STATUS.get(str(route.get("secondaryStatusCode") or "")) or FIRST_STATUS.get(
        str(route.get("firstStatusCode") or "")
    )
    named = _named(f"{route.get('secondaryStatusName') or ''} {route.get('firstStatusName') or ''}")
    if named is not None and (coded is None or (named[1] is not None and coded[1] is None)):
        return named
    return coded


def _named(text: str) -> Pair | None:
    return next((pair for word, pair in STATUS_NAMES if word in text), None)
