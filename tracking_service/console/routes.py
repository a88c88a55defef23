"""``/console/``: agents sign in with their key, which opens a server-side session (the HttpOnly,
SameSite=Strict cookie holds only the session's random token; CSRF token on forms), search across their
shops, read the timeline, copy the prepared answer, work incidents and claims, see the stats as charts, and
import a CSV of parcels with a progress bar."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import BodyPartReader, web

from tracking_service.answers.context import LOCALES, Intent
from tracking_service.auth import Principal
from tracking_service.claims import TRANSITIONS, claim_view
from tracking_service.console.csv_import import COLUMNS, MAX_BYTES, MAX_ROWS, FileRefused, parse
from tracking_service.console.import_jobs import CHUNK_ROWS, IMPORT_JOBS, ImportJob, import_next_chunk
from tracking_service.db import stats as stats_sql
from tracking_service.db import tenants as tenants_sql
from tracking_service.incidents.views import to_response as incident_view
from tracking_service.pagination import ListQuery
from tracking_service.services import Services, services
from tracking_service.shipments import event_to_response
from tracking_service.usecases.answers import answer_shipment, buyer_locale
from tracking_service.usecases.claims import claim_photo, list_claims, move_claim
from tracking_service.usecases.console_sessions import SESSION_LIFETIME, session_principal, sign_in, sign_out
from tracking_service.usecases.errors import Conflict, NotFound
from tracking_service.usecases.incidents import Move, incident_queue, move_incident
from tracking_service.usecases.shipments import find_shipment, search_shipments, shipment_events, shipment_view

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
    """The principal of the request's open session and the CSRF token of its forms."""
    token = request.cookies.get(SESSION)
    if not token:
        return None
    svc = services(request)
    principal = await session_principal(svc, token)
    if principal is None:
        return None
    return principal, _token(svc, token)


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


@routes.post("/console/logout")
async def logout(request: web.Request) -> web.Response:
    _, csrf = await _require(request)
    await _post_form(request, csrf)
    await sign_out(services(request), request.cookies[SESSION])
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
            filters.append({"phone_last4": q})
        for f in filters:
            for row in await search_shipments(svc, principal, ListQuery(f, limit=50)):
                found[str(row.id)] = row
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
        row = await find_shipment(svc, principal, uuid.UUID(request.match_info["shipment_id"]))
    except (ValueError, NotFound) as exc:
        raise web.HTTPNotFound(text="no such shipment") from exc
    intent = request.query.get("intent", Intent.WHERE_IS_MY_PARCEL.value)
    intent = intent if intent in {i.value for i in Intent} - {"unknown"} else Intent.WHERE_IS_MY_PARCEL.value
    asked = request.query.get("locale")
    locale = buyer_locale(row, asked if asked in LOCALES else None)
    answer = await answer_shipment(svc, row, Intent(intent), locale)
    events = await shipment_events(svc, row, None, 200)
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
    rows = await incident_queue(services(request), principal, ListQuery({"state": status}, limit=200))
    return _render(
        "incidents.html",
        agent=principal,
        csrf=csrf,
        page="incidents",
        status=status,
        error=request.query.get("e"),
        incidents=[incident_view(r) for r in rows],
        zones=await _zones(services(request), principal),
    )


# A form that moves one incident or claim: done → back to its list; refused → the list with the reason.
Act = Callable[[Services, Principal, uuid.UUID, Mapping[str, str]], Awaitable[object]]


async def _form_move(request: web.Request, listing: str, what: str, act: Act) -> web.Response:
    principal, csrf = await _require(request)
    form = await _post_form(request, csrf)
    try:
        await act(services(request), principal, uuid.UUID(request.match_info[f"{what}_id"]), form)
    except (ValueError, NotFound) as exc:
        raise web.HTTPNotFound(text=f"no such {what}") from exc
    except Conflict as exc:
        raise web.HTTPSeeOther(f"/console/{listing}?" + urlencode({"e": str(exc)})) from exc
    raise web.HTTPSeeOther(f"/console/{listing}")


@routes.post("/console/incidents/{incident_id}/{action:acknowledge|resolve}")
async def incident_action(request: web.Request) -> web.Response:
    move = Move.ACKNOWLEDGE if request.match_info["action"] == "acknowledge" else Move.RESOLVE

    async def act(svc: Services, principal: Principal, incident_id: uuid.UUID, form: Mapping[str, str]) -> object:
        return await move_incident(svc, principal, incident_id, move, form.get("note") or None)

    return await _form_move(request, "incidents", "incident", act)


@routes.get("/console/claims")
async def claims(request: web.Request) -> web.Response:
    principal, csrf = await _require(request)
    return _render(
        "claims.html",
        agent=principal,
        csrf=csrf,
        page="claims",
        claims=[claim_view(r) for r in await list_claims(services(request), principal, ListQuery(limit=200))],
        moves={state: sorted(targets) for state, targets in TRANSITIONS.items()},
        error=request.query.get("e"),
        zones=await _zones(services(request), principal),
    )


@routes.get("/console/claims/{claim_id}/photos/{photo_id}")
async def claim_photo_page(request: web.Request) -> web.Response:
    """A claim's evidence photo for the signed-in agent (the same shop scope as the API's evidence link)."""
    principal, _ = await _require(request)
    try:
        ids = uuid.UUID(request.match_info["claim_id"]), uuid.UUID(request.match_info["photo_id"])
        content_type, data = await claim_photo(services(request), principal, *ids)
    except (ValueError, NotFound) as exc:
        raise web.HTTPNotFound(text="no such photo") from exc
    return web.Response(body=data, content_type=content_type, headers={"X-Content-Type-Options": "nosniff"})


@routes.post("/console/claims/{claim_id}/transition")
async def claim_transition(request: web.Request) -> web.Response:
    async def act(svc: Services, principal: Principal, claim_id: uuid.UUID, form: Mapping[str, str]) -> object:
        return await move_claim(svc, principal, claim_id, form.get("to", ""), form.get("note") or None)

    return await _form_move(request, "claims", "claim", act)


@routes.get("/console/stats")
async def stats_page(request: web.Request) -> web.Response:
    principal, csrf = await _require(request)
    svc = services(request)
    end = svc.clock.now()
    zone = stats_zone(await _zones(svc, principal))
    data = await stats_sql.stats(svc.db, principal.scope, end - timedelta(days=7), end, zone)
    return _render("stats.html", agent=principal, csrf=csrf, page="stats", stats=data, zone=zone)


def stats_zone(zones: dict[str, str]) -> str:
    """The zone the stats' days are counted in: the shops' own when they share one, else UTC."""
    distinct = set(zones.values())
    return distinct.pop() if len(distinct) == 1 else "UTC"


async def _import_tenants(svc: Services, principal: Principal) -> list[str]:
    """The shops an import may go to: the key's (all of them for an admin key)."""
    return sorted(await _zones(svc, principal))


def _render_import(status: int = 200, **context: Any) -> web.Response:
    response = _render(
        "import.html", page="import", columns=IMPORT_COLUMNS, max_rows=MAX_ROWS, chunk=CHUNK_ROWS, **context
    )
    response.set_status(status)
    return response


IMPORT_COLUMNS = ("order_id", "tracking_number", "carrier", "buyer_name", "buyer_phone", "buyer_email")


@routes.get("/console/import")
async def import_page(request: web.Request) -> web.Response:
    principal, csrf = await _require(request)
    tenants = await _import_tenants(services(request), principal)
    return _render_import(agent=principal, csrf=csrf, tenants=tenants, aliases=COLUMNS)


@routes.post("/console/import")
async def import_upload(request: web.Request) -> web.Response:
    """Parse and check the whole file, keep it for its session, and send the browser to its progress page."""
    principal, csrf = await _require(request)
    svc = services(request)
    tenants = await _import_tenants(svc, principal)
    page = {"agent": principal, "csrf": csrf, "tenants": tenants, "aliases": COLUMNS}
    if request.content_type != "multipart/form-data":
        return _render_import(400, error="请选择一个 CSV 文件 / choose a CSV file to upload", **page)
    form, data = await _upload(request)
    if not hmac.compare_digest(form.get("csrf", ""), csrf):
        raise web.HTTPForbidden(text="CSRF token missing or wrong; reload the page")
    tenant = tenants[0] if len(tenants) == 1 else form.get("tenant")
    try:
        if not data:
            raise FileRefused("请选择一个 CSV 文件 / choose a CSV file to upload (the file is empty)")
        if tenant not in tenants:
            raise FileRefused("请选择店铺 / choose the shop to import into")
        items = parse(data, tenant)
    except FileRefused as refused:
        status = 413 if data is not None and len(data) > MAX_BYTES else 400
        return _render_import(status, error=str(refused), **page)
    job = request.app[IMPORT_JOBS].add(csrf, items, svc.clock.now())
    raise web.HTTPSeeOther(f"/console/import/{job.id}")


async def _upload(request: web.Request) -> tuple[dict[str, str], bytes | None]:
    """The form's small fields and the file's bytes (read no further than one byte past ``MAX_BYTES``)."""
    fields: dict[str, str] = {}
    data: bytes | None = None
    async for part in await request.multipart():
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.name != "file":
            fields[part.name] = (await part.read_chunk(1024)).decode("utf-8", "replace")
            continue
        buffer = bytearray()
        while len(buffer) <= MAX_BYTES and (chunk := await part.read_chunk(65536)):
            buffer += chunk
        data = bytes(buffer)
        if len(buffer) > MAX_BYTES:
            break
    return fields, data


def _job(request: web.Request, csrf: str) -> ImportJob:
    job = request.app[IMPORT_JOBS].get(csrf, request.match_info["job"], services(request).clock.now())
    if job is None:
        raise web.HTTPNotFound(text="no such import (imports are kept 30 minutes); upload the file again")
    return job


@routes.get("/console/import/{job}")
async def import_job(request: web.Request) -> web.Response:
    principal, csrf = await _require(request)
    job = _job(request, csrf)
    return _render_import(agent=principal, csrf=csrf, job=job, progress=job.progress(job.errors))


@routes.post("/console/import/{job}/next")
async def import_next(request: web.Request) -> web.Response:
    """Register the next chunk: JSON for the page's script (CSRF in ``X-CSRF-Token``), else (the "continue"
    button of a page without JavaScript) back to the progress page."""
    principal, csrf = await _require(request)
    scripted = "X-CSRF-Token" in request.headers
    if scripted and not hmac.compare_digest(request.headers["X-CSRF-Token"], csrf):
        raise web.HTTPForbidden(text="CSRF token missing or wrong; reload the page")
    if not scripted:
        await _post_form(request, csrf)
    job = _job(request, csrf)
    errors = await import_next_chunk(services(request), principal, job)
    if scripted:
        return web.json_response(job.progress(errors))
    raise web.HTTPSeeOther(f"/console/import/{job.id}")
