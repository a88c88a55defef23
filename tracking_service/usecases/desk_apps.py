"""What the desk apps' pages need before an agent signs in: which desk may frame them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tracking_service.db import tenants as tenants_sql
from tracking_service.services import Services

TENANT_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")


async def chatwoot_origin(svc: Services, shop: str) -> str | None:
    """The origin of ``shop``'s own Chatwoot (its desk connector's base URL), so a self-hosted Chatwoot can frame
    the Dashboard App opened as ``/apps/chatwoot?shop=<tenant>`` without an operator setting. Only https, unless
    private URLs are allowed (development); None for an unknown shop or one whose desk is not Chatwoot, alike."""
    if not TENANT_ID.fullmatch(shop):
        return None
    url = await tenants_sql.desk_base_url(svc.db, shop, "chatwoot")
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.netloc or parts.scheme not in ("https", "http") or "@" in parts.netloc:
        return None
    if parts.scheme == "http" and not svc.settings.allow_private_urls:
        return None
    return f"{parts.scheme}://{parts.netloc}"
