"""The console's CSV import, the job half: a parsed file waits in memory (per console session, 30 minutes)
while the page registers it ``CHUNK_ROWS`` at a time through ``register_shipments``, so it can show real
progress; a chunk's refusals become row errors, good rows land regardless."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from tracking_service.auth import Principal
from tracking_service.console.csv_import import ParsedRow, RowError, refusal_text
from tracking_service.services import Services
from tracking_service.usecases.errors import UseCaseError
from tracking_service.usecases.shipments import register_shipments

CHUNK_ROWS = 200
JOB_LIFETIME = timedelta(minutes=30)
JOBS_PER_SESSION = 3  # a session's older parsed files are dropped: at most ~3 × 20,000 rows held per agent


@dataclass(slots=True)
class ImportJob:
    id: str
    session: str  # the console session it belongs to (its CSRF token, which is per session)
    expires_at: datetime
    items: list[ParsedRow | RowError]
    position: int = 0
    created: int = 0
    existing: int = 0
    errors: list[RowError] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def finished(self) -> bool:
        return self.position >= len(self.items)

    def progress(self, errors: list[RowError]) -> dict[str, Any]:
        """The job's counts so far, with ``errors`` (a chunk's, or all of them)."""
        return {
            "done": self.position,
            "total": self.total,
            "finished": self.finished,
            "created": self.created,
            "existing": self.existing,
            "failed": len(self.errors),
            "errors": [{"row": e.row, "tracking_number": e.tracking_number, "message": e.message} for e in errors],
        }


class ImportJobs:
    """Parsed files waiting to be registered, by random id; only their own session finds them."""

    def __init__(self) -> None:
        self._jobs: dict[str, ImportJob] = {}

    def add(self, session: str, items: list[ParsedRow | RowError], now: datetime) -> ImportJob:
        self._expire(now)
        mine = sorted((j for j in self._jobs.values() if j.session == session), key=lambda j: j.expires_at)
        for old in mine[: max(0, len(mine) - JOBS_PER_SESSION + 1)]:
            del self._jobs[old.id]
        job = ImportJob(secrets.token_urlsafe(16), session, now + JOB_LIFETIME, items)
        self._jobs[job.id] = job
        return job

    def get(self, session: str, job_id: str, now: datetime) -> ImportJob | None:
        self._expire(now)
        job = self._jobs.get(job_id)
        return job if job is not None and secrets.compare_digest(job.session, session) else None

    def _expire(self, now: datetime) -> None:
        for job_id in [j.id for j in self._jobs.values() if j.expires_at <= now]:
            del self._jobs[job_id]


IMPORT_JOBS = web.AppKey("console_import_jobs", ImportJobs)


async def import_next_chunk(svc: Services, principal: Principal, job: ImportJob) -> list[RowError]:
    """Register the job's next ``CHUNK_ROWS`` rows; the chunk's row errors (parse errors and refusals), in
    file order. Two calls at once take one chunk each."""
    async with job.lock:
        chunk = job.items[job.position : job.position + CHUNK_ROWS]
        parsed = [item for item in chunk if isinstance(item, ParsedRow)]
        errors = [item for item in chunk if isinstance(item, RowError)]
        outcomes = await register_shipments(svc, principal, [item.body for item in parsed])
        for item, outcome in zip(parsed, outcomes, strict=True):
            if isinstance(outcome, UseCaseError):
                errors.append(RowError(item.row, item.body.tracking_number, refusal_text(outcome)))
            elif outcome.created:
                job.created += 1
            else:
                job.existing += 1
        errors.sort(key=lambda e: e.row)
        job.errors.extend(errors)
        job.position += len(chunk)
        return errors
