"""A shop's settings as the service reads them: one parse of the stored JSON into ``TenantSettings``, so
defaults (thresholds, quiet hours, shipping policy) are written once, in ``schemas.api``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from schemas.settings import TenantSettings

log = logging.getLogger(__name__)


def settings_of(stored: Mapping[str, Any] | None) -> TenantSettings:
    """The stored settings (validated when they were saved); a section that no longer parses falls back
    to its defaults, with a warning, rather than stopping notices or detection."""
    data = dict(stored or {})
    try:
        return TenantSettings.model_validate(data)
    except ValidationError as exc:
        broken = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        log.warning("tenant settings unreadable; using defaults", extra={"sections": sorted(broken)})
        return TenantSettings.model_validate({k: v for k, v in data.items() if k not in broken})
