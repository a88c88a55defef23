"""``/console/``: agents sign in with their key, which opens a server-side session (the HttpOnly,
SameSite=Strict cookie holds only the session's random token; CSRF token on forms), search across their
shops or paste a buyer's message (``search_routes``), read the timeline, copy the prepared answer, work
incidents and claims, see the stats as charts, and import a CSV of parcels (``import_routes``). Codes are
shown as words (``tracking_service.labels``) in Chinese, or English when the agent picks it, and times in
each shop's own time zone."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from urllib.parse import urlencode

from aiohttp import web

from tracking_service.answers.context import LOCALES, Intent
from tracking_service.auth import Principal
from tracking_service.claims import TRANSITIONS, claim_view
from tracking_service.console import import_routes, search_routes
from tracking_service.console.common import (
    LANGUAGE,
    LANGUAGES,
    PRE,
    SESSION,
    Words,
    csrf_token,
    post_form,
    render,
    require_agent,
)
from tracking_service.db import stats as stats_sql
from tracking_service.incidents.views import to_response as incident_view
from tracking_service.pagination import ListQuery
from tracking_service.services import Services, services
from tracking_service.shipments import event_to_response
from tracking_service.usecases.answers import answer_shipment, buyer_locale
from tracking_service.usecases.claims import claim_photo, list_claims, move_claim
from tracking_service.usecases.console import agent_shops, opening_intent, tracking_numbers
from tracking_service.usecases.console_sessions import SESSION_LIFETIME, sign_in, sign_out
from tracking_service.usecases.errors import Conflict, NotFound
from tracking_service.usecases.incidents import Move, incident_queue, move_incident
from tracking_service.usecases.shipments import find_shipment, shipment_events, shipment_view

pages = web.RouteTableDef()
ANSWERABLE = [i.value for i in Intent if i is not Intent.UNKNOWN]
LOCALE_NAMES = {"zh-Hans": "简体中文", "zh-Hant": "繁體中文", "en": "English"}


@pages.get("/console/login")
async def login_page(request: web.Request) -> web.Response:
    pre = request.cookies.get(PRE) or secrets.token_urlsafe(16)
    response = render(
        request, "login.html", None, csrf=csrf_token(services(request), pre), error=request.query.get("e")
    )
    response.set_cookie(PRE, pre, httponly=True, samesite="Strict", path="/console")
    return response


@pages.post("/console/login")
async def login(request: web.Request) -> web.Response:
    svc = services(request)
    form = await post_form(request, csrf_token(svc, request.cookies.get(PRE, "")))
    key = form.get("key", "").strip()
    token = await sign_in(svc, key) if key else None
    if token is None:
        raise web.HTTPSeeOther("/console/login?e=key+not+recognised")
    response = web.HTTPSeeOther("/console/")
    response.set_cookie(
        SESSION,
        token,
        httponly=True,
        samesite="Strict",
        path="/console",
        secure=request.secure,
        max_age=int(SESSION_LIFETIME.total_seconds()),
    )
    raise response


@pages.post("/console/logout")
async def logout(request: web.Request) -> web.Response:
    agent = await require_agent(request)
    await post_form(request, agent.csrf)
    await sign_out(services(request), request.cookies[SESSION])
    response = web.HTTPSeeOther("/console/login")
    response.del_cookie(SESSION, path="/console")
    raise response


@pages.post("/console/language")
async def choose_language(request: web.Request) -> web.Response:
    """The agent's reading language (中文 / 繁體中文 / English), remembered in a cookie for a year."""
    agent = await require_agent(request)
    form = await post_form(request, agent.csrf)
    chosen = form.get("lang", "")
    if chosen not in LANGUAGES:
        raise web.HTTPBadRequest(text="unknown language; choose zh-Hans, zh-Hant or en")
    back = form.get("next", "")
    back = back if back.startswith("/console/") and "//" not in back and "\\" not in back else "/console/"
    response = web.HTTPSeeOther(back)
    response.set_cookie(LANGUAGE, chosen, httponly=True, samesite="Strict", path="/console", max_age=365 * 24 * 3600)
    raise response


@pages.get("/console/shipments/{shipment_id}")
async def shipment(request: web.Request) -> web.Response:
    """A parcel: status, the answer (for its open incident's question unless another is picked), timeline."""
    agent = await require_agent(request)
    svc = services(request)
    try:
        row = await find_shipment(svc, agent.principal, uuid.UUID(request.match_info["shipment_id"]))
    except (ValueError, NotFound) as exc:
        raise web.HTTPNotFound(text="no such shipment") from exc
    asked = request.query.get("intent", "")
    intent = Intent(asked) if asked in ANSWERABLE else opening_intent(row.open_incidents)
    asked_locale = request.query.get("locale")
    locale = buyer_locale(row, asked_locale if asked_locale in LOCALES else None)
    answer = await answer_shipment(svc, row, intent, locale)
    events = await shipment_events(svc, row, None, 200)
    shops = await agent_shops(svc, agent.principal)
    return render(
        request,
        "shipment.html",
        agent,
        page="search",
        s=await shipment_view(svc, row),
        shop=shops.get(row.tenant_id),
        events=[event_to_response(e) for e in events],
        answer=answer.text,
        intent=intent.value,
        locale=locale,
        intents=ANSWERABLE,
        locales=LOCALE_NAMES,
    )


@pages.get("/console/incidents")
async def incidents(request: web.Request) -> web.Response:
    agent = await require_agent(request)
    svc = services(request)
    status = request.query.get("status", "open")
    status = status if status in ("open", "acknowledged", "resolved") else "open"
    rows = [
        incident_view(r) for r in await incident_queue(svc, agent.principal, ListQuery({"state": status}, limit=200))
    ]
    return render(
        request,
        "incidents.html",
        agent,
        page="incidents",
        status=status,
        error=request.query.get("e"),
        incidents=rows,
        numbers=await tracking_numbers(svc, rows),
        shops=await agent_shops(svc, agent.principal),
    )


# A form that moves one incident or claim: done → back to its list; refused → the list with the reason.
Act = Callable[[Services, Principal, uuid.UUID, Mapping[str, str]], Awaitable[object]]


async def _form_move(request: web.Request, listing: str, what: str, act: Act) -> web.Response:
    agent = await require_agent(request)
    form = await post_form(request, agent.csrf)
    try:
        await act(services(request), agent.principal, uuid.UUID(request.match_info[f"{what}_id"]), form)
    except (ValueError, NotFound) as exc:
        raise web.HTTPNotFound(text=f"no such {what}") from exc
    except Conflict as exc:
        raise web.HTTPSeeOther(f"/console/{listing}?" + urlencode({"e": str(exc)})) from exc
    raise web.HTTPSeeOther(f"/console/{listing}")


@pages.post("/console/incidents/{incident_id}/{action:acknowledge|resolve}")
async def incident_action(request: web.Request) -> web.Response:
    move = Move.ACKNOWLEDGE if request.match_info["action"] == "acknowledge" else Move.RESOLVE

    async def act(svc: Services, principal: Principal, incident_id: uuid.UUID, form: Mapping[str, str]) -> object:
        return await move_incident(svc, principal, incident_id, move, form.get("note") or None)

    return await _form_move(request, "incidents", "incident", act)


@pages.get("/console/claims")
async def claims(request: web.Request) -> web.Response:
    agent = await require_agent(request)
    svc = services(request)
    rows = [claim_view(r) for r in await list_claims(svc, agent.principal, ListQuery(limit=200))]
    return render(
        request,
        "claims.html",
        agent,
        page="claims",
        claims=rows,
        numbers=await tracking_numbers(svc, rows),
        moves={state: sorted(targets) for state, targets in TRANSITIONS.items()},
        error=request.query.get("e"),
        shops=await agent_shops(svc, agent.principal),
    )


@pages.get("/console/claims/{claim_id}/photos/{photo_id}")
async def claim_photo_page(request: web.Request) -> web.Response:
    """A claim's evidence photo for the signed-in agent (the same shop scope as the API's evidence link)."""
    agent = await require_agent(request)
    try:
        ids = uuid.UUID(request.match_info["claim_id"]), uuid.UUID(request.match_info["photo_id"])
        content_type, data = await claim_photo(services(request), agent.principal, *ids)
    except (ValueError, NotFound) as exc:
        raise web.HTTPNotFound(text="no such photo") from exc
    return web.Response(body=data, content_type=content_type, headers={"X-Content-Type-Options": "nosniff"})


@pages.post("/console/claims/{claim_id}/transition")
async def claim_transition(request: web.Request) -> web.Response:
    async def act(svc: Services, principal: Principal, claim_id: uuid.UUID, form: Mapping[str, str]) -> object:
        return await move_claim(svc, principal, claim_id, form.get("to", ""), form.get("note") or None)

    return await _form_move(request, "claims", "claim", act)


@pages.get("/console/stats")
async def stats_page(request: web.Request) -> web.Response:
    agent = await require_agent(request)
    svc = services(request)
    end = svc.clock.now()
    zone = stats_zone({s.id: s.timezone for s in (await agent_shops(svc, agent.principal)).values()})
    data = await stats_sql.stats(svc.db, agent.principal.scope, end - timedelta(days=7), end, zone)
    w = Words(agent.lang)
    shown = {
        "incidents_by_kind": {w("incident", k): v for k, v in data["incidents_by_kind"].items()},
        "shipments_by_carrier": {w.carrier(k): v for k, v in data["shipments_by_carrier"].items()},
        "intents": {w("intent", k): v for k, v in data["intents"].items()},
    }
    return render(request, "stats.html", agent, page="stats", stats=data, shown=shown, zone=zone)


def stats_zone(zones: dict[str, str]) -> str:
    """The zone the stats' days are counted in: the shops' own when they share one, else UTC."""
    distinct = set(zones.values())
    return distinct.pop() if len(distinct) == 1 else "UTC"


routes = [*pages, *search_routes.routes, *import_routes.routes]
