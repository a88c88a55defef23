"""Desk connectors: the desk gets the incident, its facts and the prepared answer before the buyer writes.

- ``zendesk``: creates a ticket (``external_id`` = shipment id, internal note) or adds an internal note
  to the shipment's ticket; ``Idempotency-Key`` = outbox id; honours 429 Retry-After.
- ``chatwoot``: a contact + conversation per shipment, then a private message.
- ``webhook``: the same payload, signed per Standard Webhooks with the desk secret.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
import httpx

from tracking_service.db import desk as links
from tracking_service.notify.errors import DeliveryFailed, post, send
from tracking_service.notify.webhooks import deliver_webhook


@dataclass(frozen=True)
class DeskNote:
    """What the desk receives about one incident."""

    msg_id: str
    tenant_id: str
    shipment_id: Any
    subject: str
    body: str  # facts + prepared answer, plain text
    payload: dict[str, Any]  # the structured event, for webhook desks
    tags: list[str]


def _zendesk_auth(credentials: dict[str, str]) -> dict[str, str]:
    if "oauth_token" in credentials:
        return {"Authorization": f"Bearer {credentials['oauth_token']}"}
    token = base64.b64encode(f"{credentials.get('email', '')}/token:{credentials.get('api_token', '')}".encode())
    return {"Authorization": f"Basic {token.decode()}"}


async def zendesk(
    client: httpx.AsyncClient,
    base_url: str,
    credentials: dict[str, str],
    note: DeskNote,
    conn: asyncpg.Pool,
    now: datetime,
) -> None:
    headers = {**_zendesk_auth(credentials), "Idempotency-Key": note.msg_id}
    base = base_url.rstrip("/")
    ticket_id = await links.get_link(conn, note.tenant_id, note.shipment_id, "zendesk")
    comment = {"body": note.body, "public": False}
    if ticket_id is not None:
        await send(
            "zendesk",
            client,
            "PUT",
            f"{base}/api/v2/tickets/{ticket_id}.json",
            json={"ticket": {"comment": comment}},
            headers=headers,
        )
        return
    ticket = {"subject": note.subject, "comment": comment, "external_id": str(note.shipment_id), "tags": note.tags}
    response = await post("zendesk", client, f"{base}/api/v2/tickets.json", json={"ticket": ticket}, headers=headers)
    try:
        created = str(response.json()["ticket"]["id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise DeliveryFailed("zendesk: unexpected create-ticket answer") from exc
    await links.save_link(conn, note.tenant_id, note.shipment_id, "zendesk", created, now)


async def chatwoot(
    client: httpx.AsyncClient,
    base_url: str,
    credentials: dict[str, str],
    note: DeskNote,
    conn: asyncpg.Pool,
    now: datetime,
) -> None:
    headers = {"api_access_token": credentials.get("api_access_token", "")}
    account = credentials.get("account_id", "")
    base = f"{base_url.rstrip('/')}/api/v1/accounts/{account}"
    conversation_id = await links.get_link(conn, note.tenant_id, note.shipment_id, "chatwoot")
    if conversation_id is None:
        inbox_id = int(credentials.get("inbox_id", "0"))
        contact = await post(
            "chatwoot",
            client,
            f"{base}/contacts",
            headers=headers,
            json={"inbox_id": inbox_id, "name": note.subject, "identifier": str(note.shipment_id)},
        )
        try:
            contact_body = contact.json()["payload"]["contact"]
            source_id = contact_body["contact_inboxes"][0]["source_id"]
            conversation = await post(
                "chatwoot",
                client,
                f"{base}/conversations",
                headers=headers,
                json={"source_id": source_id, "inbox_id": inbox_id, "contact_id": contact_body["id"]},
            )
            conversation_id = str(conversation.json()["id"])
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise DeliveryFailed("chatwoot: unexpected contact/conversation answer") from exc
        await links.save_link(conn, note.tenant_id, note.shipment_id, "chatwoot", conversation_id, now)
    await post(
        "chatwoot",
        client,
        f"{base}/conversations/{conversation_id}/messages",
        headers=headers,
        json={"content": note.body, "message_type": "outgoing", "private": True},
    )


async def webhook_desk(
    client: httpx.AsyncClient,
    base_url: str,
    credentials: dict[str, str],
    note: DeskNote,
    conn: asyncpg.Pool,
    now: datetime,
) -> None:
    secret = credentials.get("secret")
    if not secret:
        raise DeliveryFailed("desk webhook: no `secret` in credentials", permanent=True)
    await deliver_webhook(client, base_url, secret, note.msg_id, note.payload)


DESKS = {"zendesk": zendesk, "chatwoot": chatwoot, "webhook": webhook_desk}
