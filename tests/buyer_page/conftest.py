"""The buyers' page tests reuse the notify suite's real local peers (SMTP, webhook receiver, desks)."""

from __future__ import annotations

from tests.notify.conftest import (  # noqa: F401  (fixtures)
    clock,
    notify_admin,
    notify_service,
    notify_shop,
    peers,
    sms_provider,
)
