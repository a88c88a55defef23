"""Which tenant a request acts on, from the key's tenants and the tenant the request names."""

from __future__ import annotations

from tracking_service.auth import Principal
from tracking_service.usecases.errors import Invalid, NotFound


def read_scope(principal: Principal, tenant: str | None) -> list[str] | None:
    """Tenants a read covers: the key's (None = all), narrowed to ``tenant`` when named. Naming a tenant the
    key may not see is NotFound, as for any other tenant's object (SPEC §12: foreign ``tenant=`` is 404)."""
    if tenant is None:
        return principal.scope
    if not principal.can_see(tenant):
        raise NotFound(f"tenant {tenant!r}")
    return [tenant]


def write_tenant(principal: Principal, named: str | None) -> str:
    """The tenant a write acts on: the named one, or the key's only tenant."""
    if named is not None:
        if not principal.can_see(named):
            raise NotFound(f"tenant {named!r}")
        return named
    if principal.tenants is not None and len(principal.tenants) == 1:
        return principal.tenants[0]
    raise Invalid("this key spans several tenants: name `tenant`", "tenant", "missing", "required for this key")
