"""Keys and the demo shop that ``serve`` ensures exist (for compose/k8s and ``make run``)."""

from __future__ import annotations

import logging
from datetime import datetime

import asyncpg

from tracking_service.auth import hash_key, key_prefix
from tracking_service.config import Settings
from tracking_service.db import keys as keys_sql
from tracking_service.db import tenants as tenants_sql

log = logging.getLogger(__name__)

DEMO_TENANT = "demo"


async def ensure_bootstrap(conn: asyncpg.Connection, settings: Settings, now: datetime) -> None:
    if settings.bootstrap_admin_key is not None:
        secret = settings.bootstrap_admin_key.get_secret_value()
        await keys_sql.insert_key(conn, hash_key(secret), key_prefix(secret), "admin", [], "bootstrap admin", now)
    if settings.demo:
        await tenants_sql.insert_tenant(conn, DEMO_TENANT, "Demo Shop 演示店铺", "Asia/Shanghai", "zh-Hans", now)
        if settings.demo_key is not None:
            secret = settings.demo_key.get_secret_value()
            await keys_sql.insert_key(
                conn, hash_key(secret), key_prefix(secret), "agent", [DEMO_TENANT], "demo agent", now
            )
