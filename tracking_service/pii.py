"""Buyer PII: sealed at rest with AES-GCM, searchable by a keyed hash, masked for display."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def _derive(secret: str) -> tuple[str, bytes]:
    key = hashlib.sha256(b"tracking-service pii v1\x00" + secret.encode()).digest()
    key_id = hashlib.sha256(key).hexdigest()[:12]
    return key_id, key


class PiiVault:
    """Seals buyer data with the current key; opens rows sealed by any known key (rotation)."""

    def __init__(self, current: str, previous: list[str] | None = None) -> None:
        self.key_id, self._key = _derive(current)
        self._keys = {self.key_id: self._key}
        for secret in previous or []:
            key_id, key = _derive(secret)
            self._keys[key_id] = key
        self._search_key = hashlib.sha256(b"tracking-service search v1\x00" + current.encode()).digest()

    def seal(self, data: dict[str, Any]) -> bytes:
        nonce = os.urandom(12)
        return nonce + AESGCM(self._key).encrypt(nonce, json.dumps(data).encode(), self.key_id.encode())

    def open(self, sealed: bytes, key_id: str) -> dict[str, Any]:
        key = self._keys[key_id]
        plain = AESGCM(key).decrypt(sealed[:12], sealed[12:], key_id.encode())
        result: dict[str, Any] = json.loads(plain)
        return result

    def phone_last4_hash(self, last4: str) -> bytes:
        return hmac.new(self._search_key, b"phone_last4:" + last4.encode(), hashlib.sha256).digest()[:16]


def phone_last4(phone: str | None) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-4:] if len(digits) >= 4 else None


def mask_name(name: str | None) -> str | None:
    """``张三`` → ``张*``; ``John Smith`` → ``J*** S****``."""
    if not name:
        return name
    if " " in name.strip():
        return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split())
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str | None) -> str | None:
    """``13812345678`` → ``138****5678``."""
    if not phone:
        return phone
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 13 and digits.startswith("86"):  # +86 mainland mobile
        digits = digits[2:]
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) < 8:
        return "*" * (len(digits) - 4) + digits[-4:]
    return digits[:3] + "****" + digits[-4:]


def mask_email(email: str | None) -> str | None:
    """``alice@example.com`` → ``a****@example.com``."""
    if not email or "@" not in email:
        return email
    local, _, domain = email.partition("@")
    return local[0] + "****@" + domain


def mask_buyer(buyer: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": mask_name(buyer.get("name")),
        "phone": mask_phone(buyer.get("phone")),
        "email": mask_email(buyer.get("email")),
        "locale": buyer.get("locale", "zh-Hans"),
    }


def seal_credentials(vault: PiiVault, credentials: dict[str, str]) -> dict[str, str]:
    """Integration secrets as stored in tenant settings: sealed, with the key id for rotation."""
    return {"sealed": base64.b64encode(vault.seal(credentials)).decode(), "key_id": vault.key_id}


def seal_secret(vault: PiiVault, secret: str) -> tuple[bytes, str]:
    """A signing secret as stored: sealed, with the key id for rotation."""
    return vault.seal({"secret": secret}), vault.key_id


def open_secret(vault: PiiVault, sealed: bytes, key_id: str) -> str:
    return str(vault.open(sealed, key_id)["secret"])


def open_credentials(vault: PiiVault, stored: dict[str, str]) -> dict[str, str]:
    return {str(k): str(v) for k, v in vault.open(base64.b64decode(stored["sealed"]), stored["key_id"]).items()}
