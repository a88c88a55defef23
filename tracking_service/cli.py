"""``python -m tracking_service serve|migrate|tenants create|keys create|poll-once``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence

import asyncpg
from aiohttp import web

from schemas.api import Role, TenantCreate
from schemas.vocabulary import Locale
from tracking_service.app import create_app
from tracking_service.auth import generate_key, hash_key, key_prefix
from tracking_service.clock import SystemClock
from tracking_service.config import Settings
from tracking_service.db import create_pool, migrate, resolve_dsn
from tracking_service.db import keys as keys_sql
from tracking_service.db import tenants as tenants_sql
from tracking_service.logging_setup import configure_logging
from tracking_service.retention import purge_pii


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tracking_service")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="migrate, then serve HTTP and run the poller")
    sub.add_parser("migrate", help="apply pending SQL migrations")
    sub.add_parser("poll-once", help="claim and poll one batch of due shipments")
    sub.add_parser("purge", help="remove buyer PII of parcels delivered/returned more than retention_days ago")
    tenants = sub.add_parser("tenants").add_subparsers(dest="action", required=True)
    create_tenant = tenants.add_parser("create")
    create_tenant.add_argument("--id", required=True)
    create_tenant.add_argument("--name", required=True)
    create_tenant.add_argument("--timezone", default="Asia/Shanghai")
    create_tenant.add_argument("--locale", default="zh-Hans", choices=[loc.value for loc in Locale])
    keys = sub.add_parser("keys").add_subparsers(dest="action", required=True)
    create_key = keys.add_parser("create")
    create_key.add_argument("--role", required=True, choices=[r.value for r in Role])
    create_key.add_argument("--tenant", action="append", default=[], help="repeat for several tenants")
    return parser


async def _with_db(settings: Settings, action):  # type: ignore[no-untyped-def]
    dsn = await asyncio.to_thread(resolve_dsn, settings.database_url, settings.data_dir)
    pool = await create_pool(dsn, 1, 2)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
            return await action(conn, pool)
    finally:
        await pool.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_level)
    clock = SystemClock()
    if args.command == "serve":
        app = create_app(settings)
        base = f"http://{settings.http.host}:{settings.http.port}"
        print(f"tracking-service on {base}/  (agent console: {base}/console/)", flush=True)
        if settings.demo and settings.demo_key is not None:
            print(f"demo shop 'demo', agent API key: {settings.demo_key.get_secret_value()}", flush=True)
        web.run_app(app, host=settings.http.host, port=settings.http.port, print=None)
        return 0
    if args.command == "migrate":
        applied = asyncio.run(_migrate(settings))
        print(json.dumps({"applied": applied}))
        return 0
    if args.command == "tenants":
        body = TenantCreate(id=args.id, name=args.name, timezone=args.timezone, locale=Locale(args.locale))

        async def create_tenant(conn, pool):  # type: ignore[no-untyped-def]
            return await tenants_sql.insert_tenant(
                conn, body.id, body.name, body.timezone, body.locale.value, clock.now()
            )

        row = asyncio.run(_with_db(settings, create_tenant))
        if row is None:
            print(f"tenant {args.id!r} already exists", file=sys.stderr)
            return 1
        print(json.dumps({"id": row["id"], "name": row["name"]}, ensure_ascii=False))
        return 0
    if args.command == "keys":
        if args.role != "admin" and not args.tenant:
            print("agent and service keys need --tenant", file=sys.stderr)
            return 2
        if args.role == "admin" and args.tenant:
            print("admin keys see every tenant: leave out --tenant", file=sys.stderr)
            return 2
        secret = generate_key()

        async def create_key(conn, pool):  # type: ignore[no-untyped-def]
            missing = set(args.tenant) - await tenants_sql.existing_tenants(conn, args.tenant)
            if missing:
                return missing
            return await keys_sql.insert_key(
                conn, hash_key(secret), key_prefix(secret), args.role, sorted(set(args.tenant)), None, clock.now()
            )

        result = asyncio.run(_with_db(settings, create_key))
        if isinstance(result, set):
            print(f"unknown tenants: {', '.join(sorted(result))}", file=sys.stderr)
            return 1
        print(json.dumps({"id": str(result), "key": secret, "role": args.role, "tenants": args.tenant}))
        return 0
    if args.command == "purge":

        async def purge(conn, pool):  # type: ignore[no-untyped-def]
            return await purge_pii(conn, clock.now(), settings.security.retention_days)

        print(json.dumps({"purged_shipments": asyncio.run(_with_db(settings, purge))}))
        return 0
    if args.command == "poll-once":
        report = asyncio.run(_poll_once(settings))
        print(json.dumps(report))
        return 0
    return 2


async def _migrate(settings: Settings) -> list[int]:
    dsn = await asyncio.to_thread(resolve_dsn, settings.database_url, settings.data_dir)
    conn = await asyncpg.connect(dsn)
    try:
        return await migrate(conn)
    finally:
        await conn.close()


async def _poll_once(settings: Settings) -> dict[str, object]:
    app = create_app(settings, run_scheduler=False)
    runner = web.AppRunner(app)
    await runner.setup()  # runs the cleanup contexts: pool, adapters, poller
    try:
        from tracking_service.services import SERVICES

        poller = app[SERVICES].poller
        assert poller is not None
        report = await poller.poll_once()
        return {
            "claimed": report.claimed,
            "calls": report.calls,
            "events_new": report.events_inserted,
            "status_changes": report.changes,
            "errors": report.errors,
        }
    finally:
        await runner.cleanup()
