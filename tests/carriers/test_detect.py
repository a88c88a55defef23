"""Carrier auto-detection from tracking-number shapes."""

from __future__ import annotations

import pytest

from carriers.detect import ambiguous, detect


@pytest.mark.parametrize(
    ("number", "best"),
    [
        ("SF1234567890123", ("sf_express", None)),
        ("sf1234567890123", ("sf_express", None)),
        ("YT1234567890123", ("kuaidi100", "yuantong")),
        ("75123456789012", ("kuaidi100", "zhongtong")),
        ("773012345678901", ("kuaidi100", "shentong")),
        ("312345678901234", ("kuaidi100", "yunda")),
        ("JDVA12345678901", ("kuaidi100", "jd")),
        ("EA123456789CN", ("kuaidi100", "ems")),
        ("RR123456789DE", ("seventeentrack", None)),
        ("1Z999AA10123456784", ("easypost", "UPS")),
        ("1234567890", ("dhl", None)),
        ("JJD000390007780311234", ("dhl", None)),
        ("SBX-DELIVERED-0001", ("sandbox", None)),
    ],
)
def test_best_candidate(number: str, best: tuple[str, str | None]) -> None:
    ranked = detect(number)
    assert (ranked[0].carrier, ranked[0].sub_carrier) == best
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)


@pytest.mark.parametrize("number", ["hello", "12345", "!!!", ""])
def test_garbage_has_no_candidates(number: str) -> None:
    assert detect(number) == []


def test_sf_number_offers_the_aggregator_as_second_choice() -> None:
    assert [(c.carrier, c.sub_carrier) for c in detect("SF1234567890123")][:2] == [
        ("sf_express", None),
        ("kuaidi100", "shunfeng"),
    ]


# Realistic numbers of each major Chinese carrier, written before the rules they test
# (formats as the carriers print them on waybills; Kuaidi100 `com` codes as sub-carrier).
CHINESE_NUMBERS = [
    ("73100012345678", ("kuaidi100", "zhongtong")),  # 中通 14 digits
    ("75312345678901", ("kuaidi100", "zhongtong")),
    ("78712345678901", ("kuaidi100", "zhongtong")),
    ("761234567890", ("kuaidi100", "zhongtong")),  # 中通 12 digits
    ("YT7512345678901", ("kuaidi100", "yuantong")),  # 圆通
    ("yt6123456789012", ("kuaidi100", "yuantong")),
    ("773123456789012", ("kuaidi100", "shentong")),  # 申通 15 digits
    ("772012345678901", ("kuaidi100", "shentong")),
    ("4312345678901", ("kuaidi100", "yunda")),  # 韵达 13 digits
    ("4612345678901", ("kuaidi100", "yunda")),
    ("3112345678901", ("kuaidi100", "yunda")),
    ("312345678901234", ("kuaidi100", "yunda")),  # 韵达 15 digits
    ("JT0001234567890", ("kuaidi100", "jtexpress")),  # 极兔
    ("JT5012345678901", ("kuaidi100", "jtexpress")),
    (" jt5012345678901 ", ("kuaidi100", "jtexpress")),
    ("JDVA12345678901", ("kuaidi100", "jd")),  # 京东
    ("JDX012345678901", ("kuaidi100", "jd")),
    ("JD0012345678901", ("kuaidi100", "jd")),
    ("SF1234567890123", ("sf_express", None)),  # 顺丰
    ("SF123456789012", ("sf_express", None)),
    ("1100012345678", ("kuaidi100", "ems")),  # EMS domestic 13 digits
    ("1112345678901", ("kuaidi100", "ems")),
    ("9812345678901", ("kuaidi100", "youzhengguonei")),  # 邮政快递包裹
    ("9712345678901", ("kuaidi100", "youzhengguonei")),
    ("EA123456789CN", ("kuaidi100", "ems")),  # S10 EMS international
    ("EV123456789CN", ("kuaidi100", "ems")),
    ("RR123456789CN", ("kuaidi100", "youzhengguoji")),  # S10 China Post registered
    ("LK123456789CN", ("kuaidi100", "youzhengguoji")),  # S10 e-packet
    ("DPK200012345678", ("kuaidi100", "debangkuaidi")),  # 德邦
    ("DPK301234567890", ("kuaidi100", "debangkuaidi")),
    ("LP00123456789012", ("kuaidi100", "cainiao")),  # 菜鸟
    ("LP00563412789034", ("kuaidi100", "cainiao")),
]


@pytest.mark.parametrize(("number", "best"), CHINESE_NUMBERS)
def test_chinese_carriers_are_detected_with_their_sub_carrier(number: str, best: tuple[str, str | None]) -> None:
    ranked = detect(number)
    assert ranked, f"{number}: no candidate"
    assert (ranked[0].carrier, ranked[0].sub_carrier) == best
    assert not ambiguous(ranked), f"{number}: {ranked[:2]}"


@pytest.mark.parametrize(
    "number",
    [
        "1012345678901",  # 13 digits starting 10: EMS and 韵达 both print these
        "123456789012",  # 12 bare digits: 中通 (old), 顺丰 (old), FedEx
        "ABCD12345678",  # letters + digits nobody documents
    ],
)
def test_numbers_the_local_rules_cannot_settle_are_ambiguous(number: str) -> None:
    assert ambiguous(detect(number))


def test_no_candidates_is_ambiguous() -> None:
    assert ambiguous([])
