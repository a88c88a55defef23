"""Connection pool and the embedded PostgreSQL used when no DSN is configured."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import asyncpg
import orjson

from schemas import TERMINAL_STATUSES
from tracking_service.jsonutil import dumps


def sql_values(values: frozenset[str] | tuple[str, ...]) -> str:
    """A vocabulary (never input) as an SQL list literal, so statements quote ``schemas`` instead of
    restating it: ``sql_values({"a", "b"})`` → ``('a', 'b')``."""
    assert all(v.replace("_", "").isalnum() for v in values), values
    return "(" + ", ".join(f"'{v}'" for v in sorted(values)) + ")"


TERMINAL_SQL = sql_values(frozenset(s.value for s in TERMINAL_STATUSES))

log = logging.getLogger(__name__)

_embedded: dict[Path, Any] = {}


def embedded_dsn(data_dir: Path) -> str:
    """Start (once per process) the ``pgserver`` PostgreSQL under ``data_dir/pg`` and return its DSN."""
    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset (containers, CI) and falls back to /tmp: harmless.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
        import pgserver  # imported lazily: only needed without a configured DSN

    path = (data_dir / "pg").resolve()
    if path not in _embedded:
        path.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
            _embedded[path] = pgserver.get_server(str(path), cleanup_mode="stop")  # type: ignore[attr-defined]
        log.info("embedded postgresql started", extra={"data_dir": str(path)})
    uri: str = _embedded[path].get_uri()
    return uri


def resolve_dsn(database_url: str | None, data_dir: Path) -> str:
    return database_url or embedded_dsn(data_dir)


async def fetch_row(conn: asyncpg.Connection | asyncpg.Pool, query: str, *args: object) -> asyncpg.Record | None:
    """``fetchrow`` with its type: the row, or None."""
    row: asyncpg.Record | None = await conn.fetchrow(query, *args)
    return row


async def fetch_rows(conn: asyncpg.Connection | asyncpg.Pool, query: str, *args: object) -> list[asyncpg.Record]:
    """``fetch`` with its type."""
    rows: list[asyncpg.Record] = await conn.fetch(query, *args)
    return rows


def columns(items: Sequence[Any], *fields: str | int) -> list[list[Any]]:
    """The items column by column, as ``unnest($1::text[], …)`` takes them. A field names an attribute of
    an object, a key of a mapping, or a position in a tuple."""

    def get(item: Any, name: str | int) -> Any:
        return item[name] if isinstance(name, int) or isinstance(item, Mapping) else getattr(item, name)

    return [[get(item, name) for item in items] for name in fields]


def encode_json(value: Any) -> str:
    return dumps(value)


async def init_connection(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("jsonb", encoder=encode_json, decoder=orjson.loads, schema="pg_catalog")
    await conn.set_type_codec("json", encoder=encode_json, decoder=orjson.loads, schema="pg_catalog")


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Pool release hook replacing asyncpg's default ``RESET ALL; UNLISTEN *; …`` round trip.

    asyncpg still rolls back a transaction left open; the service sets no session state, LISTENs nowhere and
    holds advisory locks only inside ``migrate`` (released there), so there is nothing else to reset.
    """


async def create_pool(dsn: str, min_size: int = 2, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn, min_size=min_size, max_size=max_size, init=init_connection, reset=_keep_session
    )
    assert pool is not None
    return pool
