"""The intent rules' word patterns, one module per family; ``rx`` joins alternatives into one pattern."""

from __future__ import annotations

import re


def rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.IGNORECASE)
