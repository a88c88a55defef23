"""The buyers' page link as a use case: retire a shipment's link (SPEC §11 "revocable")."""

from __future__ import annotations

import uuid
from typing import Any

from tracking_service.auth import Principal
from tracking_service.db import buyer_page as sql
from tracking_service.services import Services
from tracking_service.usecases.errors import NotFound
from tracking_service.usecases.shipments import find_shipment, shipment_view


async def revoke_link(svc: Services, principal: Principal, shipment_id: uuid.UUID) -> dict[str, Any]:
    """Retire the shipment's page link (its token answers 404 from now on) and answer the shipment with its
    new ``tracking_url``."""
    row = await find_shipment(svc, principal, shipment_id)
    revoked = await sql.revoke_link(svc.db, row.tenant_id, row.id, svc.clock.now())
    if revoked is None:
        raise NotFound("shipment")
    return await shipment_view(svc, revoked)
