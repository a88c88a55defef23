"""What a presale question asks (issue 15: "还没发货吗", "包邮吗", "能发顺丰不" each got the lane-history
disclaimer instead of an answer). The shipping_time answer answers these topics from the shop's
``shipping`` policy first, and quotes a lane estimate only when the buyer asked how long delivery takes
(or asked nothing more specific)."""

from __future__ import annotations

import re

from tracking_service.answers.text import normalise

# Matched on normalised (Simplified, lower-case) text, in the order the answer takes them.
_DISPATCH = r"发货|发出|寄出|出货|几号发|什么时候发|还没发|ship(ped)? out|dispatch|when.{0,20}ship\b|send it out"
_FEE = (
    r"包邮|运费|邮费|免运|含运|运费险|free (shipping|delivery)|shipping.{0,10}free|shipping (fee|cost|charge)"
    r"|postage"
)
_COURIER = (
    r"什么快递|哪家快递|哪个快递|发.{0,3}(顺丰|中通|圆通|韵达|申通|京东|邮政|ems|极兔)|(顺丰|京东|ems)(吗|不|嘛|么)"
    r"|which (courier|carrier)|by sf|courier"
)
_REGION = r"能(寄|发|送)到|(寄|发|送)(得)?到.{1,8}(吗|不|嘛)|偏远|新疆|西藏|港澳台|海外|deliver to|ship to|do you ship"
_TRANSIT = r"多久|几天|多长时间|多少天|how long|how many days|how fast"
TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("dispatch", _DISPATCH),
        ("fee", _FEE),
        ("courier", _COURIER),
        ("region", _REGION),
        ("transit", _TRANSIT),
    )
)


def topics(text: str) -> tuple[str, ...]:
    """The presale topics a message asks about, in answer order; empty when it names none."""
    t = normalise(text)
    return tuple(name for name, pattern in TOPICS if pattern.search(t))
