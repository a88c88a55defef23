"""Renders a prepared answer from jinja2 templates: ``templates/<locale>/<intent>.j2``.

Each template has two blocks: ``body`` (empathy → facts → what the shop does) and ``next``
(when the buyer hears next). zh-Hant is derived from the zh-Hans answer with OpenCC
``s2twp`` unless a hand-written ``templates/zh-Hant/<intent>.j2`` exists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import jinja2

from tracking_service.answers.context import LOCALES, Answer, AnswerContext, Intent
from tracking_service.answers.phrases import facts
from tracking_service.hant import to_hant

TEMPLATES = Path(__file__).parent / "templates"
_SPACES = re.compile(r"[ \t]*\n[ \t]*|[ \t]{2,}")


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


# Taiwan writing quotes with corner brackets: 「…」 and 『…』 inside.
_TAIWAN_QUOTES = str.maketrans({"“": "「", "”": "」", "‘": "『", "’": "』"})
# Mainland shop and logistics words OpenCC keeps, in the words Taiwan buyers use. Applied outside quoted
# carrier text and places (「…」, （…）), where e.g. 菜鳥驛站 is a name.
_TAIWAN_TERMS = (
    ("親，", "您好，"),
    ("驛站", "取貨點"),
    ("快遞櫃", "取件櫃"),
    ("面單", "託運單"),
    ("補發", "補寄"),
    ("改派", "改送"),
    ("攬收", "收件"),
    ("快遞員", "送貨員"),
    ("反饋", "回報"),
    ("跟進", "追蹤"),
    ("前臺", "櫃檯"),
    ("門衛", "警衛"),
    ("發貨", "出貨"),
    ("短信", "簡訊"),
    ("信息", "資訊"),
)
_QUOTED = re.compile(r"(「[^」]*」|（[^）]*）)")


def _taiwan(text: str) -> str:
    parts = _QUOTED.split(text.translate(_TAIWAN_QUOTES))
    for n in range(0, len(parts), 2):  # even parts are outside quotes
        for mainland, taiwan in _TAIWAN_TERMS:
            parts[n] = parts[n].replace(mainland, taiwan)
    return "".join(parts)


_EN_SENTENCE_GAP = re.compile(r'([.!?])(?=["A-Z])')


def _tidy(text: str, locale: str) -> str:
    if locale == "en":
        return _EN_SENTENCE_GAP.sub(r"\1 ", _SPACES.sub(" ", text)).strip()
    return _SPACES.sub("", text).strip()


# Intents about one particular parcel: without a matched shipment the answer asks for its number
# instead of describing a parcel the service does not know.
NEEDS_PARCEL = frozenset(
    {Intent.WHERE_IS_MY_PARCEL, Intent.WHEN_WILL_IT_ARRIVE, Intent.NOT_RECEIVED, Intent.DAMAGED, Intent.CHANGE_ADDRESS}
)


def _template_name(intent: Intent, ctx: AnswerContext) -> str:
    return "need_number" if ctx.tracking_number is None and intent in NEEDS_PARCEL else intent.value


def _render(intent: Intent, template_locale: str, ctx: AnswerContext, locale: str) -> tuple[str, str]:
    template = _environment().get_template(f"{template_locale}/{_template_name(intent, ctx)}.j2")
    variables = {"f": facts(ctx, locale), "intent": intent.value}
    body = "".join(template.blocks["body"](template.new_context(variables)))
    next_update = "".join(template.blocks["next"](template.new_context(variables)))
    return _tidy(body, locale), _tidy(next_update, locale)


def prepare_answer(ctx: AnswerContext, intent: Intent, locale: str) -> Answer:
    """The answer to send for ``intent`` in ``locale``, saying only what ``ctx`` holds."""
    if locale not in LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    if locale == "zh-Hant" and not (TEMPLATES / "zh-Hant" / f"{_template_name(intent, ctx)}.j2").exists():
        body, next_update = _render(intent, "zh-Hans", ctx, locale)
        body, next_update = to_hant(body), to_hant(next_update)
    else:
        body, next_update = _render(intent, locale, ctx, locale)
    if locale == "zh-Hant":
        body, next_update = _taiwan(body), _taiwan(next_update)
    joiner = " " if locale == "en" else ""
    return Answer(intent=intent, locale=locale, text=f"{body}{joiner}{next_update}", next_update=next_update)


_SENTENCE = {"en": re.compile(r"(?<=[.!?])\s+"), "zh": re.compile(r"(?<=[。！？])")}


_CLAUSE = re.compile(r"(?<=[，；,;])")


def _clauses(sentence: str) -> set[str]:
    """A sentence's clauses, compared without their punctuation."""
    return {c for c in (_bare(part) for part in _CLAUSE.split(sentence)) if c}


def _bare(clause: str) -> str:
    return clause.strip().strip("，；。！？,;.!? ")


def _said(clause: str, said: set[str]) -> bool:
    """Whether the clause, or one it is part of or holds (系统显示 + 包裹已于…签收), was said already."""
    bare = _bare(clause)
    return not bare or any(bare in s or (len(s) >= 6 and s in bare) for s in said)


def _unsaid(sentence: str, said: set[str]) -> str:
    """The sentence less its clauses already said; empty when every clause was said."""
    parts = [p for p in _CLAUSE.split(sentence) if not _said(p, said)]
    if not parts:
        return ""
    text = "".join(parts).rstrip().rstrip("，；,;")
    end = sentence.strip()[-1:]
    return text + end if end in "。！？.!?" and not text.endswith(end) else text


def _sentences(text: str, locale: str) -> list[str]:
    return [s for s in _SENTENCE["en" if locale == "en" else "zh"].split(text) if s.strip()]


def prepare_reply(ctx: AnswerContext, intents: Sequence[Intent], locale: str) -> Answer:
    """One reply to a message that asks several things ("到哪了 还能改地址吗"): the primary intent's answer,
    then what each further intent's answer adds (its facts and remedy, not a second greeting, nor a clause
    already said: "包裹目前正在运输途中，还可以尝试修改…" keeps only "还可以尝试修改…" after the where
    answer), then the primary's next-update line."""
    first = prepare_answer(ctx, intents[0], locale)
    if len(intents) < 2:
        return first
    body = _sentences(first.text[: len(first.text) - len(first.next_update)], locale)
    said = {clause for sentence in body for clause in _clauses(sentence)}
    for intent in intents[1:]:
        other = prepare_answer(ctx, intent, locale)
        for sentence in _sentences(other.text[: len(other.text) - len(other.next_update)], locale)[1:]:
            new = _unsaid(sentence, said)
            if new:
                body.append(new)
                said.update(_clauses(new))
    joiner = " " if locale == "en" else ""
    text = joiner.join(s.strip() for s in [*body, first.next_update])
    return Answer(intents[0], locale, text, first.next_update, tuple(intents))
