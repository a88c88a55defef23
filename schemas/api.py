"""Request and response models of HTTP API v1 (SPEC §3). The vocabularies they use live in
``schemas.status`` and ``schemas.vocabulary``; they are imported here so API code has one place to look."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
)

from schemas.status import Status, SubStatus
from schemas.vocabulary import ANSWERABLE_INTENTS, IncidentKind, IncidentState, Intent, Locale

TRACKING_NUMBER_MAX = 64
TENANT_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"


def _known_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}: not an IANA time zone") from exc
    return name


def _not_a_number(value: Any) -> Any:
    if isinstance(value, int | float) or (isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+(\.\d*)?\s*", value)):
        raise ValueError("an ISO 8601 date-time, e.g. 2026-12-01T00:00:00+08:00 (not a number)")
    return value


# A date-time written out (ISO 8601): pydantic would read "0.5" as 1970-01-01T00:00:00.5Z.
IsoDateTime = Annotated[datetime, BeforeValidator(_not_a_number)]

# An IANA time zone name (``Asia/Shanghai``), checked against the zone database.
TimeZoneName = Annotated[str, Field(max_length=64), AfterValidator(_known_zone)]


class Strict(BaseModel):
    """Request bodies reject unknown fields so typos are reported, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Reply(BaseModel):
    """Response bodies: the service builds them through these models, and a field the model does not declare
    is an error, so the OpenAPI document and the answers cannot drift apart."""

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def shape(cls, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` as this model has it: an undeclared or mistyped field fails here, not in a client."""
        return cls.model_validate(data).model_dump()


class Role(StrEnum):
    ADMIN = "admin"
    AGENT = "agent"
    SERVICE = "service"


class TenantCreate(Strict):
    id: str = Field(pattern=TENANT_ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    timezone: TimeZoneName = "Asia/Shanghai"
    locale: Locale = Locale.ZH_HANS


class Tenant(BaseModel):
    id: str
    name: str
    timezone: str
    locale: Locale
    created_at: datetime


class KeyCreate(Strict):
    role: Role
    tenants: list[str] = Field(
        default_factory=list, max_length=1000, description="agent and service keys: at least one; admin keys: none"
    )
    name: str | None = Field(default=None, max_length=200)
    expires_at: AwareDatetime | None = Field(default=None, description="in the future; refused (401) from then on")


class ApiKey(Reply):
    """An API key as admins see it: never its secret or its hash."""

    id: str
    prefix: str | None = Field(description="the secret's first characters; null for keys made before prefixes")
    role: Role
    tenants: list[str]
    name: str | None
    created_at: datetime
    last_used_at: datetime | None = Field(description="to the minute")
    expires_at: datetime | None
    revoked_at: datetime | None


class KeyCreated(ApiKey):
    key: str = Field(description="The secret, shown once.")


class KeySearch(Strict):
    role: Role | None = None
    tenant: str | None = Field(default=None, pattern=TENANT_ID_PATTERN, description="keys that name this tenant")
    cursor: str | None = Field(default=None, max_length=512)
    limit: int = Field(default=50, ge=1, le=200)


class Place(Strict):
    country: str | None = Field(default=None, max_length=2, min_length=2, description="ISO 3166-1 alpha-2")
    region: str | None = Field(default=None, max_length=100)
    city: str | None = Field(default=None, max_length=100)


class Buyer(Strict):
    name: str | None = Field(default=None, max_length=200)
    opt_out: bool = Field(default=False, description="the buyer asked for no notices")
    phone: str | None = Field(default=None, max_length=32, pattern=r"^\+?[0-9 \-]{4,32}$")
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    locale: Locale = Locale.ZH_HANS


class ShipmentCreate(Strict):
    tracking_number: str = Field(min_length=1, max_length=TRACKING_NUMBER_MAX, pattern=r"^[A-Za-z0-9_\-]+$")
    carrier: str | None = Field(default=None, max_length=32)
    tenant: str | None = Field(default=None, max_length=63)
    sub_carrier: str | None = Field(default=None, max_length=32)
    order_id: str | None = Field(default=None, max_length=128)
    promised_delivery_at: datetime | None = None
    linked_shipment_id: UUID | None = None
    origin: Place | None = None
    destination: Place | None = None
    buyer: Buyer | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class ShipmentPatch(Strict):
    """``PATCH /v1/shipments/{id}``: only the fields sent change; ``null`` clears one."""

    order_id: str | None = Field(default=None, max_length=128)
    promised_delivery_at: datetime | None = None
    buyer: Buyer | None = None
    metadata: dict[str, Any] | None = None
    destination: Place | None = None


class Event(Reply):
    occurred_at: datetime
    status: Status
    sub_status: SubStatus | None
    description: str
    location: str | None
    carrier_code: str
    source: str


class EstimatedDelivery(Reply):
    at: datetime | None
    source: str | None = Field(description="carrier | model | promised")


class MaskedBuyer(Reply):
    name: str | None
    phone: str | None
    email: str | None
    locale: Locale


class Shipment(Reply):
    id: str
    tenant: str
    carrier: str
    sub_carrier: str | None
    tracking_number: str
    order_id: str | None
    status: Status
    sub_status: SubStatus | None
    last_event: Event | None
    estimated_delivery: EstimatedDelivery
    promised_delivery_at: datetime | None
    linked_shipment_id: str | None
    origin: dict[str, Any] | None
    destination: dict[str, Any] | None
    open_incidents: list[dict[str, Any]]
    buyer: MaskedBuyer | None
    metadata: dict[str, Any]
    next_poll_at: datetime | None
    created_at: datetime
    updated_at: datetime
    stopped_at: datetime | None = Field(description="set by DELETE: tracking stopped, no more polls or notices")
    tracking_url: str | None = Field(
        default=None, description="the buyers' tracking page: TRACKING_PUBLIC_URL + /t/<token> (SPEC §11)"
    )


class Page(BaseModel):
    items: list[Any]
    next_cursor: str | None


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None


BATCH_MAX = 1000


class ShipmentBatch(Strict):
    """``POST /v1/shipments/batch``: each item is a ``ShipmentCreate`` body, validated on its own so one bad
    item is reported in its result instead of refusing the batch."""

    items: list[dict[str, Any]] = Field(min_length=1, max_length=BATCH_MAX)


class BatchResult(Reply):
    index: int
    status: int = Field(description="201 registered, 200 already registered, 4xx refused (see error)")
    shipment: Shipment | None = None
    error: Problem | None = None


class BatchResults(Reply):
    results: list[BatchResult]
    created: int
    existing: int
    failed: int


class ShipmentSearch(Strict):
    tracking_number: str | None = Field(default=None, max_length=TRACKING_NUMBER_MAX)
    order_id: str | None = Field(default=None, max_length=128)
    phone_last4: str | None = Field(default=None, pattern=r"^\d{4}$")
    status: Status | None = None
    carrier: str | None = Field(default=None, max_length=32)
    tenant: str | None = Field(default=None, max_length=63)
    incident: IncidentKind | None = None
    cursor: str | None = Field(default=None, max_length=512)
    limit: int = Field(default=50, ge=1, le=200)


class PageQuery(Strict):
    cursor: str | None = Field(default=None, max_length=512)
    limit: int = Field(default=50, ge=1, le=200)


class TenantPage(PageQuery):
    tenant: str | None = Field(default=None, max_length=63)


class IncidentSearch(Strict):
    status: IncidentState | None = None
    kind: IncidentKind | None = None
    carrier: str | None = Field(default=None, max_length=32)
    tenant: str | None = Field(default=None, max_length=63)
    cursor: str | None = Field(default=None, max_length=512)
    limit: int = Field(default=50, ge=1, le=200)


class IncidentNote(Strict):
    note: str | None = Field(default=None, max_length=2000)


class Incident(Reply):
    id: str
    tenant: str
    shipment_id: str
    carrier: str
    kind: IncidentKind
    status: IncidentState
    facts: dict[str, Any]
    opened_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    resolution: str | None
    note: str | None


class EstimateQuery(Strict):
    carrier: str = Field(min_length=1, max_length=32)
    origin: str | None = Field(default=None, max_length=200, description="country[/region[/city]], e.g. CN/浙江/杭州")
    destination: str | None = Field(default=None, max_length=200)
    tenant: str | None = Field(default=None, max_length=63)


class EventType(StrEnum):
    SHIPMENT_STATUS_CHANGED = "shipment.status_changed"
    INCIDENT_OPENED = "incident.opened"
    INCIDENT_RESOLVED = "incident.resolved"
    CLAIM_UPDATED = "claim.updated"


class SubscriptionCreate(Strict):
    url: str = Field(min_length=8, max_length=2000)
    events: list[EventType] = Field(min_length=1, max_length=10)
    tenant: str | None = Field(default=None, max_length=63)


class Subscription(Reply):
    id: str
    tenant: str
    url: str
    events: list[EventType]
    created_at: datetime
    secret: str | None = Field(default=None, description="whsec_… secret; shown only when created")


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


class DeliverySearch(Strict):
    status: DeliveryStatus | None = None
    tenant: str | None = Field(default=None, max_length=63)
    cursor: str | None = Field(default=None, max_length=512)
    limit: int = Field(default=50, ge=1, le=200)


class AnswerQuery(Strict):
    intent: Annotated[Intent, WithJsonSchema({"type": "string", "enum": [i.value for i in ANSWERABLE_INTENTS]})]

    @field_validator("intent")
    @classmethod
    def _answerable(cls, intent: Intent) -> Intent:
        if intent not in ANSWERABLE_INTENTS:
            raise ValueError(f"no answer is prepared for intent {intent.value!r}")
        return intent

    locale: Locale | None = None


class AnswerRequest(Strict):
    text: str = Field(min_length=1, max_length=4000)
    tenant: str | None = Field(default=None, max_length=63)
    locale: Locale | None = None
    shipment_id: UUID | None = Field(default=None, description="answer about this parcel (the desk already knows it)")


class AuditQuery(Strict):
    key_id: UUID | None = None
    cursor: str | None = Field(default=None, max_length=512)
    limit: int = Field(default=50, ge=1, le=200)


class StatsQuery(Strict):
    from_: IsoDateTime | None = Field(default=None, alias="from")
    to: IsoDateTime | None = None
    tenant: str | None = Field(default=None, max_length=63)
    timezone: TimeZoneName = "Asia/Shanghai"
