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
from tracking_service.notify.errors import DeliveryFailed, send
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


@dataclass(frozen=True)
class DeskCall:
    """One delivery to a tenant's desk: where it is, the opened credentials, and the links table."""

    client: httpx.AsyncClient
    base_url: str
    credentials: dict[str, str]
    conn: asyncpg.Pool
    now: datetime

    async def send(self, peer: str, method: str, url: str, **kwargs: object) -> httpx.Response:
        return await send(peer, self.client, method, url, **kwargs)

    async def link(self, note: DeskNote, desk: str) -> str | None:
        """The desk's ticket / conversation already made for the note's shipment."""
        return await links.get_link(self.conn, note.tenant_id, note.shipment_id, desk)

    async def save_link(self, note: DeskNote, desk: str, external_id: str) -> None:
        await links.save_link(self.conn, note.tenant_id, note.shipment_id, desk, external_id, self.now)


async def zendesk(call: DeskCall, note: DeskNote) -> None:
    headers = {**_zendesk_auth(call.credentials), "Idempotency-Key": note.msg_id}
    base = call.base_url.rstrip("/")
    ticket_id = await call.link(note, "zendesk")
    comment = {"body": note.body, "public": False}
    if ticket_id is not None:
        url = f"{base}/api/v2/tickets/{ticket_id}.json"
        await call.send("zendesk", "PUT", url, json={"ticket": {"comment": comment}}, headers=headers)
        return
    ticket = {"subject": note.subject, "comment": comment, "external_id": str(note.shipment_id), "tags": note.tags}
    response = await call.send(
        "zendesk", "POST", f"{base}/api/v2/tickets.json", json={"ticket": ticket}, headers=headers
    )
    try:
        created = str(response.json()["ticket"]["id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise DeliveryFailed("zendesk: unexpected create-ticket answer") from exc
    await call.save_link(note, "zendesk", created)


async def chatwoot(call: DeskCall, note: DeskNote) -> None:
    headers = {"api_access_token": call.credentials.get("api_access_token", "")}
    account = call.credentials.get("account_id", "")
    base = f"{call.base_url.rstrip('/')}/api/v1/accounts/{account}"
    conversation_id = await call.link(note, "chatwoot")
    if conversation_id is None:
        inbox_id = int(call.credentials.get("inbox_id", "0"))
        contact = {"inbox_id": inbox_id, "name": note.subject, "identifier": str(note.shipment_id)}
        answer = await call.send("chatwoot", "POST", f"{base}/contacts", headers=headers, json=contact)
        try:
            contact_body = answer.json()["payload"]["contact"]
            source_id = contact_body["contact_inboxes"][0]["source_id"]
            opened = {"source_id": source_id, "inbox_id": inbox_id, "contact_id": contact_body["id"]}
            conversation = await call.send("chatwoot", "POST", f"{base}/conversations", headers=headers, json=opened)
            conversation_id = str(conversation.json()["id"])
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise DeliveryFailed("chatwoot: unexpected contact/conversation answer") from exc
        await call.save_link(note, "chatwoot", conversation_id)
    message = {"content": note.body, "message_type": "outgoing", "private": True}
    await call.send(
        "chatwoot", "POST", f"{base}/conversations/{conversation_id}/messages", headers=headers, json=message
    )


async def webhook_desk(call: DeskCall, note: DeskNote) -> None:
    secret = call.credentials.get("secret")
    if not secret:
        raise DeliveryFailed("desk webhook: no `secret` in credentials", permanent=True)
    await deliver_webhook(call.client, call.base_url, secret, note.msg_id, note.payload)


DESKS = {"zendesk": zendesk, "chatwoot": chatwoot, "webhook": webhook_desk}
