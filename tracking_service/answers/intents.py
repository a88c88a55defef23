"""Intent detection for buyer messages (SPEC §7 intent rules, first that fits wins).

Rules match the text as ``answers.text.normalise`` leaves it (Simplified, lower case), so one rule table
serves zh-Hans, Taiwan and Hong Kong phrasing; English has its own patterns. When no rule fits, the
classifier gives a second opinion."""

from __future__ import annotations

from tracking_service.answers import classifier
from tracking_service.answers.context import Intent
from tracking_service.answers.lexicon import questions as qu
from tracking_service.answers.lexicon import trouble as tr
from tracking_service.answers.text import detect_script, normalise

__all__ = ["detect_intent", "detect_script", "normalise"]


def detect_intent(text: str) -> Intent:
    """The first intent of SPEC §7's ordered rules that fits the message."""
    t = normalise(text)
    if qu.NOT_PARCEL.search(t) and not qu.PARCEL_WORD.search(t):
        return Intent.UNKNOWN
    if (tr.SHOWN_DELIVERED.search(t) and tr.NOT_HAVE.search(t)) or tr.SOMEONE_ELSE.search(t):
        return Intent.NOT_RECEIVED
    if tr.DAMAGED.search(t):
        return Intent.DAMAGED
    if tr.RETURN.search(t) and not tr.UNASKED_RETURN.search(t):
        return Intent.RETURN_STATUS
    if tr.CHANGE.search(t):
        return Intent.CHANGE_ADDRESS
    if qu.PRESALE.search(t) and not qu.SHIPPED_HINT.search(t):
        return Intent.SHIPPING_TIME
    if qu.MISSED_PROMISE.search(t):
        return Intent.WHERE_IS_MY_PARCEL
    if qu.WHEN.search(t) or (qu.TIME_ASK.search(t) and qu.ARRIVAL.search(t)):
        return Intent.WHEN_WILL_IT_ARRIVE
    if qu.WHERE.search(t):
        return Intent.WHERE_IS_MY_PARCEL
    return _second_opinion(t)


def _second_opinion(normalised: str) -> Intent:
    """No rule fits: the labelled-message classifier's guess when it is sure enough, else unknown."""
    label, probability = classifier.guess(normalised)
    return Intent(label) if probability >= classifier.THRESHOLD else Intent.UNKNOWN
