"""Kuaidi100 (快递100) state codes → canonical status, in one table.

Source: 实时快递单号查询技术文档 §1.6 运单快递状态(state)说明
(https://api.kuaidi100.com/document/5f0ffb5ebc8da837cbd8aefc; mirror https://apifox.com/apidoc/project-514987/api-8562559).
The same values arrive as the top-level ``state`` and, with ``resultv2=4``, as every trace's ``statusCode``
(推送接口 lastResult: https://apifox.com/apidoc/project-514987/api-8575995). Basic states are 0/1/2/3/4/5/6/7/8/14
and 10–13; the high-level ones refine them (1xx 揽收, 100x 在途, 5xx 派件, 3xx 签收, 401, 2xx 疑难).

Decisions where the doc leaves room (SPEC §2 conventions):
- 14 拒签 is filed under 退签 and worded "收件人拒绝签收，且寄件人签收了": refused and back at the sender.
- 4 退签 ("此快件单已退签"; the basic-state doc: "由于用户拒签、超区等原因退回，而且发件人已经签收"):
  returned + refused.
- 203 拒收 "收件人发起拒收快递，待发货方确认": a refused delivery not yet on its way back → attempt_failed + refused.
- 205 柜或驿站超时未取: still collectable, held at the locker / station → available_for_pickup + held_at_carrier.
- 208 滞留 "快件滞留在网点，没有派送": exception + held_at_carrier; 207 超区 stops delivery: exception + address_issue.
- 12 已清关 is customs done: plain in_transit.
"""

from __future__ import annotations

from typing import NamedTuple

from schemas import Status, SubStatus


class Code(NamedTuple):
    status: Status
    sub_status: SubStatus | None
    name: str  # 高级物流状态名称 (also the trace ``status`` text with resultv2=1)
    meaning: str  # 含义, as the doc words it


S, SS = Status, SubStatus
CODES: dict[str, Code] = {
    # 揽收
    "1": Code(S.IN_TRANSIT, None, "揽收", "快件揽件"),
    "101": Code(S.INFO_RECEIVED, None, "已下单", "已经下快件单"),
    "102": Code(S.INFO_RECEIVED, None, "待揽收", "待快递公司揽收"),
    "103": Code(S.IN_TRANSIT, None, "已揽收", "快递公司已经揽收"),
    # 在途
    "0": Code(S.IN_TRANSIT, None, "在途", "快件在途中"),
    "1001": Code(S.IN_TRANSIT, None, "到达派件城市", "快件到达收件人城市"),
    "1002": Code(S.IN_TRANSIT, None, "干线", "快件处于运输过程中"),
    "1003": Code(S.IN_TRANSIT, None, "转递", "快件发往到新的收件地址"),
    # 派件
    "5": Code(S.OUT_FOR_DELIVERY, None, "派件", "快件正在派件"),
    "501": Code(S.AVAILABLE_FOR_PICKUP, None, "投柜或驿站", "快件已经投递到快递柜或者快递驿站"),
    # 签收
    "3": Code(S.DELIVERED, None, "签收", "快件已签收"),
    "301": Code(S.DELIVERED, None, "本人签收", "收件人正常签收"),
    "302": Code(S.DELIVERED, None, "派件异常后签收", "快件显示派件异常，但后续正常签收"),
    "303": Code(S.DELIVERED, SS.DELIVERED_TO_NEIGHBOR, "代签", "快件已被代签"),
    "304": Code(S.DELIVERED, SS.DELIVERED_TO_LOCKER, "投柜或站签收", "快件已由快递柜或者驿站签收"),
    # 退回 / 退签
    "6": Code(S.RETURNING, None, "退回", "快件正处于返回发货人的途中"),
    "4": Code(S.RETURNED, SS.REFUSED, "退签", "此快件单已退签"),
    "401": Code(S.EXCEPTION, SS.CANCELLED, "已销单", "此快件单已撤销"),
    "14": Code(S.RETURNED, SS.REFUSED, "拒签", "收件人拒绝签收，且寄件人签收了"),
    # 转投: handed to another carrier, still moving
    "7": Code(S.IN_TRANSIT, None, "转投", "快件转给其他快递公司邮寄"),
    # 疑难
    "2": Code(S.EXCEPTION, SS.OTHER, "疑难", "快件存在疑难"),
    "201": Code(S.EXCEPTION, SS.DELAYED, "超时未签收", "快件长时间派件后未签收"),
    "202": Code(S.EXCEPTION, SS.DELAYED, "超时未更新", "快件长时间没有派件或签收"),
    "203": Code(S.ATTEMPT_FAILED, SS.REFUSED, "拒收", "收件人发起拒收快递，待发货方确认"),
    "204": Code(S.ATTEMPT_FAILED, SS.OTHER, "派件异常", "快件派件时遇到异常情况"),
    "205": Code(S.AVAILABLE_FOR_PICKUP, SS.HELD_AT_CARRIER, "柜或驿站超时未取", "快件在快递柜或者驿站长时间未取"),
    "206": Code(S.ATTEMPT_FAILED, SS.RECIPIENT_UNAVAILABLE, "无法联系", "无法联系到收件人"),
    "207": Code(S.EXCEPTION, SS.ADDRESS_ISSUE, "超区", "超出快递公司的服务区范围"),
    "208": Code(S.EXCEPTION, SS.HELD_AT_CARRIER, "滞留", "快件滞留在网点，没有派送"),
    "209": Code(S.EXCEPTION, SS.DAMAGED, "破损", "快件破损"),
    "210": Code(S.EXCEPTION, SS.CANCELLED, "销单", "寄件人申请撤销寄件"),
    # 清关
    "8": Code(S.IN_TRANSIT, SS.CUSTOMS_HOLD, "清关", "快件清关"),
    "10": Code(S.IN_TRANSIT, SS.CUSTOMS_HOLD, "待清关", "快件等待清关"),
    "11": Code(S.IN_TRANSIT, SS.CUSTOMS_HOLD, "清关中", "快件正在清关流程中"),
    "12": Code(S.IN_TRANSIT, None, "已清关", "快件已完成清关流程"),
    "13": Code(S.EXCEPTION, SS.CUSTOMS_HOLD, "清关异常", "货物在清关过程中出现异常"),
}

# The basic state each high-level one refines (the doc's grouping): a basic ``state`` never outdoes a trace of
# its own group (state 5 派件 over a 501 投柜或驿站 trace, state 4 退签 over 401 已销单).
PARENT: dict[str, str] = {
    **dict.fromkeys(("101", "102", "103"), "1"),
    **dict.fromkeys(("1001", "1002", "1003"), "0"),
    "501": "5",
    **dict.fromkeys(("301", "302", "303", "304"), "3"),
    **dict.fromkeys(("401", "14"), "4"),
    **dict.fromkeys(tuple(str(code) for code in range(201, 211)), "2"),
    **dict.fromkeys(("10", "11", "12", "13"), "8"),
}

# resultv2=1 traces carry only the state's name (``status``: "在途", "签收", …): read it back to its code.
CODE_BY_NAME: dict[str, str] = {code.name: key for key, code in CODES.items()}

# query.do answers (实时查询 错误码): 500 查询无结果; 501 服务器错误, 502 服务器繁忙;
# 503 验证签名失败, 601 KEY已过期 / 余额不足.
QUERY_AUTH = frozenset({"503", "601"})
QUERY_BUSY = frozenset({"501", "502"})
QUERY_NOT_FOUND = frozenset({"500"})

# poll (订阅) answers: 200 提交成功, 501 重复订阅 (already polling: accepted); 600 不是合法的订阅者 / 601 KEY已过期
# refuse the account; 500 服务器错误; 700 订阅数据错误 (company, number, callback url), 701 拒绝订阅的快递公司,
# 702 识别不到该单号对应的快递公司 refuse the number.
SUBSCRIBE_ACCEPTED = frozenset({"200", "501"})
SUBSCRIBE_AUTH = frozenset({"600", "601"})
SUBSCRIBE_BUSY = frozenset({"500"})
SUBSCRIBE_UNKNOWN_NUMBER = frozenset({"702"})

# autonumber (智能单号识别, https://api.kuaidi100.com/document/5f1106542977d50a94e10241): 601 KEY已过期 (service not
# enabled), 701 KEY缺失; 201 不是有效的快递单号 (no candidates).
AUTONUMBER_AUTH = frozenset({"601", "701"})
AUTONUMBER_INVALID = frozenset({"201"})

# Callback ``status``: shutdown = finished (signed), abort = Kuaidi100 gave up (3天查询无记录 / 60天无变化, or a
# corrected company code in ``comNew``); either way no more pushes come for this subscription.
PUSH_STOPPED = frozenset({"shutdown", "abort"})
