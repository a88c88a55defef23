"""zh-Hant from zh-Hans text: OpenCC's ``s2twp`` (Simplified → Traditional with Taiwan phrases,
https://github.com/BYVoid/OpenCC), one converter per process for every reader — prepared answers, the buyers'
page and the agents' console."""

from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def converter() -> opencc.OpenCC:
    return opencc.OpenCC("s2twp")


def to_hant(text: str) -> str:
    """``text`` (written in zh-Hans) as a zh-Hant reader writes it."""
    return str(converter().convert(text)) if text else text


def in_locale(text: str, locale: str) -> str:
    """Chinese text written in zh-Hans, as the reader of ``locale`` reads it (unchanged but for zh-Hant)."""
    return to_hant(text) if locale == "zh-Hant" else text
