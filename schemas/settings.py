"""A tenant's settings (``PUT /v1/tenants/{id}/settings``, SPEC §3, §7 and §11): incident thresholds, quiet hours,
the shop's shipping policy for presale answers, buyer notice channels, the desk connector and the branding of
the buyers' tracking page."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StrictBool

from schemas.api import Strict


def _not_a_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a number, not true/false")
    return value


class Thresholds(Strict):
    stalled_pre_pickup_hours: float = Field(default=48, gt=0, le=24 * 90)
    stalled_in_transit_hours: float = Field(default=72, gt=0, le=24 * 90)
    stalled_cross_border_hours: float = Field(default=120, gt=0, le=24 * 90)
    lost_days: float = Field(default=10, gt=0, le=365)
    lost_cross_border_days: float = Field(default=20, gt=0, le=365)


class QuietHours(Strict):
    start: str = Field(default="22:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    end: str = Field(default="08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class DeskKind(StrEnum):
    ZENDESK = "zendesk"
    CHATWOOT = "chatwoot"
    WEBHOOK = "webhook"


class DeskSettings(Strict):
    kind: DeskKind
    base_url: str = Field(min_length=1, max_length=500, pattern=r"^https?://[^\s@/]+(:\d+)?(/\S*)?$")
    # zendesk: email + api_token (or oauth token); chatwoot: api_access_token, account_id, inbox_id;
    # webhook: secret (whsec_…). Never echoed back.
    credentials: dict[str, str] = Field(default_factory=dict, max_length=10)


class ShippingPolicy(Strict):
    """What presale answers ("多久发货", "发什么快递") may say about the shop's dispatch."""

    carriers: list[Annotated[str, Field(pattern=r"^[a-z0-9_]{2,32}$")]] = Field(
        default_factory=list,
        max_length=10,
        description="carrier or Kuaidi100 com codes the shop ships with, e.g. zhongtong, shunfeng; "
        "empty: the carriers of its recent parcels",
    )
    cutoff: str | None = Field(
        default=None,
        pattern=r"^([01]\d|2[0-3]):[0-5]\d$",
        description="orders paid before this local time ship the same day",
    )
    dispatch_days: Annotated[int, BeforeValidator(_not_a_bool)] | None = Field(
        default=None, ge=0, le=30, description="ships within this many days"
    )
    free_shipping: StrictBool | None = Field(
        default=None, description="包邮: true ships free (above free_shipping_min), false charges; unset: not said"
    )
    free_shipping_min: Annotated[float, BeforeValidator(_not_a_bool)] | None = Field(
        default=None, ge=0, le=1_000_000, description="order total from which shipping is free (满X包邮)"
    )
    no_free_shipping_regions: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(
        default_factory=list, max_length=40, description="regions shipping is never free to, e.g. 新疆, 西藏"
    )
    no_delivery_regions: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(
        default_factory=list, max_length=40, description="regions the shop does not ship to"
    )
    carriers_on_request: list[Annotated[str, Field(pattern=r"^[a-z0-9_]{2,32}$")]] = Field(
        default_factory=list, max_length=10, description="carriers a buyer may ask for (能发顺丰吗)"
    )
    on_request_surcharge: Annotated[float, BeforeValidator(_not_a_bool)] | None = Field(
        default=None, ge=0, le=10_000, description="extra charged for a requested carrier (补差价)"
    )


class Branding(Strict):
    """How the buyers' tracking page shows the shop (SPEC §11). The logo is loaded by the buyer's browser, so it
    must be an https URL of a public host (checked with ``tracking_service.urlguard`` when saved)."""

    display_name: str | None = Field(default=None, min_length=1, max_length=60, pattern=r"^[^<>\x00-\x1f]+$")
    logo_url: str | None = Field(default=None, max_length=500, pattern=r"^https://[^\s\"'<>()\\]+$")
    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$", description="accent colour, #rrggbb")


class TenantSettings(Strict):
    thresholds: Thresholds = Thresholds()
    quiet_hours: QuietHours = QuietHours()
    shipping: ShippingPolicy = ShippingPolicy()
    channels: list[Channel] = Field(default_factory=list, max_length=2, description="buyer notice channels")
    desk: DeskSettings | None = None
    branding: Branding = Branding()
