"""What the desk apps' pages need before an agent signs in: which desk may frame them."""

from __future__ import annotations

import re

from schemas.api import TENANT_ID_PATTERN
from tracking_service.db import tenants as tenants_sql
from tracking_service.services import Services

_TENANT_ID = re.compile(TENANT_ID_PATTERN)


async def chatwoot_base_url(svc: Services, shop: str) -> str | None:
    """The base URL of ``shop``'s Chatwoot desk connector, so a self-hosted Chatwoot can frame the Dashboard App
    opened as ``/apps/chatwoot?shop=<tenant>`` without an operator setting; None for a malformed id, an unknown
    shop or one whose desk is not Chatwoot, alike."""
    if not _TENANT_ID.fullmatch(shop):
        return None
    return await tenants_sql.desk_base_url(svc.db, shop, "chatwoot")
