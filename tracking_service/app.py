"""The app factory: settings in, a ready aiohttp application out."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import httpx
from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from carriers.base import NumberRecognizer
from carriers.registry import ADAPTERS, build_adapter
from carriers.sandbox.server import create_sandbox_app
from tracking_service.answers import classifier
from tracking_service.api import (
    routes_admin,
    routes_answers,
    routes_claims,
    routes_evidence,
    routes_incidents,
    routes_links,
    routes_notify,
    routes_shipments,
    routes_system,
    routes_webhooks,
)
from tracking_service.api.middleware import problem_middleware
from tracking_service.audit import AuditLog
from tracking_service.auth import KeyCache
from tracking_service.bootstrap import ensure_bootstrap
from tracking_service.buyer_page import routes as buyer_routes
from tracking_service.clock import Clock, SystemClock
from tracking_service.config import Settings
from tracking_service.console import routes as console_routes
from tracking_service.console.import_jobs import IMPORT_JOBS, ImportJobs
from tracking_service.db import create_pool, migrate, resolve_dsn
from tracking_service.db.buyer_page import purge_attempts as purge_lookup_attempts
from tracking_service.db.console_sessions import purge_sessions
from tracking_service.db.events import ensure_event_partitions
from tracking_service.db.subscriptions import seal_clear_secrets
from tracking_service.desk_apps import routes as desk_app_routes
from tracking_service.detection import Recognition
from tracking_service.estimates import Estimator
from tracking_service.incidents.service import sweep_once
from tracking_service.logging_setup import install_request_id
from tracking_service.notify.dispatcher import Dispatcher
from tracking_service.pii import PiiVault, seal_secret
from tracking_service.polling import Poller, build_lanes
from tracking_service.resilience import KeyRateLimiter
from tracking_service.retention import purge_pii
from tracking_service.services import SERVICES, Services
from tracking_service.subscriptions import Subscriber
from tracking_service.urlguard import guarded_client

log = logging.getLogger(__name__)


def create_app(settings: Settings, clock: Clock | None = None, run_scheduler: bool = True) -> web.Application:
    """Build the application; pools, clients and the scheduler start in its cleanup contexts."""
    install_request_id()
    app = web.Application(middlewares=[problem_middleware], client_max_size=settings.http.max_body_bytes)
    svc = Services(
        settings=settings,
        clock=clock or SystemClock(),
        vault=PiiVault(
            settings.pii_key.get_secret_value(), [k.get_secret_value() for k in settings.security.previous_pii_keys]
        ),
    )
    svc.estimator = Estimator(settings.incidents.min_lane_samples)
    svc.rate_limiter = KeyRateLimiter(settings.security.rate_limit_per_second, settings.security.rate_limit_burst)
    svc.keys = KeyCache(settings.security.key_cache_seconds)
    app[SERVICES] = svc
    app.router.add_routes(routes_system.routes)
    app.router.add_routes(routes_admin.routes)
    app.router.add_routes(routes_shipments.routes)
    app.router.add_routes(routes_incidents.routes)
    app.router.add_routes(routes_webhooks.routes)
    app.router.add_routes(routes_notify.routes)
    app.router.add_routes(routes_answers.routes)
    app.router.add_routes(routes_claims.routes)
    app.router.add_routes(routes_links.routes)
    app.router.add_routes(routes_evidence.routes)
    app.router.add_routes(console_routes.routes)
    app.router.add_routes(desk_app_routes.routes)
    app.router.add_routes(buyer_routes.routes)
    app[IMPORT_JOBS] = ImportJobs()
    if settings.sandbox:
        key = settings.carriers.sandbox.key
        app.add_subapp("/sandbox/", create_sandbox_app(key.get_secret_value() if key else None))
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_carriers)
    app.cleanup_ctx.append(_intent_model)
    if run_scheduler:
        app.cleanup_ctx.append(_scheduler)
    return app


async def _database(app: web.Application) -> AsyncIterator[None]:
    svc = app[SERVICES]
    settings = svc.settings
    dsn = await asyncio.to_thread(resolve_dsn, settings.database_url, settings.data_dir)
    svc.pool = await create_pool(dsn, settings.db_pool_min, settings.db_pool_max)
    async with svc.pool.acquire() as conn:
        await migrate(conn)
        await ensure_event_partitions(conn, svc.clock.now())
        await ensure_bootstrap(conn, settings, svc.clock.now())
        if sealed := await seal_clear_secrets(conn, lambda secret: seal_secret(svc.vault, secret)):
            log.info("webhook secrets sealed", extra={"subscriptions": sealed})
    svc.audit_log = AuditLog(svc.pool)
    flusher = asyncio.create_task(svc.audit_log.run())
    yield
    flusher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await flusher
    await svc.audit_log.flush()
    await svc.pool.close()


async def _carriers(app: web.Application) -> AsyncIterator[None]:
    svc = app[SERVICES]
    settings = svc.settings
    svc.client = httpx.AsyncClient(
        timeout=settings.polling.request_timeout_seconds, headers={"User-Agent": "tracking-service/0.1"}
    )
    carrier_settings = {code: cfg for code, cfg in settings.carrier_settings().items() if cfg.enabled}
    svc.adapters = {
        code: build_adapter(code, cfg.adapter_config(settings.sandbox_base_url()))
        for code, cfg in carrier_settings.items()
        if code in ADAPTERS
    }
    recognizer = next((a for a in svc.adapters.values() if isinstance(a, NumberRecognizer)), None)
    if recognizer is not None:
        svc.recognition = Recognition(recognizer, svc.client, svc.clock)
    lanes = build_lanes(svc.db, svc.adapters, carrier_settings, settings.polling, svc.clock)
    svc.tenant_client = guarded_client(settings.notify.request_timeout_seconds, settings.allow_private_urls)
    svc.dispatcher = Dispatcher(
        svc.db, svc.client, settings, svc.clock, svc.vault, svc.estimator, tenant_client=svc.tenant_client
    )
    svc.poller = Poller(svc.db, lanes, svc.client, settings.polling, svc.clock, svc.vault, estimator=svc.estimator)
    svc.subscriber = Subscriber(
        svc.db, lanes, svc.client, settings.polling, svc.clock, svc.vault, settings.public_base_url()
    )
    log.info("carriers enabled", extra={"carriers": sorted(svc.adapters)})
    yield
    await svc.tenant_client.aclose()
    await svc.client.aclose()


async def _intent_model(app: web.Application) -> AsyncIterator[None]:
    """Train the intent fallback classifier in a worker thread while the service starts serving, then
    freeze what start-up allocated out of the garbage collector's way: the libraries and the model are
    long-lived, and full collections walking them stretched request p99 under load."""

    async def train_then_freeze() -> None:
        await asyncio.get_running_loop().run_in_executor(None, classifier.warm)
        if not gc.get_freeze_count():  # once per process
            gc.collect()
            gc.freeze()

    settled = asyncio.create_task(train_then_freeze())
    yield
    await settled


SHUTDOWN_GRACE_SECONDS = 10.0


class Jobs:
    """Runs the periodic jobs as tracked tasks, so shutdown can let in-flight work finish."""

    def __init__(self) -> None:
        self.running: set[asyncio.Task[object]] = set()

    def tracked(self, job: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            task: asyncio.Task[object] = asyncio.ensure_future(job())
            self.running.add(task)
            task.add_done_callback(self.running.discard)  # tracked until the job itself ends
            try:
                await asyncio.shield(task)
            except asyncio.CancelledError:
                if task.done():
                    raise
                # The scheduler's shutdown cancels the jobs it started (APScheduler's AsyncIOExecutor); the job
                # runs on under the shield and ``drain`` waits for it, so there is nothing to report.

        return run

    async def drain(self, grace_seconds: float) -> None:
        """Wait up to ``grace_seconds`` for in-flight jobs to finish."""
        if self.running:
            await asyncio.wait(set(self.running), timeout=grace_seconds)


async def _scheduler(app: web.Application) -> AsyncIterator[None]:
    svc = app[SERVICES]
    settings = svc.settings
    assert svc.poller is not None and svc.dispatcher is not None and svc.subscriber is not None
    jobs = Jobs()
    scheduler = AsyncIOScheduler(timezone="UTC")

    def every(seconds: float, name: str, job: Callable[[], Awaitable[object]]) -> None:
        scheduler.add_job(jobs.tracked(job), "interval", seconds=seconds, id=name, max_instances=1, coalesce=True)

    async def sweep() -> None:
        await sweep_once(svc.db, svc.clock.now(), svc.estimator, settings.incidents.sweep_batch_size)

    async def maintain() -> None:
        await ensure_event_partitions(svc.db, svc.clock.now())
        await purge_pii(svc.db, svc.clock.now(), settings.security.retention_days)
        await purge_sessions(svc.db, svc.clock.now())
        await purge_lookup_attempts(svc.db, svc.clock.now() - timedelta(hours=1))

    if settings.polling.enabled:
        every(settings.polling.tick_seconds, "poll_once", svc.poller.poll_once)
        every(settings.polling.subscribe_tick_seconds, "carrier_subscriptions", svc.subscriber.run_once)
    if settings.notify.enabled:
        every(settings.notify.tick_seconds, "dispatch_once", svc.dispatcher.dispatch_once)
    every(settings.incidents.sweep_seconds, "incident_sweep", sweep)
    every(6 * 3600, "maintenance", maintain)
    scheduler.start()
    yield
    scheduler.shutdown(wait=False)
    await jobs.drain(SHUTDOWN_GRACE_SECONDS)
    # Whatever is still in flight is handed back so another replica takes it at once, not after the lease.
    released = {
        "shipments": await svc.poller.release_unfinished(),
        "notices": await svc.dispatcher.release_unfinished(),
    }
    if any(released.values()):
        log.warning("released unfinished work at shutdown", extra=released)
