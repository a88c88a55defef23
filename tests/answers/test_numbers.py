"""Finding tracking numbers in buyer messages."""

from __future__ import annotations

import pytest

from tracking_service.answers.numbers import find_tracking_numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SBX-DELIVERED-0001 到哪了", ["SBX-DELIVERED-0001"]),
        ("单号 SF1234567890123，还有 YT1234567890123", ["SF1234567890123", "YT1234567890123"]),
        ("我电话13812345678，快递75123456789012", ["75123456789012"]),
        ("订单号: 202611240001234 什么时候发货", []),
        ("where is 1Z999AA10123456784?", ["1Z999AA10123456784"]),
        ("EA123456789CN and ea123456789cn", ["EA123456789CN"]),
        ("no numbers here, just words", []),
        ("code ABCDEFGHIJ is not a number", []),
    ],
)
def test_numbers_found_in_order_without_phones_or_order_ids(text: str, expected: list[str]) -> None:
    assert find_tracking_numbers(text) == expected
