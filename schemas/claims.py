"""Request models of claims (SPEC §8): kinds, states, opening, listing and moving a claim."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from pydantic import Field

from schemas.api import Strict, TenantPage


class ClaimKind(StrEnum):
    DAMAGED = "damaged"
    LOST = "lost"
    NOT_RECEIVED = "not_received"


class ClaimState(StrEnum):
    OPEN = "open"
    EVIDENCE_REQUESTED = "evidence_requested"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"
    CLOSED = "closed"


class ClaimSearch(TenantPage):
    status: ClaimState | None = None
    kind: ClaimKind | None = None


class Money(Strict):
    value: float = Field(ge=0, le=10_000_000)
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class ClaimCreate(Strict):
    shipment_id: UUID
    kind: ClaimKind
    description: str = Field(min_length=1, max_length=4000)
    amount: Money | None = None
    evidence: list[str] = Field(default_factory=list, max_length=20)


class ClaimTransition(Strict):
    to: ClaimState
    note: str | None = Field(default=None, max_length=2000)
