"""The outbox dispatcher: claim due notices (SKIP LOCKED + lease), deliver with bounded concurrency,
retry on the Standard Webhooks schedule (~27 h), then dead-letter.

A crash mid-dispatch leaves the row pending with its lease; it is claimed again once the lease
passes and re-sent with the same id, so at most the in-flight notice is sent twice.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from tracking_service import metrics
from tracking_service.clock import Clock
from tracking_service.config import Settings
from tracking_service.db import buyer_page as links_sql
from tracking_service.db import outbox as sql
from tracking_service.db import shipments as shipments_sql
from tracking_service.db import subscriptions as subscriptions_sql
from tracking_service.db import tenants as tenants_sql
from tracking_service.estimates import Estimator
from tracking_service.notify.desk import DESKS, DeskCall, DeskNote
from tracking_service.notify.email import build_email, send_email
from tracking_service.notify.errors import DeliveryFailed
from tracking_service.notify.messages import SUBJECTS, desk_body, notice_answer, with_link
from tracking_service.notify.sms import sms_provider
from tracking_service.notify.webhooks import deliver_webhook
from tracking_service.pii import PiiVault, open_credentials, open_secret
from tracking_service.tenants import settings_of
from tracking_service.tracking_links import tracking_url
from tracking_service.workers import Worker

log = logging.getLogger(__name__)

# Seconds to wait after the 1st, 2nd, … failed attempt (Standard Webhooks / Svix schedule);
# after the last one the notice is dead: 5 s + 5 m + 30 m + 2 h + 5 h + 10 h + 10 h ≈ 27.6 h.
RETRY_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)
BUYER_CHANNELS = ("email", "sms")


def quiet_until(now: datetime, timezone: str, start: str, end: str) -> datetime | None:
    """End of the tenant's quiet hours if ``now`` falls inside them (the window may wrap midnight)."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    begin, finish = time.fromisoformat(start), time.fromisoformat(end)
    clock = local.time()
    inside = begin <= clock < finish if begin < finish else (clock >= begin or clock < finish)
    if not inside:
        return None
    day = local.date() if clock < finish else local.date() + timedelta(days=1)
    return datetime.combine(day, finish, tzinfo=zone)


def next_attempt(now: datetime, attempts: int, failure: DeliveryFailed) -> datetime | None:
    """When to try again after ``attempts`` failed tries; None when the notice is dead."""
    if failure.permanent or attempts > len(RETRY_SCHEDULE):
        return None
    wait = max(RETRY_SCHEDULE[attempts - 1], failure.retry_after or 0.0)
    return now + timedelta(seconds=wait)


@dataclass
class DispatchReport:
    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    dead: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)


class Dispatcher(Worker):
    def __init__(
        self,
        pool: asyncpg.Pool,
        client: httpx.AsyncClient,
        settings: Settings,
        clock: Clock,
        vault: PiiVault,
        estimator: Estimator,
        owner: str | None = None,
        tenant_client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(pool, client, clock, vault, owner)
        # Webhooks and desks go to URLs a tenant chose: through the address-checked client (urlguard).
        self.tenant_client = tenant_client or client
        self.settings = settings
        self.estimator = estimator
        self.sms = sms_provider(settings.sms)
        self._semaphore = asyncio.Semaphore(settings.notify.concurrency)

    async def release_unfinished(self) -> int:
        """On shutdown, after the grace period: hand back notices whose delivery did not settle."""
        return await sql.release_unfinished(self.pool, self.owner, self.clock.now())

    async def dispatch_once(self) -> DispatchReport:
        now = self.clock.now()
        async with self.pool.acquire() as conn:
            rows = await sql.claim_due(
                conn, now, self.settings.notify.batch_size, self.settings.notify.lease_seconds, self.owner
            )
        report = DispatchReport(claimed=len(rows))
        await asyncio.gather(*(self._deliver(row, report) for row in rows))
        await self._observe_backlog()
        return report

    async def _observe_backlog(self) -> None:
        pending, oldest = await sql.backlog(self.pool, self.clock.now())
        metrics.OUTBOX_PENDING.set(pending)
        metrics.OUTBOX_OLDEST_PENDING.set(oldest)

    async def _deliver(self, row: asyncpg.Record, report: DispatchReport) -> None:
        async with self._semaphore:
            now = self.clock.now()
            tenant = await tenants_sql.get_tenant(self.pool, row["tenant_id"])
            assert tenant is not None
            if row["channel"] in BUYER_CHANNELS:
                quiet = settings_of(tenant["settings"]).quiet_hours
                until = quiet_until(now, tenant["timezone"], quiet.start, quiet.end)
                if until is not None:
                    await sql.defer(self.pool, row["tenant_id"], row["id"], self.owner, until)
                    report.deferred += 1
                    return
            try:
                await self._send(row, tenant, now)
            except DeliveryFailed as failure:
                await self._failed(row, failure, report)
                return
            await sql.settle(
                self.pool,
                row["tenant_id"],
                row["id"],
                self.owner,
                "delivered",
                row["attempts"] + 1,
                now,
                None,
                self.clock.now(),
            )
            metrics.NOTICES.labels(row["channel"], "delivered").inc()
            report.delivered += 1

    async def _failed(self, row: asyncpg.Record, failure: DeliveryFailed, report: DispatchReport) -> None:
        now = self.clock.now()
        attempts = row["attempts"] + 1
        retry_at = next_attempt(now, attempts, failure)
        status = "pending" if retry_at is not None else "dead"
        await sql.settle(
            self.pool,
            row["tenant_id"],
            row["id"],
            self.owner,
            status,
            attempts,
            retry_at or now,
            failure.detail[:500],
            now,
        )
        metrics.NOTICES.labels(row["channel"], "retrying" if retry_at else "dead").inc()
        log.warning(
            "notice delivery failed",
            extra={
                "notice_id": str(row["id"]),
                "channel": row["channel"],
                "attempt": attempts,
                "detail": failure.detail,
                "dead": retry_at is None,
            },
        )
        report.errors.append(failure.detail)
        if retry_at is None:
            report.dead += 1
        else:
            report.retrying += 1

    async def _send(self, row: asyncpg.Record, tenant: asyncpg.Record, now: datetime) -> None:
        channel = row["channel"]
        if channel == "webhook":
            await self._webhook(row, now)
        elif channel == "desk":
            await self._desk(row, tenant, now)
        else:
            await self._buyer(row, tenant, now)

    async def _webhook(self, row: asyncpg.Record, now: datetime) -> None:
        sub = await subscriptions_sql.signing_target(self.pool, row["tenant_id"], row["subscription_id"])
        if sub is None or sub["deleted_at"] is not None:
            raise DeliveryFailed("webhook: subscription deleted", permanent=True)
        secret = open_secret(self.vault, sub["secret_sealed"], sub["secret_key_id"])
        await deliver_webhook(self.tenant_client, sub["url"], secret, str(row["id"]), await self._with_link(row))

    async def _with_link(self, row: asyncpg.Record) -> dict[str, Any]:
        """The event with the shipment's buyers' page link in its ``data`` (SPEC §11), as it is now: a link
        revoked since the notice was queued is never sent."""
        payload: dict[str, Any] = row["payload"]
        if row["shipment_id"] is None:
            return payload
        generation = await links_sql.link_generation(self.pool, row["tenant_id"], row["shipment_id"])
        if generation is None:
            return payload
        url = tracking_url(self.settings, row["shipment_id"], generation)
        return {**payload, "data": {**payload.get("data", {}), "tracking_url": url}}

    async def _shipment(self, row: asyncpg.Record) -> shipments_sql.ShipmentRow:
        shipment = await shipments_sql.get_shipment(self.pool, row["shipment_id"], [row["tenant_id"]])
        if shipment is None:
            raise DeliveryFailed("shipment no longer exists", permanent=True)
        return shipment

    async def _buyer(self, row: asyncpg.Record, tenant: asyncpg.Record, now: datetime) -> None:
        contact_row = await shipments_sql.buyer_contact(self.pool, row["tenant_id"], row["shipment_id"])
        if contact_row is None or contact_row["buyer_sealed"] is None:
            raise DeliveryFailed("buyer has no contact", permanent=True)
        if contact_row["buyer_opted_out"]:
            raise DeliveryFailed("buyer opted out", permanent=True)
        buyer = self.vault.open(contact_row["buyer_sealed"], contact_row["buyer_key_id"])
        locale = buyer.get("locale") or tenant["locale"]
        shipment = await self._shipment(row)
        answer = await notice_answer(
            self.pool, shipment, tenant, row["payload"].get("data", {}).get("kind"), locale, now, self.estimator
        )
        text = with_link(answer.text, locale, tracking_url(self.settings, shipment.id, shipment.link_generation))
        if row["channel"] == "email":
            if not buyer.get("email"):
                raise DeliveryFailed("buyer has no email", permanent=True)
            message = build_email(
                self.settings.smtp.sender,
                buyer["email"],
                SUBJECTS.get(locale, SUBJECTS["en"]),
                text,
                str(row["id"]),
            )
            await send_email(self.settings.smtp, message)
            return
        if self.sms is None:
            raise DeliveryFailed("sms: TRACKING_SMS__PROVIDER is not set", permanent=True)
        if not buyer.get("phone"):
            raise DeliveryFailed("buyer has no phone", permanent=True)
        await self.sms.send_sms(self.client, buyer["phone"], text, now)

    async def _desk(self, row: asyncpg.Record, tenant: asyncpg.Record, now: datetime) -> None:
        desk: dict[str, Any] | None = (tenant["settings"] or {}).get("desk")
        if not desk:
            raise DeliveryFailed("desk no longer configured", permanent=True)
        credentials = open_credentials(self.vault, desk["credentials"])
        shipment = await self._shipment(row)
        data = row["payload"].get("data", {})
        answer = await notice_answer(
            self.pool, shipment, tenant, data.get("kind"), tenant["locale"], now, self.estimator
        )
        note = DeskNote(
            msg_id=str(row["id"]),
            tenant_id=row["tenant_id"],
            shipment_id=row["shipment_id"],
            subject=f"{data.get('kind', 'incident')}: {shipment.tracking_number}"
            + (f" (order {shipment.order_id})" if shipment.order_id else ""),
            body=desk_body(row["payload"], answer),
            payload={
                **row["payload"],
                "prepared_answer": {"intent": answer.intent.value, "locale": answer.locale, "text": answer.text},
            },
            tags=["tracking-service", str(data.get("kind", "incident"))],
        )
        await DESKS[desk["kind"]](DeskCall(self.tenant_client, desk["base_url"], credentials, self.pool, now), note)
