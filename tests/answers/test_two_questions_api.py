"""POST /v1/answers on a message that asks two things (SPEC §12): both questions in ``intents``, first asked
first, and one reply that carries what each single answer would have said."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import LiveService


async def _single(shop: httpx.AsyncClient, shipment_id: str, intent: str, locale: str) -> str:
    response = await shop.get(f"/v1/shipments/{shipment_id}/answer", params={"intent": intent, "locale": locale})
    assert response.status_code == 200, response.text
    return str(response.json()["text"])


def _sentences(text: str) -> list[str]:
    """The sentences of an answer, split after 。！？ (Chinese) or ". " (English)."""
    out, current = [], ""
    for i, char in enumerate(text):
        current += char
        if char in "。！？" or (char in ".!?" and text[i + 1 : i + 2] in (" ", "")):
            out.append(current.strip())
            current = ""
    return [s for s in [*out, current.strip()] if s]


@pytest.mark.parametrize(
    ("message", "intents", "locale"),
    [
        ("SBX-STALLED-0042 到哪了 还能改地址吗", ["where_is_my_parcel", "change_address"], "zh-Hans"),
        ("SBX-STALLED-0042 包裹到哪裡了？另外可以改成超商取貨嗎", ["where_is_my_parcel", "change_address"], "zh-Hant"),
        ("SBX-STALLED-0042 我個包裹喺邊 可唔可以改地址", ["where_is_my_parcel", "change_address"], "zh-Hant"),
        (
            "where is SBX-STALLED-0042 now? also can i change the address",
            ["where_is_my_parcel", "change_address"],
            "en",
        ),
        ("SBX-STALLED-0042 什么时候能到 另外能开发票吗", ["when_will_it_arrive", "unknown"], "zh-Hans"),
    ],
)
async def test_a_two_question_message_lists_both_and_the_reply_answers_both(
    service: LiveService, shop: httpx.AsyncClient, message: str, intents: list[str], locale: str
) -> None:
    created = await shop.post("/v1/shipments", json={"tracking_number": "SBX-STALLED-0042"})
    assert created.status_code == 201
    await service.services.poller.poll_once()  # type: ignore[union-attr]
    shipment_id = created.json()["id"]
    answer = (await shop.post("/v1/answers", json={"text": message})).json()
    assert answer["intents"] == intents and answer["intent"] == intents[0]
    assert answer["locale"] == locale and answer["shipment"]["id"] == shipment_id
    # The reply holds the primary answer's facts and the second answer's own sentences (its greeting and
    # next-update line aside): each question is answered, not only the first.
    first = _sentences(await _single(shop, shipment_id, intents[0], locale))
    assert first[1] in answer["text"], (first, answer["text"])
    if intents[1] == "unknown":  # no prepared answer: the reply says the other question goes to a person
        assert "这个问题我们已经转给客服同事" in answer["text"], answer["text"]
        return
    second = _sentences(await _single(shop, shipment_id, intents[1], locale))
    assert any(s in answer["text"] for s in second[1:-1] if s not in first), (second, answer["text"])


async def test_one_question_in_several_clauses_stays_one_intent(service: LiveService, shop: httpx.AsyncClient) -> None:
    """The clause reading must not invent a second question from context or a remark."""
    created = await shop.post("/v1/shipments", json={"tracking_number": "SBX-DELIVERED-0007"})
    assert created.status_code == 201
    await service.services.poller.poll_once()  # type: ignore[union-attr]
    for text, intents in [
        ("SBX-DELIVERED-0007 物流显示已签收，可是我根本没拿到快递", ["not_received"]),
        ("SBX-DELIVERED-0007 退货寄回去了 到哪了", ["return_status"]),
        ("SBX-DELIVERED-0007 还能换地址吗 快递还没到", ["change_address"]),
        ("SBX-DELIVERED-0007 收到了 顺便问下什么时候上新", ["unknown"]),
    ]:
        answer = (await shop.post("/v1/answers", json={"text": text})).json()
        assert answer["intents"] == intents, (text, answer["intents"])
