"""Settings: a carrier configured in part keeps the rest of its defaults."""

from __future__ import annotations

import pytest

from tracking_service.config import Settings


def test_a_carrier_enabled_by_one_env_var_keeps_its_base_url_quota_and_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRACKING_CARRIERS__KUAIDI100__ENABLED", "true")
    monkeypatch.setenv("TRACKING_CARRIERS__DHL__KEY", "dhl-key")
    carriers = Settings().carriers
    assert carriers.kuaidi100.enabled is True
    assert carriers.kuaidi100.base_url == "https://poll.kuaidi100.com"
    assert carriers.kuaidi100.min_interval_seconds == 1800.0
    assert carriers.dhl.daily_quota == 250 and carriers.dhl.rate_per_second == 1.0
    assert carriers.dhl.key is not None and carriers.dhl.key.get_secret_value() == "dhl-key"


def test_a_value_given_wins_over_the_default() -> None:
    carriers = Settings(carriers={"kuaidi100": {"min_interval_seconds": 0, "base_url": "http://127.0.0.1:9"}}).carriers  # type: ignore[arg-type]
    assert carriers.kuaidi100.min_interval_seconds == 0 and carriers.kuaidi100.base_url == "http://127.0.0.1:9"
    assert carriers.kuaidi100.enabled is False
