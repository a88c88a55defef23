"""What the background workers (poller, push subscriber, notice dispatcher) share: the tools every one holds,
its name in leases, and the counts of one batch."""

from __future__ import annotations

import socket
import uuid
from dataclasses import dataclass, field

import asyncpg
import httpx

from tracking_service.clock import Clock
from tracking_service.pii import PiiVault


def worker_name() -> str:
    """A name unique to this process, written into the leases it takes (host plus a random suffix)."""
    return f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"


class Worker:
    """A background worker: the pool, the outbound HTTP client, the clock, the PII vault and its lease name."""

    def __init__(
        self, pool: asyncpg.Pool, client: httpx.AsyncClient, clock: Clock, vault: PiiVault, owner: str | None = None
    ) -> None:
        self.pool = pool
        self.client = client
        self.clock = clock
        self.vault = vault
        self.owner = owner or worker_name()


@dataclass
class BatchReport:
    """What one batch of carrier calls did: rows claimed, calls made, errors by carrier error type."""

    claimed: int = 0
    calls: int = 0
    errors: dict[str, int] = field(default_factory=dict)
