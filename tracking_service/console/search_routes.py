"""``/console/``: find parcels across the agent's shops by tracking number, order id or phone last 4, and the
paste box: the buyer's message in; the parcel it names, the questions it asks (in the agent's words), the
drafted answer with a copy button out — through the same use case as ``POST /v1/answers``, so a
"delivered but not received" message opens the dispute here too."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from tracking_service.console.common import Agent, post_form, render, require_agent
from tracking_service.pagination import ListQuery
from tracking_service.services import services
from tracking_service.usecases.answers import MessageAnswer, answer_message
from tracking_service.usecases.console import agent_shops
from tracking_service.usecases.errors import Invalid, NotFound
from tracking_service.usecases.shipments import search_shipments, shipment_view

routes = web.RouteTableDef()
MAX_MESSAGE = 4000  # as POST /v1/answers takes


async def _search_page(
    request: web.Request, agent: Agent, q: str = "", status: int = 200, **paste: Any
) -> web.Response:
    svc = services(request)
    results: list[dict[str, Any]] = []
    if q:
        found: dict[str, Any] = {}
        filters: list[dict[str, Any]] = [{"tracking_number": q.upper()}, {"tracking_number": q}, {"order_id": q}]
        if re.fullmatch(r"\d{4}", q):
            filters.append({"phone_last4": q})
        for f in filters:
            for row in await search_shipments(svc, agent.principal, ListQuery(f, limit=50)):
                found[str(row.id)] = row
        results = [await shipment_view(svc, row) for row in found.values()]
    shops = await agent_shops(svc, agent.principal)
    return render(request, "search.html", agent, status, page="search", q=q, results=results, shops=shops, **paste)


@routes.get("/console/")
async def search(request: web.Request) -> web.Response:
    agent = await require_agent(request)
    return await _search_page(request, agent, request.query.get("q", "").strip()[:64])


@routes.post("/console/answer")
async def paste(request: web.Request) -> web.Response:
    """Answer a pasted buyer message (CSRF-checked form: ``text``, optional ``tenant``)."""
    agent = await require_agent(request)
    form = await post_form(request, agent.csrf)
    text = form.get("text", "").strip()
    tenant = form.get("tenant") or None
    page: dict[str, Any] = {"text": text, "tenant": tenant}
    if not text:
        return await _search_page(request, agent, status=400, paste_error="empty", **page)
    if len(text) > MAX_MESSAGE:
        return await _search_page(request, agent, status=400, paste_error="long", **page)
    try:
        result = await answer_message(services(request), agent.principal, text, tenant, None)
    except Invalid:  # nothing named and several shops: a presale answer needs the shop
        return await _search_page(request, agent, paste_error="choose_shop", **page)
    except NotFound:
        return await _search_page(request, agent, status=400, paste_error="no_shop", **page)
    return await _search_page(request, agent, result=_shown(result), **page)


def _shown(result: MessageAnswer) -> dict[str, Any]:
    return {
        "intents": [i.value for i in result.answer.intents],
        "text": result.answer.text,
        "locale": result.answer.locale,
        "shipment": result.shipment,
        "matches": result.matches,
        "matched_by": result.matched_by,
        "unmatched": result.tracking_numbers if result.shipment is None else [],
        "dispute_opened": result.dispute_opened,
    }
