"""Carrier auto-detection from tracking-number shapes."""

from __future__ import annotations

import pytest

from carriers.detect import detect


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
