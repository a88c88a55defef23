"""Migrations: numbered, applied once, idempotent."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from tests.conftest import with_database
from tracking_service.db.events import ensure_event_partitions
from tracking_service.db.migrate import migrate, migration_files


async def test_migrating_an_empty_database_twice_is_a_no_op(server_dsn: str) -> None:
    admin = await asyncpg.connect(server_dsn)
    await admin.execute("DROP DATABASE IF EXISTS tracking_migrate_twice WITH (FORCE)")
    await admin.execute("CREATE DATABASE tracking_migrate_twice")
    conn = await asyncpg.connect(with_database(server_dsn, "tracking_migrate_twice"))
    try:
        first = await migrate(conn)
        tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        second = await migrate(conn)
        tables_after = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    finally:
        await conn.close()
        await admin.execute("DROP DATABASE tracking_migrate_twice WITH (FORCE)")
        await admin.close()
    assert first == [number for number, _, _ in migration_files()]
    assert second == []
    assert tables == tables_after
    assert {"tenants", "api_keys", "shipments", "events", "schema_migrations"} <= {r["tablename"] for r in tables}


# Cross-tenant reference tables (Citus: reference tables); every other table is distributed by tenant_id.
REFERENCE_TABLES = {
    "tenants",
    "api_keys",
    "console_sessions",
    "schema_migrations",
    "carrier_rate",
    "carrier_quota",
    "carrier_number_calls",
}


async def test_every_tenant_table_leads_every_unique_key_with_tenant_id(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        """
        SELECT t.relname AS tbl, i.indexrelid::regclass::text AS idx, a.attname AS first_col
        FROM pg_index i
        JOIN pg_class t ON t.oid = i.indrelid
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE i.indisunique AND t.relnamespace = 'public'::regnamespace AND t.relkind IN ('r', 'p')
          AND NOT t.relispartition
        """
    )
    tables = {r["tbl"] for r in rows} - REFERENCE_TABLES
    assert {"shipments", "events", "incidents", "outbox", "claims", "audit_log", "subscriptions"} <= tables
    wrong = [(r["tbl"], r["idx"], r["first_col"]) for r in rows if r["tbl"] in tables and r["first_col"] != "tenant_id"]
    assert wrong == []


async def test_events_are_partitioned_by_month(conn: asyncpg.Connection) -> None:
    parts = await conn.fetchval("SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass")
    assert parts >= 13


async def test_event_partitions_are_created_ahead_and_receive_their_month(conn: asyncpg.Connection) -> None:
    now = datetime(2027, 12, 15, tzinfo=UTC)
    assert await ensure_event_partitions(conn, now) == ["events_2028_01", "events_2028_02", "events_2028_03"]
    assert await ensure_event_partitions(conn, now) == []
    await conn.execute(
        "INSERT INTO events (tenant_id, shipment_id, occurred_at, dedupe_key, status, description, carrier_code,"
        " source, received_at) VALUES ('t', gen_random_uuid(), '2028-02-10T08:00:00Z', '\\x00', 'in_transit', 'x',"
        " 'X', 'poll', now())"
    )
    assert await conn.fetchval("SELECT tableoid::regclass::text FROM events") == "events_2028_02"
