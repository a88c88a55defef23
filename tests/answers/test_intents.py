"""Intent and script detection: a regression check on the labelled (training) set, accuracy on a held-out set.

``tracking_service/answers/data/messages.jsonl`` is what the rules were tuned on and the classifier is trained
on, so figures on it say only that the detector still fits its own training data. Accuracy is measured on
``tests/answers/data/held_out.jsonl``: buyer messages (zh-Hans, zh-Hant from Taiwan and Hong Kong, English)
written blind from the labelled set's intent definitions, committed before the detector was run on them, and
never trained on (``test_the_held_out_set_shares_no_message_with_the_training_data``). Its misses have been read
and the rules tuned on them (issue 15, third session), so it is a regression check now; the blind figures are
the sealed rounds' in ``test_rounds``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest

from tracking_service.answers import classifier
from tracking_service.answers.classifier import labelled_messages
from tracking_service.answers.context import Intent
from tracking_service.answers.intents import detect_intent, detect_script, normalise

# The first 166 messages were written alongside the rules; the rest were written in blind rounds, each
# measured before the rules saw it, then kept here, where the rules and the classifier learn from them.
MESSAGES = labelled_messages()
HELD_OUT = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "held_out.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
SCRIPTS = ("zh-Hans", "zh-Hant", "en")

# Floors a few points below the first-sight figures on the held-out set (164 messages, measured once, right
# after the set was committed, with no label changed afterwards):
#   intent: 84.1% overall (138/164); zh-Hans 87.8% (86/98), zh-Hant 69.7% (23/33), en 87.9% (29/33);
#           where_is_my_parcel 17/20, when_will_it_arrive 13/20, not_received 14/20, damaged 17/20,
#           change_address 19/20, return_status 19/20, shipping_time 15/20, unknown 24/24
#   script: 100% overall and per script
# The per-intent floors allow one message fewer than measured: without them, dropping a whole rule group
# (not_received: 14/20 → 10/20) stays above the overall floor, the classifier covering part of it.
# Raise a floor when the detector gets better on these messages; never tune the detector on them.
# Issue 15 (clause reading, Cantonese/Taiwan rewrites, naive Bayes in place of scikit-learn): 146/164 (89.0%);
# zh-Hans 86/98, zh-Hant 30/33, en 30/33; where 18/20, when 15/20, not_received 18/20, damaged 19/20,
# change 20/20, return 19/20, shipping_time 13/20 (was 15/20: the scikit-learn fallback caught two presale
# messages the naive Bayes model is not sure about), unknown 24/24.
HELD_OUT_INTENT_FLOOR = 0.86
HELD_OUT_INTENT_FLOOR_BY_SCRIPT = {"zh-Hans": 0.85, "zh-Hant": 0.87, "en": 0.87}
HELD_OUT_INTENT_FLOOR_BY_INTENT = {
    Intent.WHERE_IS_MY_PARCEL: 0.85,
    Intent.WHEN_WILL_IT_ARRIVE: 0.70,
    Intent.NOT_RECEIVED: 0.85,
    Intent.DAMAGED: 0.90,
    Intent.CHANGE_ADDRESS: 0.95,
    Intent.RETURN_STATUS: 0.90,
    Intent.SHIPPING_TIME: 0.60,
    Intent.UNKNOWN: 0.95,
}
HELD_OUT_SCRIPT_FLOOR = 0.96
HELD_OUT_SCRIPT_FLOOR_BY_SCRIPT = {"zh-Hans": 0.93, "zh-Hant": 0.93, "en": 0.93}


def _same_message(text: str) -> str:
    """``normalise``, then without punctuation, spaces and emoji: a message told apart only by those is the same."""
    return re.sub(r"[\W_]+", "", normalise(text))


def test_the_labelled_set_is_large_and_covers_every_intent_and_script() -> None:
    assert len(MESSAGES) >= 150
    assert {m["intent"] for m in MESSAGES} == {i.value for i in Intent}
    per_script = Counter(m["script"] for m in MESSAGES)
    assert per_script["zh-Hans"] >= 60 and per_script["zh-Hant"] >= 20 and per_script["en"] >= 30


def test_training_data_still_fits_regression_check() -> None:
    """Not an accuracy figure: the rules were tuned on these messages and the classifier learns them. A drop
    here means a change broke what the detector already knew; accuracy is the held-out tests' business."""
    wrong = [
        (m["text"], m["intent"], detect_intent(m["text"]).value)
        for m in MESSAGES
        if detect_intent(m["text"]).value != m["intent"]
    ]
    fit = 1 - len(wrong) / len(MESSAGES)
    print(f"training-data fit {fit:.1%} on {len(MESSAGES)} messages; wrong: {wrong}")
    assert fit >= 0.95, wrong


def test_training_data_script_regression_check() -> None:
    wrong = [(m["text"], m["script"]) for m in MESSAGES if detect_script(m["text"]) != m["script"]]
    fit = 1 - len(wrong) / len(MESSAGES)
    print(f"training-data script fit {fit:.1%} on {len(MESSAGES)} messages")
    assert fit >= 0.95, wrong


def test_the_held_out_set_is_large_and_covers_every_intent_and_script() -> None:
    assert len(HELD_OUT) >= 150
    assert all(set(m) == {"text", "intent", "script"} for m in HELD_OUT)
    assert {m["intent"] for m in HELD_OUT} == {i.value for i in Intent}
    per_script = Counter(m["script"] for m in HELD_OUT)
    assert set(per_script) == set(SCRIPTS)
    assert per_script["zh-Hans"] >= 0.55 * len(HELD_OUT)
    assert per_script["zh-Hant"] >= 0.18 * len(HELD_OUT) and per_script["en"] >= 0.18 * len(HELD_OUT)
    assert len({_same_message(m["text"]) for m in HELD_OUT}) == len(HELD_OUT), "the held-out set repeats itself"


def test_the_held_out_set_shares_no_message_with_the_training_data() -> None:
    """Train or tune on a held-out message (copy it into messages.jsonl) and this fails."""
    trained = {_same_message(m["text"]) for m in MESSAGES} | {normalise(m["text"]) for m in MESSAGES}
    shared = [m["text"] for m in HELD_OUT if normalise(m["text"]) in trained or _same_message(m["text"]) in trained]
    assert not shared, f"held-out messages in the training data: {shared}"


def _accuracy(hits: list[bool]) -> float:
    return sum(hits) / len(hits)


def test_held_out_intent_accuracy_is_at_least_its_floor() -> None:
    results = [(m, detect_intent(m["text"]).value) for m in HELD_OUT]
    overall = _accuracy([got == m["intent"] for m, got in results])
    by_script = {s: _accuracy([got == m["intent"] for m, got in results if m["script"] == s]) for s in SCRIPTS}
    by_intent = {i.value: _accuracy([got == m["intent"] for m, got in results if m["intent"] == i]) for i in Intent}
    wrong = [(m["script"], m["intent"], got, m["text"]) for m, got in results if got != m["intent"]]
    print(f"held-out intent accuracy {overall:.1%}; by script {by_script}; by intent {by_intent}; wrong: {wrong}")
    assert overall >= HELD_OUT_INTENT_FLOOR, (overall, wrong)
    for script, floor in HELD_OUT_INTENT_FLOOR_BY_SCRIPT.items():
        assert by_script[script] >= floor, (script, by_script[script], [w for w in wrong if w[0] == script])
    assert set(HELD_OUT_INTENT_FLOOR_BY_INTENT) == set(Intent)
    for intent, floor in HELD_OUT_INTENT_FLOOR_BY_INTENT.items():
        assert by_intent[intent.value] >= floor, (
            intent.value,
            by_intent[intent.value],
            [w for w in wrong if w[1] == intent],
        )


def test_held_out_script_accuracy_is_at_least_its_floor() -> None:
    results = [(m, detect_script(m["text"])) for m in HELD_OUT]
    overall = _accuracy([got == m["script"] for m, got in results])
    by_script = {s: _accuracy([got == m["script"] for m, got in results if m["script"] == s]) for s in SCRIPTS}
    wrong = [(m["script"], got, m["text"]) for m, got in results if got != m["script"]]
    print(f"held-out script accuracy {overall:.1%}; by script {by_script}")
    assert overall >= HELD_OUT_SCRIPT_FLOOR, wrong
    for script, floor in HELD_OUT_SCRIPT_FLOOR_BY_SCRIPT.items():
        assert by_script[script] >= floor, (script, by_script[script], wrong)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("快递被退回了？我没要退啊，到哪了", Intent.WHERE_IS_MY_PARCEL),  # carrier returning unasked
        ("我把退货寄回了，到哪了", Intent.RETURN_STATUS),  # buyer's own return
        ("显示签收了，打开发现包裹破了", Intent.DAMAGED),  # the buyer has it, broken
        ("这件衣服有M码吗 SF1234567890123", Intent.UNKNOWN),
    ],
)
def test_rule_order_edge_cases(text: str, intent: Intent) -> None:
    assert detect_intent(text) is intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("东西有点问题，外箱扁了", Intent.DAMAGED),
        ("my order never turned up here", Intent.WHERE_IS_MY_PARCEL),
    ],
)
def test_messages_no_rule_fits_get_the_classifiers_sure_guess(text: str, intent: Intent) -> None:
    with mock.patch.object(classifier, "guess", return_value=("unknown", 1.0)):
        assert detect_intent(text) is Intent.UNKNOWN  # the rules alone do not know it
    assert detect_intent(text) is intent


@pytest.mark.parametrize("text", ["这个多少钱一斤", "今天天气不错", "what's taking so long"])
def test_an_unsure_or_off_topic_guess_stays_unknown(text: str) -> None:
    label, probability = classifier.guess(normalise(text))
    assert label == "unknown" or probability < classifier.THRESHOLD
    assert detect_intent(text) is Intent.UNKNOWN


def test_the_classifier_is_not_asked_when_a_rule_fits() -> None:
    with mock.patch.object(classifier, "guess", side_effect=AssertionError("consulted")):
        assert detect_intent("我的快递到哪了") is Intent.WHERE_IS_MY_PARCEL
