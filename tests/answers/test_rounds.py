"""Accuracy on the issue-15 blind rounds (``tests/answers/data``), per script.

All three sets were written before the detector was run on them and committed first (a9fb136, a09b0dd):
- ``dev_round`` (200): measured first sight (zh-Hans 70/80, zh-Hant 46/60, en 54/60), then the rules,
  normalisation and clause reading were improved on it, and it joined the classifier's training data;
  its floors are a regression check, not an accuracy figure.
- ``sealed_round`` (197): first sight zh-Hans 61/70, zh-Hant 54/67, en 53/60 (85.3%); measured once more
  after the work, never read while tuning: zh-Hans 65/70 (92.9%), zh-Hant 65/67 (97.0%), en 58/60 (96.7%),
  188/197 (95.4%). Not trained on (``test_the_sealed_round_is_not_trained_on``).
- ``two_questions`` (60): ordered ``intents`` lists; first sight 4/60 exact (the one intent), after 60/60.
Floors sit a message or two below the measured figures; raise them when the detector gets better on
these messages, never tune the detector on the sealed round.
"""

from __future__ import annotations

import re

import pytest

from tests.answers.rounds import SCRIPTS, load, per_script, readings, wanted
from tracking_service.answers.classifier import labelled_messages

FLOORS = {
    "dev_round": {"zh-Hans": 0.96, "zh-Hant": 0.96, "en": 0.96},
    "sealed_round": {"zh-Hans": 0.90, "zh-Hant": 0.94, "en": 0.93},
}
TWO_QUESTION_FLOOR = {"zh-Hans": 0.95, "zh-Hant": 0.95, "en": 0.93}


def _key(text: str) -> str:
    """The text without punctuation, spaces and case. Not normalised: "運費幾多" reads as the trained "运费多少"
    once Cantonese is rewritten, but a buyer wrote it and it was never trained on."""
    return re.sub(r"[\W_]+", "", text.lower())


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_primary_intent_accuracy_per_script_is_at_least_its_floor(name: str) -> None:
    rows = load(name)
    got = readings(rows)
    scores = per_script(rows, lambda r: got[str(r["text"])][0] == wanted(r)[0])
    print(name, scores)
    for script in SCRIPTS:
        right, total = scores[script]
        assert total >= 60, (name, script, total)
        assert right / total >= FLOORS[name][script], (name, script, f"{right}/{total}")


def test_two_question_messages_list_every_question_in_order() -> None:
    rows = load("two_questions")
    got = readings(rows)
    exact = per_script(rows, lambda r: got[str(r["text"])] == wanted(r))
    primary = per_script(rows, lambda r: got[str(r["text"])][0] == wanted(r)[0])
    print("exact", exact, "primary", primary)
    for script in SCRIPTS:
        right, total = exact[script]
        assert right / total >= TWO_QUESTION_FLOOR[script], (script, f"{right}/{total}")
        assert primary[script][0] / primary[script][1] >= TWO_QUESTION_FLOOR[script], script
    assert sum(len(wanted(r)) > 1 for r in rows) >= 55


def test_the_sealed_round_is_not_trained_on() -> None:
    trained = {_key(m["text"]) for m in labelled_messages()}
    shared = [r["text"] for r in load("sealed_round") if _key(str(r["text"])) in trained]
    assert not shared, shared
    assert {_key(str(r["text"])) for r in load("dev_round")} <= trained  # the dev round is
