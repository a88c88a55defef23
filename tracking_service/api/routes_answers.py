"""Prepared answers: for one shipment and intent, or for a buyer's free-text message."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from schemas import api
from schemas.api import AnswerQuery, AnswerRequest
from tracking_service.answers.context import Answer, Intent
from tracking_service.api.access import authenticate
from tracking_service.api.parsing import parse_query, path_uuid, read_body
from tracking_service.api.problems import json_response
from tracking_service.api.routing import operation
from tracking_service.services import services
from tracking_service.usecases.answers import answer_for_shipment, answer_message

routes = web.RouteTableDef()


def answer_view(answer: Answer) -> dict[str, Any]:
    return {
        "intent": answer.intent.value,
        "intents": [intent.value for intent in answer.intents],
        "locale": answer.locale,
        "text": answer.text,
        "next_update": answer.next_update,
    }


@operation(routes, "get", "/v1/shipments/{shipment_id}/answer", "Prepared answer for an intent", query=api.AnswerQuery)
async def shipment_answer(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    query = parse_query(request, AnswerQuery)
    shipment_id = path_uuid(request, "shipment_id", "shipment")
    locale = query.locale.value if query.locale else None
    answer = await answer_for_shipment(services(request), principal, shipment_id, Intent(query.intent), locale)
    return json_response({"shipment_id": str(shipment_id), **answer_view(answer)})


@operation(routes, "post", "/v1/answers", "Answer a buyer's free-text message", body=api.AnswerRequest)
async def answer_buyer_message(request: web.Request) -> web.Response:
    principal = await authenticate(request)
    body = await read_body(request, AnswerRequest)
    locale = body.locale.value if body.locale else None
    result = await answer_message(services(request), principal, body.text, body.tenant, locale)
    return json_response(
        {
            **answer_view(result.answer),
            "shipment_id": result.shipment["id"] if result.shipment else None,
            "script": result.script,
            "tracking_numbers": result.tracking_numbers,
            "shipment": result.shipment,
            "other_matches": result.other_matches,
            "dispute_opened": result.dispute_opened,
        }
    )
