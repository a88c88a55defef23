"""Accuracy on the issue-15 blind rounds (``tests/answers/data``), per script.

All three sets were written before the detector was run on them and committed first (a9fb136, a09b0dd):
- ``dev_round`` (200): measured first sight (zh-Hans 70/80, zh-Hant 46/60, en 54/60), then the rules,
  normalisation and clause reading were improved on it, and it joined the classifier's training data;
  its floors are a regression check, not an accuracy figure.
- ``sealed_round`` (197): first sight zh-Hans 61/70, zh-Hant 54/67, en 53/60 (85.3%); measured once more
  after the work, never read while tuning: zh-Hans 65/70 (92.9%), zh-Hant 65/67 (97.0%), en 58/60 (96.7%),
  188/197 (95.4%). Not trained on (``test_the_sealed_round_is_not_trained_on``).
- ``two_questions`` (60): ordered ``intents`` lists; first sight 4/60 exact (the one intent), after 60/60.
  Three rows were relabelled [when, where] (a delay complaint next to a time question: SPEC §7 puts the
  time question first).
- ``round3_dev`` (247) and ``round3_sealed`` (248): two more writers who saw neither the detector nor any
  earlier round (710584d). First sight: dev zh-Hans 93/99, zh-Hant 71/78, en 63/70 (91.9%);
  sealed zh-Hans 83/100, zh-Hant 67/79, en 60/69 (84.7%).
- ``round4_dev`` (231) and ``round4_sealed`` (235): two more blind writers, leaning to hurried phone typing,
  older buyers, pasted tracking text and English as a second language (d1e7781). First sight, after the
  round-3 work: dev zh-Hans 83/93, zh-Hant 62/71, en 63/67 (90.0%); sealed zh-Hans 89/95, zh-Hant 68/75,
  en 58/65 (91.5%).
- ``round5_dev`` (223, Taiwan and Hong Kong heavy) and ``round6_dev`` (234, keyword traps and long messages),
  blind writers again. First sight: round5 zh-Hans 54/55, zh-Hant 114/118, en 48/50 (96.9%); round6 zh-Hans
  88/100, zh-Hant 63/67, en 53/67 (87.2%).
- ``round7_dev`` (242, hurried/older/pasted/second-language/angry buyers) and ``round8_dev`` (229, everyday
  shoppers, a third keyword traps), blind writers, measured first sight after the round-3..6 work:
  round7 zh-Hans 96/100, zh-Hant 73/75, en 64/67 (96.3%); round8 zh-Hans 90/94, zh-Hant 70/72, en 60/63 (96.1%).
- ``round9_dev`` (242: en 110 mostly second-language, zh-Hant 81, zh-Hans 51), first sight after the round-8
  work: zh-Hans 50/51, zh-Hant 79/81, en 97/110 (93.4%).
- ``round10_dev`` (160) and ``round11_dev`` (155): English written as a second language only (two writers:
  South/Southeast Asian and African English; Chinese, Vietnamese, Thai, Arabic, Spanish, Portuguese, Russian,
  Korean speakers). First sight after some second-language work: 132/160 (82.5%) and 132/155 (85.2%). On them,
  with the rules as they were before (first sight), a classifier with English word features that overrules the
  rules' first intent when ≥ 0.8 sure gained 13 messages; on round9_dev (rules of 8ae0be6) 3. So English has
  the overrule (``intents._overruled``); Chinese, where it lost as often as it gained, does not.
The dev rounds were worked on and joined the classifier's training data; the sealed rounds were not read.
Messages already in the training data were then taken out of the sealed rounds (2 and 7, of 248 and 235).
The three sealed rounds measured once after the work (8ae0be6): sealed_round zh-Hans 68/70, zh-Hant 66/67,
en 59/60 (98.0%); round3_sealed zh-Hans 95/99, zh-Hant 75/79, en 62/68 (94.3%); round4_sealed zh-Hans 91/92,
zh-Hant 74/75, en 59/61 (98.2%). round3_sealed's writer quoted about 25 of its messages in a report that was
read, so round4_sealed (nothing quoted) is the cleanest of them.
- ``round5_sealed`` (242: en 108 mostly second-language, zh-Hant 82, zh-Hans 52; its writer glimpsed a few lines
  of the round5_dev writer's generator), measured once after the round-9 work (b75d01b): zh-Hans 50/52,
  zh-Hant 79/82, en 94/108 (87.0%) — English written as a second language is below the 95% goal.
- ``round6_sealed`` (159, English as a second language only), committed before the round-10/11 work.
- All sealed rounds measured again after the round-10/11 work (d11fe1e; round6_sealed for the first time):
  sealed_round 68/70, 66/67, 58/60; round3_sealed 95/99, 76/79, 65/68; round4_sealed 90/92, 74/75, 60/61;
  round5_sealed 50/52, 80/82, 101/108; round6_sealed en 145/159 (91.2%).
- ``round12_dev`` (156) and ``round13_dev`` (157, short/hurried/translated), English as a second language,
  first sight 143/156 (91.7%) and 138/157 (87.9%); the English overrule gained 9 on them (281 vs 272).
- ``round7_sealed`` (156, English as a second language): first sight 146/156 (93.6%).
- Final, after the round-12/13 work: sealed_round 68/70, 66/67, 58/60; round3_sealed 95/99, 76/79, 65/68;
  round4_sealed 90/92, 74/75, 60/61; round5_sealed 50/52, 80/82, 103/108; round6_sealed en 148/159 (93.1%);
  round7_sealed en 149/156 (95.5%). Pooled over the six sealed rounds: zh-Hans 303/313 (96.8%), zh-Hant
  296/303 (97.7%), en 583/612 (95.3%).
- ``round14_dev`` (209, all scripts) first sight zh-Hans 82/85, zh-Hant 67/68, en 54/56 (97.1%); ``round15_dev``
  (156, second-language English) 145/156 (92.9%).
- ``round8_sealed`` (219, all scripts), measured once, at the end (e180dee): zh-Hans 88/92 (95.7%), zh-Hant
  70/71 (98.6%), en 54/56 (96.4%). The other sealed rounds at that commit: sealed_round 68/70, 66/67, 58/60;
  round3 95/99, 76/79, 66/68; round4 90/92, 74/75, 60/61; round5 50/52, 79/82, 102/108; round6 en 149/159;
  round7 en 148/156. Pooled over the seven: zh-Hans 391/405 (96.5%), zh-Hant 365/374 (97.6%), en 637/668
  (95.4%).
Floors sit a message or two below the measured figures; raise them when the detector gets better on
these messages, never tune the detector on a sealed round.
"""

from __future__ import annotations

import re

import pytest

from tests.answers.rounds import SCRIPTS, load, per_script, readings, wanted
from tracking_service.answers.classifier import labelled_messages

DEV_ROUNDS = ("dev_round", *(f"round{n}_dev" for n in range(3, 16)))
SEALED_ROUNDS = ("sealed_round", *(f"round{n}_sealed" for n in range(3, 9)))
FLOORS = {
    # the dev rounds were worked on: a regression check, not an accuracy figure
    **{name: {"zh-Hans": 0.96, "zh-Hant": 0.96, "en": 0.96} for name in (*DEV_ROUNDS[:8], "round14_dev")},
    **{name: {"en": 0.96} for name in (*DEV_ROUNDS[8:12], "round15_dev")},  # English only
    "sealed_round": {"zh-Hans": 0.95, "zh-Hant": 0.97, "en": 0.95},
    "round3_sealed": {"zh-Hans": 0.94, "zh-Hant": 0.94, "en": 0.94},
    "round4_sealed": {"zh-Hans": 0.96, "zh-Hant": 0.96, "en": 0.96},
    "round5_sealed": {"zh-Hans": 0.94, "zh-Hant": 0.96, "en": 0.94},
    "round6_sealed": {"en": 0.91},
    "round7_sealed": {"en": 0.93},
    "round8_sealed": {"zh-Hans": 0.94, "zh-Hant": 0.97, "en": 0.94},
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
    assert set(FLOORS[name]) <= set(SCRIPTS)
    for script in FLOORS[name]:  # the English-only rounds have an English floor only
        right, total = scores[script]
        assert total >= 50, (name, script, total)
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


@pytest.mark.parametrize("name", SEALED_ROUNDS)
def test_a_sealed_round_is_not_trained_on(name: str) -> None:
    trained = {_key(m["text"]) for m in labelled_messages()}
    shared = [r["text"] for r in load(name) if _key(str(r["text"])) in trained]
    assert not shared, shared


@pytest.mark.parametrize("name", DEV_ROUNDS)
def test_a_dev_round_is_trained_on(name: str) -> None:
    trained = {_key(m["text"]) for m in labelled_messages()}
    assert {_key(str(r["text"])) for r in load(name)} <= trained
