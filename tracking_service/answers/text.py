"""Buyer text as the intent rules and the classifier read it: one normalisation, the clauses of a message,
and the script written in.

Chinese is converted Traditional → Simplified (OpenCC t2s), then Hong Kong Cantonese and Taiwan shop
words are rewritten into the Mandarin the rules know (聽日 → 明天, 唔 → 不, 冇 → 没有, 咗 → 了, 配達 → 送达,
含運/免運 → 包邮, 已出貨 → 已发货), so one rule table and one model serve zh-Hans, Taiwan and Hong Kong
phrasing. Word lists follow the Cantonese particles and vocabulary described in Wiktionary's Cantonese
appendix and the OpenCC HK/TW phrase tables (https://github.com/BYVoid/OpenCC); jieba was measured as a
segmenter (0.97 s to load, +80 MiB RSS) and not used: the rules need clauses, not words."""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

_CJK = re.compile(r"[\u3400-\u9fff]")

# Written Cantonese: characters a Hong Kong buyer writes whatever the script (嘅 咗 唔 冇 喺 哋 …), so a
# message in them is zh-Hant even when OpenCC has nothing to convert.
_CANTONESE = re.compile(r"[嘅咗唔冇喺哋嚟啲嘢畀俾咩嗰攞揾喎咁佢乜]")

# Before t2s: characters whose Simplified form is ambiguous (係 → 系 as in 系统; 話 → 话 as in 电话).
_BEFORE_T2S = (
    (re.compile(r"係"), "是"),
    (re.compile(r"嗰"), "那"),
    (re.compile(r"(?<![電电通的])話"), "说"),
)

# After t2s, on Simplified lower-case text; order matters (longer phrases first).
_REWRITES = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        # Northern colloquial Mandarin
        (r"今儿(个)?", "今天"),
        (r"明儿(个)?", "明天"),
        (r"明早", "明天早上"),
        (r"今早", "今天早上"),
        (r"啥", "什么"),
        (r"咋", "怎么"),
        # Hong Kong Cantonese
        (r"听日", "明天"),
        (r"(寻|琴)日", "昨天"),
        (r"今日", "今天"),
        (r"几时", "什么时候"),
        (r"几耐", "多久"),
        (r"几多", "多少"),
        (r"几钱", "多少钱"),
        (r"几日", "几天"),
        (r"边(度|处|到)", "哪里"),
        (r"喺边", "在哪里"),
        (r"(?<=[去到在])(咗)?边", r"\1哪里"),
        (r"(好多|几|成|多少)日", r"\1天"),
        (r"点解", "为什么"),
        (r"点算", "怎么办"),
        (r"点样", "怎么"),
        (r"咁(耐|久)", "这么久"),
        (r"好耐", "好久"),
        (r"咁", "这么"),
        (r"而家", "现在"),
        (r"得唔得", "可以吗"),
        (r"(.)唔\1", r"\1不\1"),
        (r"唔", "不"),
        (r"有冇", "有没有"),
        (r"冇", "没有"),
        (r"未(?=[到收发出寄送有过动嚟])", "没"),
        (r"未(?=[呀啊吖喎啦？?！!。，,\s]|$)", "没"),
        (r"(派|送)紧", "派送中"),
        (r"咗", "了"),
        (r"嘅", "的"),
        (r"喺", "在"),
        (r"啲", "些"),
        (r"乜?嘢", "东西"),
        (r"咩", "什么"),
        (r"[畀俾]", "给"),
        (r"嚟", "来"),
        (r"佢", "他"),
        (r"哋", "们"),
        (r"(?<=[\u4e00-\u9fff])晒(?![图单太])", "了"),
        (r"揾", "找"),
        (r"攞", "拿"),
        (r"屋企", "家"),
        (r"落单", "下单"),
        (r"速递", "快递"),
        (r"(?<![a-z])kd(?![a-z])", "快递"),
        (r"(?<![忧])郁(?!闷)", "动"),
        (r"寄返", "寄回"),
        (r"退返", "退回"),
        (r"睇", "看"),
        (r"返(去|嚟|来)", r"回\1"),
        (r"智能柜", "快递柜"),
        (r"便利店", "超商"),
        (r"仲", "还"),
        (r"先到", "才到"),
        # Taiwan shop words
        (r"配达", "送达"),
        (r"出货", "发货"),
        (r"(含|免)(运|邮)(费)?", "包邮"),
        (r"(7-?11|7-?eleven|小七|莱尔富|ok超商|全家(?=(取|便利|超商|门市|店|吗|可以)))", "超商"),
        (r"(?<=[到去成])全家", "超商"),
        (r"门市", "门店"),
        (r"宅配到府", "送货上门"),
    )
)

# English chat shorthand and common misspellings, on lower-case text of any script.
_EN_REWRITES = tuple(
    (re.compile(rf"\b(?:{pattern})\b"), replacement)
    for pattern, replacement in (
        (r"tmrw|tmr|tmrrw|tmoro|2morrow|2moro|tomoro|tommorow|tommorrow|tomorow", "tomorrow"),
        (r"tdy|2day|tday", "today"),
        (r"pls|plz|plez|pleasee", "please"),
        (r"u", "you"),
        (r"ur", "your"),
        (r"wen|whn", "when"),
        (r"whr|wer|wheres", "where is"),
        (r"wat|wht", "what"),
        (r"whats", "what's"),
        (r"hw", "how"),
        (r"pkg|pkge|pakage|packge|pacakge|parcle|percel", "package"),
        (r"deliverd|delievered|delivred|deliered|dilivered|delivered", "delivered"),
        (r"wru", "where are you"),
        (r"chk", "check"),
        (r"delivary|delievery|delivey|dilivery", "delivery"),
        (r"recieve|recive|receieve", "receive"),
        (r"recieved|recived|receieved", "received"),
        (r"didnt|didn", "didn't"),
        (r"dont", "don't"),
        (r"hasnt", "hasn't"),
        (r"havent|hvnt", "haven't"),
        (r"isnt", "isn't"),
        (r"cant", "can't"),
        (r"wont", "won't"),
        (r"b4", "before"),
        (r"addr|adress|addres", "address"),
        (r"trackin|trakking|traking", "tracking"),
        (r"packet", "package"),
    )
)

# Where one question ends and the next may start: punctuation, spaces between Chinese, and the words
# buyers use to add a question (还有/另外/顺便/再问, "also", "btw").
_CLAUSE_BREAK_ZH = re.compile(r"[，,。.？?！!；;~～、\n]+|\s+|(?=另外|顺便|还有|还想问|再问|再请问|对了)")
_CLAUSE_BREAK_EN = re.compile(
    r"[.?!;\n]+(?:\s|$)|[?!;]+|,\s*(?=(?:and |also |plus |btw |but )?(?:can|could|will|would|when|where|how|is|"
    r"are|do|did|what|any|please|i)\b)|\s(?=(?:also|btw|plus|and also|by the way)\b)"
    r"|\s(?=and (?:when|where|how|can|could|will|is|did|do|does|what)\b)"
)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """Simplified, lower-case Mandarin for matching."""
    for pattern, replacement in _BEFORE_T2S:
        text = pattern.sub(replacement, text)
    out = str(_t2s().convert(text)).lower()
    for pattern, replacement in _EN_REWRITES:
        out = pattern.sub(replacement, out)
    if _CJK.search(out):
        for pattern, replacement in _REWRITES:
            out = pattern.sub(replacement, out)
    return out


def clauses(normalised: str) -> list[str]:
    """The message cut where a buyer may start another question; empty pieces dropped."""
    breaker = _CLAUSE_BREAK_ZH if _CJK.search(normalised) else _CLAUSE_BREAK_EN
    return [piece.strip() for piece in breaker.split(normalised) if piece and piece.strip()]


def detect_script(text: str) -> str:
    """``zh-Hant`` when converting to Simplified changes the text or it is written Cantonese, ``zh-Hans`` for
    other Chinese, else ``en``."""
    if not _CJK.search(text):
        return "en"
    if _t2s().convert(text) != text or _CANTONESE.search(text):
        return "zh-Hant"
    return "zh-Hans"
