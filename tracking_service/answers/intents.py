"""Intent detection for buyer messages (SPEC §7 intent rules, first that fits wins; SPEC §12 ``intents[]``).

Rules match the text as ``answers.text.normalise`` leaves it (Simplified Mandarin, lower case, Cantonese and
Taiwan words rewritten), so one rule table serves zh-Hans, Taiwan and Hong Kong phrasing; English has its
own patterns. A message is read twice:

- as a whole, so conditions that span clauses hold ("显示签收了，但我没收到" is ``not_received``);
- clause by clause (``answers.text.clauses``), so a second question ("到哪了 还能改地址吗") is found, and a
  clause about the goods, the price or the paperwork ("顺便问下什么时候上新") is left out of the reading.

When no rule fits, the classifier gives a second opinion — except when the message holds a product
clause: then what is left is a remark ("收到了") and the message is ``unknown``. On English messages the
classifier may also overrule the rules when it is sure of an intent they did not find: second-language English
("my parcel not reach yet", "kindly revert") outruns any word list (``classifier.OVERRULE``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracking_service.answers import classifier
from tracking_service.answers.context import Intent
from tracking_service.answers.lexicon import change as ch
from tracking_service.answers.lexicon import questions as qu
from tracking_service.answers.lexicon import scope as sc
from tracking_service.answers.lexicon import transit as tv
from tracking_service.answers.lexicon import trouble as tr
from tracking_service.answers.text import clauses, detect_script, normalise

__all__ = ["detect_intent", "detect_intents", "detect_script", "normalise"]

# Answering these covers where the parcel is and when it comes: "退货寄回去了 到哪了" is one question.
_COVERS_STATUS = frozenset({Intent.NOT_RECEIVED, Intent.DAMAGED, Intent.RETURN_STATUS})
_STATUS = frozenset({Intent.WHERE_IS_MY_PARCEL, Intent.WHEN_WILL_IT_ARRIVE})


def detect_intent(text: str) -> Intent:
    """The primary intent of the message."""
    return detect_intents(text)[0]


def detect_intents(text: str) -> list[Intent]:
    """Every question the message asks, first asked first; a question about the goods, the price or the
    paperwork next to a parcel question is listed last as ``unknown`` (an agent answers it by hand).
    ``[Intent.UNKNOWN]`` when no question is about a parcel."""
    typed, pasted = _typed_and_pasted(normalise(text))
    parts = clauses(typed)
    about_parcel = [p for p in parts if not sc.PRODUCT.search(p) or sc.FEE.search(p) or tr.SEND_BACK.search(p)]
    off_topic = [Intent.UNKNOWN] if len(about_parcel) < len(parts) else []
    spoken = [p for p in about_parcel if not sc.GREETING.search(p)]  # "hello", "亲"
    parcel = [p for p in spoken if not sc.REMARK.search(p)]  # "谢谢", "收到了", "物流挺快的"
    if not parcel:
        return [Intent.UNKNOWN]
    said = Context(
        delivered=bool(tr.SHOWN_DELIVERED.search(pasted)),
        shipped=bool(pasted or qu.SHIPPED_HINT.search(" ".join(parcel))),
        presale=bool(qu.BEFORE_ORDER.search(" ".join(parcel))),
    )
    joined = " ".join(parcel)
    whole = rules(joined, said)
    guessed: tuple[str, float] | None = None  # the classifier's reading, asked at most once
    if whole is None:
        remark = len(parcel) < len(spoken)
        if off_topic or remark:
            whole = Intent.UNKNOWN
        else:
            guessed = classifier.guess(joined)  # no rule fits: its guess when it is sure enough, else unknown
            whole = Intent(guessed[0]) if guessed[1] >= classifier.THRESHOLD else Intent.UNKNOWN
    if whole is Intent.UNKNOWN:
        return [Intent.UNKNOWN]
    found = _per_clause(parcel, said)
    if whole not in [intent for intent, _ in found]:
        found.insert(0, (whole, 0))  # a reading only the whole message gives (delivered … not received)
    # Within one topic, a not-received, damaged or return report covers the status questions after it
    # ("退货寄回去了 到哪了"); a question introduced by 另外/顺便/also is a topic of its own.
    kept: list[Intent] = []
    covered: set[int] = set()
    for intent, topic in found:
        if intent in _COVERS_STATUS:
            covered.add(topic)
        elif intent in _STATUS and topic in covered:
            continue
        kept.append(intent)
    return _overruled(_unique(kept) + off_topic, joined, guessed)


def _overruled(intents: list[Intent], normalised: str, guessed: tuple[str, float] | None) -> list[Intent]:
    """The rules' reading, unless the classifier is at least ``OVERRULE`` sure the message is about something
    the rules did not find: then that comes first and the rules' other questions after it."""
    if _CJK.search(normalised):
        return intents  # Chinese: the rules hold up on unseen messages (test_rounds), the classifier less so
    label, probability = guessed or classifier.guess(normalised)
    if probability < classifier.OVERRULE or label in {i.value for i in intents}:
        return intents  # agreed, or one of the questions the rules found (their order stands)
    first = Intent(label)
    if first is Intent.UNKNOWN:
        return [Intent.UNKNOWN]
    return [first, *(i for i in intents if i is not first and i is not Intent.UNKNOWN)]


@dataclass(frozen=True, slots=True)
class Context:
    """What the rest of the message says, for reading one clause of it."""

    delivered: bool = False  # pasted tracking text shows it delivered
    shipped: bool = False  # the message shows it shipped (pasted tracking, "已经到上海了", "发了好几天了")
    presale: bool = False  # asked before ordering ("如果我现在下单")


def _typed_and_pasted(normalised: str) -> tuple[str, str]:
    """The buyer's own words, and what they pasted or quoted from a tracking page or SMS (lines like
    "【物流详情】已签收", "Delivered, left at front door", or a quoted status). A message that is all pasted
    is read as typed."""
    lines = [line.strip() for line in normalised.split("\n") if line.strip()]
    typed = [line for line in lines if not sc.PASTED.search(line)]
    if not typed:
        return normalised, ""
    pasted = [line for line in lines if sc.PASTED.search(line)]
    text = "\n".join(typed)
    pasted.extend(m.group(1) for m in _QUOTED.finditer(text))
    return _QUOTED.sub(" ", text), " ".join(pasted)


_CJK = re.compile(r"[\u3400-\u9fff]")
_QUOTED = re.compile(r"[\"“「『]([^\"“”「」『』]{3,80})[\"”」』]")


def _per_clause(parcel: list[str], said: Context) -> list[tuple[Intent, int]]:
    """(intent, topic number) of each clause a rule fits; a new topic starts at 另外/顺便/还有/also/btw."""
    found: list[tuple[Intent, int, bool, str]] = []  # (intent, topic, is context, clause)
    asked = False
    topic = 0
    for part in parcel:
        if qu.NEW_TOPIC.search(part):
            topic += 1
        intent = rules(part, said)
        question = bool(qu.QUESTION.search(part))
        # A delay remark after a question is context ("还能换地址吗 快递还没到"), not a second question.
        if intent is not None and not (intent in _STATUS and asked and not question):
            found.append((intent, topic, _is_context(intent, part, question), part))
        asked = asked or question
    # Context is not a question of its own when the topic asks something else: a status the buyer only
    # reports ("显示派送中了 大概几点能到", "物流写已签收 是谁签的") or a condition ("还没发货的话 可以改寄吗").
    asking = {(intent, topic) for intent, topic, context, _ in found if not context}
    kept = [
        (intent, topic, part)
        for intent, topic, context, part in found
        if not (context and any(t == topic and i is not intent for i, t in asking))
    ]
    return _time_before_complaint(kept)


def _time_before_complaint(found: list[tuple[Intent, int, str]]) -> list[tuple[Intent, int]]:
    """SPEC §7 puts a time question before a delay complaint: "收不到啊 到底啥时候能到" is first a
    when-question; a question about the place ("现在在哪 大概什么时候能到") keeps the order it was asked in."""
    out = [(intent, topic) for intent, topic, _ in found]
    for i, (intent, topic, _) in enumerate(found):
        if intent is not Intent.WHEN_WILL_IT_ARRIVE:
            continue
        complaint = next(
            (
                j
                for j, (other, t, part) in enumerate(found[:i])
                if other is Intent.WHERE_IS_MY_PARCEL and t == topic and not tv.LOCATION_ASK.search(part)
            ),
            None,
        )
        if complaint is not None:
            out.insert(complaint, out.pop(i))
    return out


def _is_context(intent: Intent, clause: str, question: bool) -> bool:
    if intent is Intent.SHIPPING_TIME:
        return bool(qu.IF_NOT_SHIPPED.search(clause))
    return intent in _STATUS and not question and not tv.COMPLAINT.search(clause)


def _unique(intents: list[Intent]) -> list[Intent]:
    return list(dict.fromkeys(intents))


def rules(t: str, said: Context = Context()) -> Intent | None:
    """SPEC §7's ordered rules on normalised text; None when none fits."""
    if sc.NOT_PARCEL.search(t) and not sc.PARCEL_WORD.search(t):
        return Intent.UNKNOWN
    shown = said.delivered or tr.SHOWN_DELIVERED.search(ch.CHANGE_TARGET.sub(" ", t))
    if (shown and tr.NOT_HAVE.search(t)) or tr.SOMEONE_ELSE.search(t):
        return Intent.NOT_RECEIVED
    if tr.DAMAGED.search(t):
        return Intent.DAMAGED
    if tr.RETURN.search(t) and (tr.BUYER_SENT_BACK.search(t) or not tr.UNASKED_RETURN.search(t)):
        return Intent.RETURN_STATUS
    asks_time = bool(tv.WHEN.search(t) or (tv.TIME_ASK.search(t) and tv.ARRIVAL.search(t)))
    # "寄到超商还要多久" names a place in a time question; a change needs a change word then.
    if ch.CHANGE.search(t) and (ch.CHANGE_VERB.search(t) or not asks_time):
        return Intent.CHANGE_ADDRESS
    before_order = said.presale and (tv.TIME_ASK.search(t) or tv.ARRIVAL.search(t) or qu.PRESALE.search(t))
    if before_order or (qu.PRESALE.search(t) and not (said.shipped or qu.SHIPPED_HINT.search(t))):
        return Intent.SHIPPING_TIME
    if tv.MISSED_PROMISE.search(t):
        return Intent.WHERE_IS_MY_PARCEL
    if asks_time:
        return Intent.WHEN_WILL_IT_ARRIVE
    if tv.WHERE.search(t):
        return Intent.WHERE_IS_MY_PARCEL
    return None
