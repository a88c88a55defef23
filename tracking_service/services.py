"""The service's long-lived parts (pool, clients, poller, estimator …): what every entry point reaches."""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg
import httpx
from aiohttp import web

from carriers.base import CarrierAdapter
from tracking_service.audit import AuditLog
from tracking_service.auth import KeyCache
from tracking_service.clock import Clock
from tracking_service.config import Settings
from tracking_service.detection import Recognition
from tracking_service.estimates import Estimator
from tracking_service.notify.dispatcher import Dispatcher
from tracking_service.pii import PiiVault
from tracking_service.polling import Poller
from tracking_service.resilience import KeyRateLimiter
from tracking_service.subscriptions import Subscriber


@dataclass
class Services:
    settings: Settings
    clock: Clock
    vault: PiiVault
    pool: asyncpg.Pool | None = None
    client: httpx.AsyncClient | None = None  # carriers and SMS: addresses the operator configured
    tenant_client: httpx.AsyncClient | None = None  # webhooks and desks: tenant URLs, address-checked
    poller: Poller | None = None
    subscriber: Subscriber | None = None
    dispatcher: Dispatcher | None = None
    adapters: dict[str, CarrierAdapter] = field(default_factory=dict)
    recognition: Recognition | None = None  # the aggregator's number recognition, when one is enabled
    estimator: Estimator = field(default_factory=Estimator)
    rate_limiter: KeyRateLimiter = field(default_factory=lambda: KeyRateLimiter(50.0, 100))
    keys: KeyCache = field(default_factory=KeyCache)
    audit_log: AuditLog | None = None

    @property
    def db(self) -> asyncpg.Pool:
        assert self.pool is not None, "database pool not started"
        return self.pool

    @property
    def audit(self) -> AuditLog:
        assert self.audit_log is not None, "audit log not started"
        return self.audit_log

    @property
    def enabled_carriers(self) -> list[str]:
        return sorted(self.adapters)


SERVICES = web.AppKey("services", Services)


def services(request: web.Request) -> Services:
    return request.app[SERVICES]
