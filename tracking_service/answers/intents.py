"""Intent and script detection for buyer messages (SPEC §7 intent rules, first that fits wins).

Chinese is matched after converting Traditional to Simplified (OpenCC t2s), so one rule
table serves zh-Hans, Taiwan and Hong Kong phrasing; English has its own patterns.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

from tracking_service.answers import classifier
from tracking_service.answers.context import Intent
from tracking_service.answers.lexicon import questions as qu
from tracking_service.answers.lexicon import trouble as tr

_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


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
    if qu.NOT_PARCEL.search(t) and not qu.PARCEL_WORD.search(t):
        return Intent.UNKNOWN
    if (tr.SHOWN_DELIVERED.search(t) and tr.NOT_HAVE.search(t)) or tr.SOMEONE_ELSE.search(t):
        return Intent.NOT_RECEIVED
    if tr.DAMAGED.search(t):
        return Intent.DAMAGED
    if tr.RETURN.search(t) and not tr.UNASKED_RETURN.search(t):
        return Intent.RETURN_STATUS
    if tr.CHANGE.search(t):
        return Intent.CHANGE_ADDRESS
    if qu.PRESALE.search(t) and not qu.SHIPPED_HINT.search(t):
        return Intent.SHIPPING_TIME
    if qu.MISSED_PROMISE.search(t):
        return Intent.WHERE_IS_MY_PARCEL
    if qu.WHEN.search(t) or (qu.TIME_ASK.search(t) and qu.ARRIVAL.search(t)):
        return Intent.WHEN_WILL_IT_ARRIVE
    if qu.WHERE.search(t):
        return Intent.WHERE_IS_MY_PARCEL
    return _second_opinion(t)


def _second_opinion(normalised: str) -> Intent:
    """No rule fits: the labelled-message classifier's guess when it is sure enough, else unknown."""
    label, probability = classifier.guess(normalised)
    return Intent(label) if probability >= classifier.THRESHOLD else Intent.UNKNOWN
