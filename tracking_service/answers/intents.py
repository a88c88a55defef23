"""Intent and script detection for buyer messages (SPEC §7 intent rules, first that fits wins).

Chinese is matched after converting Traditional to Simplified (OpenCC t2s), so one rule
table serves zh-Hans, Taiwan and Hong Kong phrasing; English has its own patterns.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

from tracking_service.answers.context import Intent

_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.IGNORECASE)


# Delivered / left somewhere … but the buyer does not have it.
_SHOWN_DELIVERED = _rx(
    r"签收",
    r"送达",
    r"妥投",
    r"已送",
    r"派送成功",
    r"已取货",
    r"放前台",
    r"放(在|到)",
    r"驿站",
    r"快递柜",
    r"丰巢",
    r"柜子",
    r"门口",
    r"代收",
    r"超商",
    r"delivered",
    r"left (it )?(at|by|in)",
    r"locker",
    r"says (it )?arrived",
    r"marked as",
)
_NOT_HAVE = _rx(
    r"没(有)?(收|拿|取|见|看)到",
    r"没收着",
    r"未收到",
    r"说没有",
    r"(什么)?都没有",
    r"没有(我的)?(件|包裹|快递)",
    r"没(有)?去(拿|取)",
    r"找不到",
    r"不见了?",
    r"没(有)?(东西|包裹|快递)",
    r"并没有",
    r"没在",
    r"里面没有",
    r"没有啊",
    r"not (received|there|here)",
    r"(didn'?t|did not|haven'?t|have not|never) "
    r"(get|got|receive|received|see)",
    r"(don'?t|do not) have",
    r"can'?t find",
    r"nowhere",
    r"missing",
)
_SOMEONE_ELSE = _rx(
    r"(别人|他人|不是我|陌生人|谁)(帮我)?(签|代签|签收|收)",
    r"被(人)?代签",
    r"someone else (signed|took)",
    r"signed (for )?by someone",
)
_DAMAGED = _rx(
    r"破(了|损|掉|碎|洞)?",
    r"碎(了)?",
    r"坏(了|掉)",
    r"压(扁|坏|烂)",
    r"变形",
    r"漏(了|液|水)",
    r"(湿|泡水|淋湿|进水)",
    r"洒(了)?",
    r"被拆(过)?",
    r"拆过",
    r"重新(封|包)",
    r"少(了|件)",
    r"缺(了|件)",
    r"broken",
    r"damaged",
    r"crushed",
    r"smashed",
    r"cracked",
    r"dented",
    r"leak",
    r"\bwet\b",
    r"soaked",
    r"torn",
    r"re-?taped",
    r"(opened|tampered)",
    r"items? (are |is )?missing",
)
_RETURN = _rx(
    r"退货",
    r"寄回",
    r"退回去",
    r"(我|已经)(把.{0,6})?退(回|了)",
    r"换货",
    r"退款",
    r"退的(包裹|快递|件)",
    r"寄(回|还)给",
    r"returned (it|the|my)",
    r"(my|the) return",
    r"refund",
    r"exchange",
    r"sent (it |them )?back",
    r"send (it )?back",
    r"shipped (it )?back",
)
_CHANGE = _rx(
    r"(改|换|修改|更改|变更)(一下)?(收货|收件|配送|送货)?(地址|电话|手机|号码|收件人|人)",
    r"地址(写|填)错",
    r"收件人(要)?(换|改)",
    r"(电话|号码|手机)(号码)?(填|写)错",
    r"错(的)?地址",
    r"拦截",
    r"转寄",
    r"改派",
    r"改(成|为)?(自提|自取|驿站|快递柜|超商)",
    r"送到(驿站|快递柜|公司|超商)",
    r"change (the |my )?(delivery |shipping )?(address|recipient|phone|name)",
    r"wrong address",
    r"redirect",
    r"intercept",
    r"reroute",
    r"hold (it )?(at|for)",
    r"pick (it )?up (at|from) (the )?(store|locker|point)",
    r"deliver (it )?to (my )?(office|work|a locker)",
)
_PRESALE = _rx(
    r"什么时候(能)?(发|出)(货)?",
    r"出货",
    r"(还|怎么)?(没|没有)发货",
    r"几天(内)?发货",
    r"多久发(货)?",
    r"发货了(吗|没)",
    r"今天(能)?发(吗|货)",
    r"发(什么|哪家|哪个)快递",
    r"(用|走)(什么|哪家|哪个)快递",
    r"包邮",
    r"运费",
    r"邮费",
    r"(能|可以)?(寄|发|送)到(?![吗呢了吧啊嘛])[\u4e00-\u9fff]{2}",
    r"(多久|几天)(能|可以)?(寄|送)?到(?![吗呢了吧啊嘛])[\u4e00-\u9fff]{2}",
    r"(到|去).{1,6}(要)?(多久|几天)",
    r"偏远",
    r"when (will|do) you (ship|send|dispatch)",
    r"(not|n't) (been )?"
    r"(shipped|dispatched) yet",
    r"ship(ping)? to",
    r"deliver(y)? to (hong kong|taiwan|macau|\w+)\?",
    r"do you (ship|deliver)",
    r"shipping (cost|fee)",
    r"free shipping",
    r"which (courier|carrier)",
    r"how (long|many days) (does|will) (shipping|delivery) take",
    r"how long to (ship|deliver)",
)
_WHEN = _rx(
    r"什么时候(能|会|可以)?(到|送到|送达|派送)",
    r"几(号|点|天)(能|会|可以)?(送)?到",
    r"哪天(能)?到",
    r"多久(能|才)?到",
    r"还要(多久|几天)",
    r"(今天|明天|后天)(能|会)?(到|送)",
    r"预计",
    r"大概.*到",
    r"when (will|does|can) (it|my|the)",
    r"\beta\b",
    r"how (much )?longer",
    r"how long (until|till|before|will it)",
    r"arrive (by|on|today|tomorrow)",
    r"expected",
)
_WHERE = _rx(
    r"到哪",
    r"在哪",
    r"物流",
    r"还没到",
    r"没(有)?到",
    r"(没|不)(动|更新)",
    r"卡(住|在)",
    r"停在",
    r"查(一下|查)?",
    r"进度",
    r"(快递|包裹|件)(呢|啊)",
    r"怎么回事",
    r"太慢",
    r"好慢",
    r"退回(了|去了)?",
    r"where('?s| is) (my|the)",
    r"status",
    r"tracking",
    r"stuck",
    r"no updates?",
    r"(hasn'?t|has not|not) (moved|updated|arrived)",
    r"late",
    r"delayed",
    r"still (not|hasn'?t|waiting)",
    r"being returned",
    r"sent back to (the )?sender",
)
_SHIPPED_HINT = _rx(r"我的(快递|包裹|件)", r"单号", r"快递(员|小哥)", r"已经发货", r"my (parcel|package)")


def normalise(text: str) -> str:
    """Simplified, lower-case text for matching."""
    return _t2s().convert(text).lower()


def detect_script(text: str) -> str:
    """``zh-Hant`` when converting to Simplified changes the text, ``zh-Hans`` for other Chinese, else ``en``."""
    if not _CJK.search(text):
        return "en"
    return "zh-Hant" if _t2s().convert(text) != text else "zh-Hans"


def detect_intent(text: str) -> Intent:
    """The first intent of SPEC §7's ordered rules that fits the message."""
    t = normalise(text)
    if (_SHOWN_DELIVERED.search(t) and _NOT_HAVE.search(t)) or _SOMEONE_ELSE.search(t):
        return Intent.NOT_RECEIVED
    if _DAMAGED.search(t):
        return Intent.DAMAGED
    if _RETURN.search(t):
        return Intent.RETURN_STATUS
    if _CHANGE.search(t):
        return Intent.CHANGE_ADDRESS
    if _PRESALE.search(t) and not _SHIPPED_HINT.search(t):
        return Intent.SHIPPING_TIME
    if _WHEN.search(t):
        return Intent.WHEN_WILL_IT_ARRIVE
    if _WHERE.search(t):
        return Intent.WHERE_IS_MY_PARCEL
    return Intent.UNKNOWN
