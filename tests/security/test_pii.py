"""PII sealing with key rotation, the keyed search hash, and masking."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag

from tracking_service.pii import PiiVault, mask_email, mask_name, mask_phone

BUYER = {"name": "张三", "phone": "13812345678", "email": "zhangsan@example.test"}


def test_rows_sealed_with_an_old_key_open_after_rotation() -> None:
    old = PiiVault("key-2025")
    sealed, key_id = old.seal(BUYER), old.key_id
    rotated = PiiVault("key-2026", previous=["key-2025"])
    assert rotated.key_id != key_id
    assert rotated.open(sealed, key_id) == BUYER
    assert rotated.open(rotated.seal(BUYER), rotated.key_id) == BUYER


def test_a_row_cannot_be_opened_without_its_key_or_after_tampering() -> None:
    vault = PiiVault("key-2026")
    sealed = vault.seal(BUYER)
    with pytest.raises(KeyError):
        PiiVault("another").open(sealed, vault.key_id)
    with pytest.raises(InvalidTag):
        vault.open(sealed[:-1] + bytes([sealed[-1] ^ 1]), vault.key_id)
    assert b"13812345678" not in sealed


def test_phone_search_hash_is_keyed() -> None:
    assert PiiVault("a").phone_last4_hash("5678") == PiiVault("a").phone_last4_hash("5678")
    assert PiiVault("a").phone_last4_hash("5678") != PiiVault("b").phone_last4_hash("5678")


@pytest.mark.parametrize(
    ("masker", "raw", "shown"),
    [
        (mask_name, "张三", "张*"),
        (mask_name, "欧阳娜娜", "欧***"),
        (mask_name, "John Smith", "J*** S****"),
        (mask_phone, "13812345678", "138****5678"),
        (mask_phone, "+86 138-1234-5678", "138****5678"),
        (mask_phone, "+1 415 555 0100", "141****0100"),
        (mask_email, "alice@example.com", "a****@example.com"),
    ],
)
def test_masking(masker: object, raw: str, shown: str) -> None:
    assert masker(raw) == shown  # type: ignore[operator]
