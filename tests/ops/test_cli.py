"""The one CLI entry point, run as a subprocess against a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import asyncpg

from tests.conftest import ROOT
from tests.keys_at_rest import assert_is_hash_of, assert_plaintext_nowhere


def _cli(db_dsn: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRACKING_DATABASE_URL": db_dsn, "TRACKING_LOG_LEVEL": "WARNING"}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tracking_service", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_migrate_tenants_and_keys_from_the_command_line(db_dsn: str) -> None:
    migrated = _cli(db_dsn, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert json.loads(migrated.stdout)["applied"] == []  # the test database is already migrated
    tenant = _cli(db_dsn, "tenants", "create", "--id", "cli-shop", "--name", "CLI 店铺")
    assert tenant.returncode == 0, tenant.stderr
    assert json.loads(tenant.stdout) == {"id": "cli-shop", "name": "CLI 店铺"}
    assert _cli(db_dsn, "tenants", "create", "--id", "cli-shop", "--name", "again").returncode == 1
    key = _cli(db_dsn, "keys", "create", "--role", "agent", "--tenant", "cli-shop")
    assert key.returncode == 0, key.stderr
    secret = json.loads(key.stdout)["key"]
    assert _cli(db_dsn, "keys", "create", "--role", "agent", "--tenant", "nope").returncode == 1
    assert _cli(db_dsn, "keys", "create", "--role", "admin", "--tenant", "cli-shop").returncode == 2
    conn = await asyncpg.connect(db_dsn)
    try:
        keys = await conn.fetch("SELECT role, tenant_ids, key_hash FROM api_keys")
        assert [(k["role"], k["tenant_ids"]) for k in keys] == [("agent", ["cli-shop"])]
        assert_is_hash_of(keys[0]["key_hash"], secret)
        await assert_plaintext_nowhere(conn, secret)
    finally:
        await conn.close()


def test_poll_once_with_nothing_due_reports_zero(db_dsn: str) -> None:
    result = _cli(db_dsn, "poll-once")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["claimed"] == 0
