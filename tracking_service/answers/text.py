"""Buyer text as the intent rules and the classifier read it: one normalisation, and the script written in.

Chinese is converted Traditional → Simplified (OpenCC t2s), so one rule table and one model serve zh-Hans,
Taiwan and Hong Kong phrasing."""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """Simplified, lower-case text for matching."""
    return str(_t2s().convert(text)).lower()


def detect_script(text: str) -> str:
    """``zh-Hant`` when converting to Simplified changes the text, ``zh-Hans`` for other Chinese, else ``en``."""
    if not _CJK.search(text):
        return "en"
    return "zh-Hant" if _t2s().convert(text) != text else "zh-Hans"
