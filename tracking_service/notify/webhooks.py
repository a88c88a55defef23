"""Outbound webhooks signed per Standard Webhooks (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``)."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime
from typing import Any

import httpx
from standardwebhooks.webhooks import Webhook

from tracking_service.jsonutil import dumps
from tracking_service.notify.errors import post


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def signed_headers(secret: str, msg_id: str, sent_at: datetime, body: str) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, sent_at, body),
        "Content-Type": "application/json",
    }


async def deliver_webhook(
    client: httpx.AsyncClient, url: str, secret: str, msg_id: str, payload: dict[str, Any]
) -> None:
    """POST one signed event; the id stays the same across retries so the receiver can dedupe.

    The signature's timestamp is the wall-clock send time (receivers reject stale ones), not the
    service's business clock.
    """
    sent_at = datetime.now(UTC)
    body = dumps(payload)
    await post("webhook", client, url, content=body.encode(), headers=signed_headers(secret, msg_id, sent_at, body))
