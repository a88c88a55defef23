"""Finding tracking numbers in buyer messages."""

from __future__ import annotations

import pytest

from tracking_service.answers.numbers import find_order_ids, find_tracking_numbers


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


def test_order_ids_are_found_after_a_prefix_or_by_their_digits() -> None:
    assert find_order_ids("订单号TB-1001的快递到哪了") == ["TB-1001"]
    assert find_order_ids("order #A77-2") == ["A77-2"]
    assert find_order_ids("3891234567890123456 这单还没到") == ["3891234567890123456"]
    assert find_order_ids("打我电话13812345678") == []
    assert find_order_ids("我的快递到哪了") == []
