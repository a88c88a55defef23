"""Every contract code has a human label in every locale; zh-Hant labels are Taiwan traditional text."""

from __future__ import annotations

import opencc
import pytest

from schemas.claims import ClaimKind, ClaimState
from schemas.status import Status, SubStatus
from schemas.vocabulary import LOCALES, IncidentKind, IncidentState, Intent
from tracking_service.labels import KINDS, label, labels

_ENUMS = {
    "status": Status,
    "sub_status": SubStatus,
    "intent": Intent,
    "incident": IncidentKind,
    "incident_state": IncidentState,
    "claim": ClaimKind,
    "claim_state": ClaimState,
}
_S2TWP = opencc.OpenCC("s2twp")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("locale", LOCALES)
def test_every_code_has_a_label(kind: str, locale: str) -> None:
    for code in _ENUMS[kind]:
        word = label(kind, code, locale)
        assert word and word != code.value, (kind, code, locale)
    assert set(labels(locale)[kind]) == {code.value for code in _ENUMS[kind]}


@pytest.mark.parametrize("kind", KINDS)
def test_zh_hant_is_traditional_and_english_has_no_chinese(kind: str) -> None:
    for code in _ENUMS[kind]:
        hant = label(kind, code, "zh-Hant")
        assert _S2TWP.convert(hant) == hant, (code, hant)
        assert all(ord(ch) < 0x2E80 for ch in label(kind, code, "en")), code


def test_unknown_code_is_shown_as_itself() -> None:
    assert label("status", "teleported", "en") == "teleported"
    assert label("status", None) == ""
    assert label("status", Status.DELIVERED) == "已签收"
