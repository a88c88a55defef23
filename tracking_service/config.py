"""All settings, from one pydantic-settings object (env prefix ``TRACKING_``, nesting ``__``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from carriers.base import CarrierConfig


class HttpSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)


class PollingSettings(BaseModel):
    enabled: bool = True
    tick_seconds: float = Field(default=2.0, gt=0)
    batch_size: int = Field(default=200, ge=1, le=5000)
    lease_seconds: int = Field(default=120, ge=5)
    request_timeout_seconds: float = Field(default=10.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    retry_base_seconds: float = Field(default=0.2, ge=0)
    retry_max_wait_seconds: float = Field(default=5.0, ge=0)
    circuit_failure_threshold: int = Field(default=5, ge=1)
    circuit_cooldown_seconds: float = Field(default=60.0, gt=0)
    give_up_after_hours: float = Field(
        default=120.0, gt=0, description="NOT_FOUND this long after registration → expired"
    )
    safety_net_hours: float = Field(
        default=24.0, gt=0, description="a parcel the carrier pushes is still polled at most this often"
    )
    subscribe_tick_seconds: float = Field(default=2.0, gt=0, description="tick of the carrier-subscription job")
    subscribe_batch_size: int = Field(default=400, ge=1, le=5000)


class IncidentSettings(BaseModel):
    sweep_seconds: float = Field(default=60.0, gt=0, description="tick of the time-driven incident sweep")
    sweep_batch_size: int = Field(default=500, ge=1, le=10000)
    min_lane_samples: int = Field(default=20, ge=1, description="deliveries a lane needs before it estimates")


class NotifySettings(BaseModel):
    enabled: bool = True
    tick_seconds: float = Field(default=2.0, gt=0)
    batch_size: int = Field(default=100, ge=1, le=5000)
    concurrency: int = Field(default=8, ge=1, le=128)
    lease_seconds: float = Field(default=120.0, ge=5)
    request_timeout_seconds: float = Field(default=10.0, gt=0)


class SmtpSettings(BaseModel):
    host: str | None = Field(default=None, description="unset: email notices are dead-lettered with a clear error")
    port: int = Field(default=25, ge=1, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    sender: str = "Parcel updates <tracking@localhost>"
    start_tls: bool = False
    use_tls: bool = False
    timeout_seconds: float = Field(default=10.0, gt=0)


class SmsSettings(BaseModel):
    provider: Literal["aliyun", "twilio"] | None = None
    base_url: str = ""
    access_key_id: str | None = None  # aliyun
    access_key_secret: SecretStr | None = None  # aliyun
    sign_name: str | None = None  # aliyun
    template_code: str | None = None  # aliyun
    account_sid: str | None = None  # twilio
    auth_token: SecretStr | None = None  # twilio
    from_number: str | None = None  # twilio


class ClaimSettings(BaseModel):
    # Days a carrier accepts a claim: damaged / not_received count from delivery, lost from pickup.
    windows: dict[str, dict[str, int]] = {
        "default": {"damaged": 7, "lost": 30, "not_received": 7},
        "sf_express": {"damaged": 7, "lost": 30, "not_received": 7},
        "dhl": {"damaged": 30, "lost": 60, "not_received": 30},
    }


class SecuritySettings(BaseModel):
    rate_limit_per_second: float = Field(
        default=50.0, gt=0, description="per API key, per replica: with N replicas a key gets at most N x this"
    )
    rate_limit_burst: int = Field(default=100, ge=1)
    key_cache_seconds: float = Field(
        default=5.0, ge=0, description="a key revoked in the database stops working within this; 0 = no cache"
    )
    retention_days: int = Field(default=90, ge=1, description="buyer PII of delivered/returned parcels is purged after")
    previous_pii_keys: list[SecretStr] = Field(default_factory=list, description="old TRACKING_PII_KEY values")
    lookups_per_minute: int = Field(
        default=10, ge=1, le=1000, description="GET /track tries (order id + phone last 4) a minute per client address"
    )


_HOST_SOURCE = re.compile(r"https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?/?")


class DeskAppsSettings(BaseModel):
    """The ``/apps/`` pages agents open inside Chatwoot and Zendesk (tracking_service.desk_apps)."""

    frame_ancestors: list[str] = Field(
        default_factory=lambda: ["https://*.zendesk.com", "https://app.chatwoot.com"],
        description="origins that may frame the desk apps (CSP frame-ancestors), beside the service itself; "
        "/apps/chatwoot?shop=<tenant> also lets that shop's own Chatwoot (its desk base_url) frame it",
    )
    zaf_sdk_url: str = Field(
        default="https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js",
        description="Zendesk's ZAF SDK, loaded only when Zendesk opens the page (its origin/app_guid parameters)",
    )

    @field_validator("frame_ancestors")
    @classmethod
    def _origins(cls, values: list[str]) -> list[str]:
        """Each entry is a CSP host source (``https://*.zendesk.com``, ``http://127.0.0.1:3000``): nothing that
        could end the directive or add another."""
        for value in values:
            if not _HOST_SOURCE.fullmatch(value):
                raise ValueError(f"not an origin for frame-ancestors: {value!r}")
        return [value.rstrip("/") for value in values]


class CarrierSettings(BaseModel):
    enabled: bool = True
    base_url: str = ""
    key: SecretStr | None = None
    secret: SecretStr | None = None
    customer: str | None = None
    partner_id: str | None = None
    check_word: SecretStr | None = None
    concurrency: int = Field(default=4, ge=1, le=64)
    rate_per_second: float = Field(default=10.0, gt=0, description="shared by every replica (PostgreSQL)")
    rate_burst: int = Field(default=1, ge=1, description="calls allowed back to back before the rate applies")
    daily_quota: int | None = Field(default=None, ge=1, description="calls per UTC day, shared by every replica")
    min_interval_seconds: float = Field(
        default=0.0, ge=0, description="least time between two queries of one number (Kuaidi100: 1800)"
    )

    def adapter_config(self, default_base_url: str = "") -> CarrierConfig:
        def reveal(value: SecretStr | None) -> str | None:
            return value.get_secret_value() if value is not None else None

        return CarrierConfig(
            base_url=self.base_url or default_base_url,
            key=reveal(self.key),
            secret=reveal(self.secret),
            customer=self.customer,
            partner_id=self.partner_id,
            check_word=reveal(self.check_word),
        )


class CarriersSettings(BaseModel):
    sandbox: CarrierSettings = CarrierSettings(concurrency=8, rate_per_second=200.0, rate_burst=50)
    kuaidi100: CarrierSettings = CarrierSettings(
        enabled=False, base_url="https://poll.kuaidi100.com", min_interval_seconds=1800.0
    )
    seventeentrack: CarrierSettings = CarrierSettings(
        enabled=False, base_url="https://api.17track.net", rate_per_second=3.0
    )
    dhl: CarrierSettings = CarrierSettings(
        enabled=False, base_url="https://api-eu.dhl.com", rate_per_second=1.0, daily_quota=250
    )
    sf_express: CarrierSettings = CarrierSettings(enabled=False, base_url="https://bspgw.sf-express.com")
    easypost: CarrierSettings = CarrierSettings(enabled=False, base_url="https://api.easypost.com")

    @model_validator(mode="before")
    @classmethod
    def _keep_carrier_defaults(cls, data: Any) -> Any:
        """A carrier configured in part (``TRACKING_CARRIERS__DHL__KEY=…``, a config dict) keeps the rest of
        its defaults: its base URL, DHL's 250 calls a day, Kuaidi100's 30 minutes between queries."""
        if not isinstance(data, dict):
            return data
        merged = dict(data)
        for name, field in cls.model_fields.items():
            given = data.get(name)
            if isinstance(given, dict) and isinstance(field.default, CarrierSettings):
                merged[name] = {**field.default.model_dump(exclude_unset=True), **given}
        return merged


class Settings(BaseSettings):
    """The service's settings; built once in the app factory / CLI."""

    model_config = SettingsConfigDict(env_prefix="TRACKING_", env_nested_delimiter="__", extra="ignore")

    database_url: str | None = Field(default=None, description="asyncpg DSN; unset → embedded PostgreSQL")
    data_dir: Path = Path(".tracking-data")
    db_pool_min: int = Field(default=2, ge=1)
    db_pool_max: int = Field(default=10, ge=1)
    sandbox: bool = False
    demo: bool = Field(default=False, description="ensure a demo shop and the demo key on serve")
    demo_key: SecretStr | None = None
    bootstrap_admin_key: SecretStr | None = None
    pii_key: SecretStr = SecretStr("dev-only-pii-key-change-me")
    public_url: str | None = Field(
        default=None, description="base URL carriers and buyers reach the service at; unset → http://<host>:<port>"
    )
    allow_private_urls: bool = Field(
        default=False,
        description="let tenant URLs (webhooks, desk base_url) use http and private/loopback addresses: "
        "development and tests only (tracking_service.urlguard)",
    )
    log_level: str = "INFO"
    http: HttpSettings = HttpSettings()
    polling: PollingSettings = PollingSettings()
    incidents: IncidentSettings = IncidentSettings()
    notify: NotifySettings = NotifySettings()
    smtp: SmtpSettings = SmtpSettings()
    sms: SmsSettings = SmsSettings()
    claims: ClaimSettings = ClaimSettings()
    security: SecuritySettings = SecuritySettings()
    carriers: CarriersSettings = CarriersSettings()
    desk_apps: DeskAppsSettings = DeskAppsSettings()

    def carrier_settings(self) -> dict[str, CarrierSettings]:
        """Settings of every carrier, sandbox only when the sandbox is on."""
        table = {name: getattr(self.carriers, name) for name in CarriersSettings.model_fields}
        if not self.sandbox:
            table.pop("sandbox")
        return table

    def public_base_url(self) -> str:
        return (self.public_url or self.sandbox_base_url()).rstrip("/")

    def sandbox_base_url(self) -> str:
        host = "127.0.0.1" if self.http.host in ("0.0.0.0", "::") else self.http.host  # noqa: S104
        return f"http://{host}:{self.http.port}"
