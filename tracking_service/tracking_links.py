"""The buyers' page link of a shipment (SPEC §11): ``tracking_url`` = ``TRACKING_PUBLIC_URL`` + ``/t/<token>``.

A token is 32 bytes in unpadded base64url (43 characters): the shipment id (16 bytes) and a 128-bit
HMAC-SHA256 tag over (shipment id, the shipment's ``link_generation``) under a key derived from
``TRACKING_PII_KEY``. Nothing secret is stored: every replica can print the URL into a notice and check a
presented token with one lookup by id, and a copy of the database opens no page. The tag is the
unguessable part (≥ 128 bits); the id only says which row to check it against. Revoking bumps the
generation, so the old token no longer verifies and the shipment gets a new URL. Tokens made under a
previous PII key (``TRACKING_SECURITY__PREVIOUS_PII_KEYS``) still verify after a key rotation, so links in
notices already sent keep working.

HMAC and constant-time comparison as in Python's ``hmac`` documentation (``hmac.compare_digest``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import uuid
from collections.abc import Iterable

from tracking_service.config import Settings

TAG_BYTES = 16
TOKEN_LENGTH = 43  # base64url of 32 bytes, unpadded
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def _key(secret: str) -> bytes:
    return hashlib.sha256(b"tracking-service buyer link\x00" + secret.encode()).digest()


def _tag(key: bytes, shipment_id: uuid.UUID, generation: int) -> bytes:
    message = shipment_id.bytes + generation.to_bytes(8, "big", signed=True)
    return hmac.new(key, message, hashlib.sha256).digest()[:TAG_BYTES]


class LinkKeys:
    """The current key (makes tokens) and the previous ones (still accepted)."""

    def __init__(self, current: str, previous: Iterable[str] = ()) -> None:
        self.current = _key(current)
        self.accepted = (self.current, *(_key(p) for p in previous))

    @classmethod
    def of(cls, settings: Settings) -> LinkKeys:
        return cls(
            settings.pii_key.get_secret_value(), [k.get_secret_value() for k in settings.security.previous_pii_keys]
        )

    def token(self, shipment_id: uuid.UUID, generation: int) -> str:
        raw = shipment_id.bytes + _tag(self.current, shipment_id, generation)
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    def verifies(self, token: str, shipment_id: uuid.UUID, generation: int) -> bool:
        """Whether ``token`` is the live link of this shipment (its current generation)."""
        tag = _decode(token)[16:]
        return any(hmac.compare_digest(tag, _tag(key, shipment_id, generation)) for key in self.accepted)


def _decode(token: str) -> bytes:
    if not _TOKEN.fullmatch(token):
        return b""
    try:
        return base64.urlsafe_b64decode(token + "=")
    except (binascii.Error, ValueError):
        return b""


def shipment_of(token: str) -> uuid.UUID | None:
    """The shipment id a well-formed token names (not yet verified); None for garbage."""
    raw = _decode(token)
    return uuid.UUID(bytes=raw[:16]) if len(raw) == 32 else None


def tracking_url(settings: Settings, shipment_id: uuid.UUID, generation: int) -> str:
    return f"{settings.public_base_url()}/t/{LinkKeys.of(settings).token(shipment_id, generation)}"
