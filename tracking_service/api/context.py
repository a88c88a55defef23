"""What handlers reach through ``request.app``: the service's long-lived parts."""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg
import httpx
from aiohttp import web

from carriers.base import CarrierAdapter
from tracking_service.clock import Clock
from tracking_service.config import Settings
from tracking_service.estimates import Estimator
from tracking_service.pii import PiiVault
from tracking_service.polling import Poller


@dataclass
class Services:
    settings: Settings
    clock: Clock
    vault: PiiVault
    pool: asyncpg.Pool | None = None
    client: httpx.AsyncClient | None = None
    poller: Poller | None = None
    adapters: dict[str, CarrierAdapter] = field(default_factory=dict)
    estimator: Estimator = field(default_factory=Estimator)

    @property
    def db(self) -> asyncpg.Pool:
        assert self.pool is not None, "database pool not started"
        return self.pool

    @property
    def enabled_carriers(self) -> list[str]:
        return sorted(self.adapters)


SERVICES = web.AppKey("services", Services)


def services(request: web.Request) -> Services:
    return request.app[SERVICES]
