"""``/console/``: agents sign in with their key (HttpOnly, SameSite=Strict cookie; CSRF token on forms),
search across their shops, read the timeline, copy the prepared answer, work incidents and claims,
and see the stats as charts."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web

from schemas.api import Role
from tracking_service.answers.context import LOCALES, Intent
from tracking_service.api.context import Services, services
from tracking_service.api.middleware import lookup_key
from tracking_service.api.routes_answers import _shipment_answer
from tracking_service.api.routes_shipments import shipment_view
from tracking_service.auth import Principal
from tracking_service.claims import TRANSITIONS, can_move, claim_view
from tracking_service.db import claims as claims_sql
from tracking_service.db import incidents as incidents_sql
from tracking_service.db import outbox
from tracking_service.db import shipments as shipments_sql
from tracking_service.db import stats as stats_sql
from tracking_service.db import tenants as tenants_sql
from tracking_service.incidents.views import to_response as incident_view
from tracking_service.shipments import event_to_response

SESSION = "tracking_console"
PRE = "tracking_console_pre"
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
routes = web.RouteTableDef()
DEFAULT_ZONE = "Asia/Shanghai"


def _local(value: str | datetime | None, zone: str = DEFAULT_ZONE) -> str:
    """A time as agents of the shop read it: in the shop's time zone, to the minute."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


TEMPLATES.filters["local"] = _local


async def _zones(svc: Services, principal: Principal) -> dict[str, str]:
    """Each shop's time zone, for the shops this agent works for."""
    return await tenants_sql.time_zones(svc.db, principal.scope)


def _token(svc: Services, value: str) -> str:
    secret = hashlib.sha256(b"console csrf\x00" + svc.settings.pii_key.get_secret_value().encode()).digest()
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]


def _render(name: str, **context: Any) -> web.Response:
    return web.Response(text=TEMPLATES.get_template(name).render(**context), content_type="text/html")


async def _agent(request: web.Request) -> tuple[Principal, str] | None:
    key = request.cookies.get(SESSION)
    if not key:
        return None
    row = await lookup_key(services(request), key)
    if row is None:
        return None
    role = Role(row["role"])
    principal = Principal(row["id"], role, None if role is Role.ADMIN else tuple(row["tenant_ids"]))
    return principal, _token(services(request), key)


async def _require(request: web.Request) -> tuple[Principal, str]:
    found = await _agent(request)
    if found is None:
        raise web.HTTPSeeOther("/console/login")
    return found


async def _post_form(request: web.Request, csrf: str) -> dict[str, str]:
    form = {k: str(v) for k, v in (await request.post()).items()}
    if not hmac.compare_digest(form.get("csrf", ""), csrf):
        raise web.HTTPForbidden(text="CSRF token missing or wrong; reload the page")
    return form


@routes.get("/console/login")
async def login_page(request: web.Request) -> web.Response:
    pre = request.cookies.get(PRE) or secrets.token_urlsafe(16)
    response = _render("login.html", agent=None, csrf=_token(services(request), pre), error=request.query.get("e"))
    response.set_cookie(PRE, pre, httponly=True, samesite="Strict", path="/console")
    return response


@routes.post("/console/login")
async def login(request: web.Request) -> web.Response:
    svc = services(request)
    form = await _post_form(request, _token(svc, request.cookies.get(PRE, "")))
    key = form.get("key", "").strip()
    if not key or await lookup_key(svc, key) is None:
        raise web.HTTPSeeOther("/console/login?e=key+not+recognised")
    response = web.HTTPSeeOther("/console/")
    response.set_cookie(
        SESSION, key, httponly=True, samesite="Strict", path="/console", secure=request.secure, max_age=12 * 3600
    )
    raise response


@routes.post("/console/logout")
async def logout(request: web.Request) -> web.Response:
    _, csrf = await _require(request)
    await _post_form(request, csrf)
    response = web.HTTPSeeOther("/console/login")
    response.del_cookie(SESSION, path="/console")
    raise response


@routes.get("/console/")
async def search(request: web.Request) -> web.Response:
    principal, csrf = await _require(request)
    svc = services(request)
    q = request.query.get("q", "").strip()[:64]
    results: list[dict[str, Any]] = []
    if q:
        found: dict[str, Any] = {}
        filters: list[dict[str, Any]] = [{"tracking_number": q.upper()}, {"tracking_number": q}, {"order_id": q}]
        if re.fullmatch(r"\d{4}", q):
            filters.append({"phone_last4_hash": svc.vault.phone_last4_hash(q)})
        for f in filters:
            for row in await shipments_sql.search_shipments(svc.db, principal.scope, f, None, 50):
                found[str(row["id"])] = row
        results = [await shipment_view(svc, row) for row in found.values()]
    return _render(
        "search.html",
        agent=principal,
        csrf=csrf,
        page="search",
        q=q,
        results=results,
        zones=await _zones(svc, principal),
    )


@routes.get("/console/shipments/{shipment_id}")
async def shipment(request: web.Request) -> web.Response:
    principal, csrf = await _require(request)
    svc = services(request)
    try:
        shipment_id = uuid.UUID(request.match_info["shipment_id"])
    except ValueError as exc:
        raise web.HTTPNotFound(text="no such shipment") from exc
    row = await shipments_sql.get_shipment(svc.db, shipment_id, principal.scope)
    if row is None:
        raise web.HTTPNotFound(text="no such shipment")
    intent = request.query.get("intent", Intent.WHERE_IS_MY_PARCEL.value)
    intent = intent if intent in {i.value for i in Intent} - {"unknown"} else Intent.WHERE_IS_MY_PARCEL.value
    locale = request.query.get("locale") or (row["buyer_masked"] or {}).get("locale", "zh-Hans")
    locale = locale if locale in LOCALES else "zh-Hans"
    answer = await _shipment_answer(svc, row, Intent(intent), locale)
    events = await shipments_sql.list_events(svc.db, row["tenant_id"], shipment_id, None, 200)
    return _render(
        "shipment.html",
        agent=principal,
        csrf=csrf,
        page="search",
        s=await shipment_view(svc, row),
        events=[event_to_response(e) for e in events],
        answer=answer.text,
        intent=intent,
        locale=locale,
        intents=[i.value for i in Intent if i is not Intent.UNKNOWN],
        locales=LOCALES,
        zones=await _zones(svc, principal),
    )


@routes.get("/console/incidents")
async def incidents(request: web.Request) -> web.Response:
    principal, csrf = await _require(request)
    status = request.query.get("status", "open")
    status = status if status in ("open", "acknowledged", "resolved") else "open"
    rows = await incidents_sql.list_incidents(services(request).db, principal.scope, {"state": status}, None, 200)
    return _render(
        "incidents.html",
        agent=principal,
        csrf=csrf,
        page="incidents",
        status=status,
        incidents=[incident_view(r) for r in rows],
        zones=await _zones(services(request), principal),
    )


@routes.post("/console/incidents/{incident_id}/{action:acknowledge|resolve}")
async def incident_action(request: web.Request) -> web.Response:
    principal, csrf = await _require(request)
    form = await _post_form(request, csrf)
    svc = services(request)
    to_state, from_states = (
        ("acknowledged", ["open"])
        if request.match_info["action"] == "acknowledge"
        else ("resolved", ["open", "acknowledged"])
    )
    try:
        incident_id = uuid.UUID(request.match_info["incident_id"])
    except ValueError as exc:
        raise web.HTTPNotFound(text="no such incident") from exc
    async with svc.db.acquire() as conn, conn.transaction():
        row, moved = await incidents_sql.transition(
            conn,
            incident_id,
            principal.scope,
            to_state,
            from_states,
            principal.key_id,
            form.get("note") or None,
            svc.clock.now(),
        )
        if row is not None and moved and to_state == "resolved":
            await outbox.enqueue_webhooks(conn, "incident.resolved", [incident_view(row)], svc.clock.now())
    raise web.HTTPSeeOther("/console/incidents")


@routes.get("/console/claims")
async def claims(request: web.Request) -> web.Response:
    principal, csrf = await _require(request)
    rows = await claims_sql.list_claims(services(request).db, principal.scope, 200)
    return _render(
        "claims.html",
        agent=principal,
        csrf=csrf,
        page="claims",
        claims=[claim_view(r) for r in rows],
        moves={state: sorted(targets) for state, targets in TRANSITIONS.items()},
        error=request.query.get("e"),
        zones=await _zones(services(request), principal),
    )


@routes.post("/console/claims/{claim_id}/transition")
async def claim_transition(request: web.Request) -> web.Response:
    principal, csrf = await _require(request)
    form = await _post_form(request, csrf)
    svc = services(request)
    try:
        claim_id = uuid.UUID(request.match_info["claim_id"])
    except ValueError as exc:
        raise web.HTTPNotFound(text="no such claim") from exc
    async with svc.db.acquire() as conn, conn.transaction():
        claim = await claims_sql.get_claim(conn, claim_id, principal.scope, lock=True)
        if claim is None:
            raise web.HTTPNotFound(text="no such claim")
        if not can_move(claim["state"], form.get("to", "")):
            raise web.HTTPSeeOther("/console/claims?e=illegal+transition")
        row = await claims_sql.move(
            conn, claim, form["to"], principal.key_id, form.get("note") or None, svc.clock.now()
        )
        await outbox.enqueue_webhooks(conn, "claim.updated", [claim_view(row)], svc.clock.now())
    raise web.HTTPSeeOther("/console/claims")


@routes.get("/console/stats")
async def stats_page(request: web.Request) -> web.Response:
    principal, csrf = await _require(request)
    svc = services(request)
    end = svc.clock.now()
    data = await stats_sql.stats(svc.db, principal.scope, end - timedelta(days=7), end, "Asia/Shanghai")
    return _render("stats.html", agent=principal, csrf=csrf, page="stats", stats=data)
