"""The buyers' pages (SPEC §11), no key needed: ``GET /t/<token>`` shows one parcel, ``GET /track`` finds one
by order id + the phone's last 4 digits; ``POST /t/<token>/not-received`` and ``POST /t/<token>/damage`` are
the buyer's self-service forms (CSRF token bound to a SameSite=Strict cookie and to the link). Handlers parse
the request, call one use case (``tracking_service.usecases.buyer_page``) and render; every refusal is a page
in the buyer's language with a 4xx status, never a problem document or a 5xx."""

from __future__ import annotations

import asyncio
import re

from aiohttp import web

from tracking_service.buyer_page.pages import (
    form_cookie,
    form_ok,
    form_token,
    message,
    render,
    set_form_cookie,
    stylesheet,
)
from tracking_service.buyer_page.photos import Refused, clean, read_form
from tracking_service.buyer_page.view import branding, parcel_view
from tracking_service.buyer_page.words import LANGUAGE_NAMES, page_locale, word
from tracking_service.services import services
from tracking_service.usecases.buyer_page import (
    NotAllowed,
    Parcel,
    check_damage,
    check_dispute,
    look_up,
    open_link,
    parcel_facts,
    report_damage,
    report_not_received,
)

routes = web.RouteTableDef()
routes.get("/static/buyer.css")(stylesheet)


def locale_of(request: web.Request, parcel: Parcel | None = None) -> str:
    buyer = (parcel.shipment.buyer_masked or {}).get("locale") if parcel else None
    shop = parcel.tenant["locale"] if parcel else None
    return page_locale(request.query.get("lang"), buyer, request.headers.get("Accept-Language"), shop)


def not_found(request: web.Request) -> web.Response:
    locale = page_locale(request.query.get("lang"), None, request.headers.get("Accept-Language"), None)
    return message(404, locale, word("not_found_title", locale), word("not_found", locale), lookup=True)


async def parcel_response(
    request: web.Request, parcel: Parcel, status: int = 200, notice: dict[str, str] | None = None
) -> web.Response:
    """The parcel's page (after a form: with what happens next), its forms carrying the CSRF token."""
    svc = services(request)
    locale = locale_of(request, parcel)
    cookie, new = form_cookie(request)
    facts = await parcel_facts(svc, parcel)
    response = render(
        "parcel.html",
        status,
        locale,
        branding(parcel.tenant),
        p=parcel_view(parcel.shipment, facts.context, facts.events, facts.zone, locale),
        base=f"/t/{parcel.token}",
        csrf=form_token(svc.settings, cookie, parcel.token),
        notice=notice,
    )
    if new:
        set_form_cookie(response, request, cookie)
    return response


@routes.get("/t/{token}")
async def parcel(request: web.Request) -> web.Response:
    found = await open_link(services(request), request.match_info["token"])
    if found is None:
        return not_found(request)
    return await parcel_response(request, found)


LAST4 = re.compile(r"\d{4}")


@routes.get("/track")
async def track(request: web.Request) -> web.Response:
    """The lookup form; with both fields, the parcel's page (303) or one answer for every wrong pair."""
    locale = page_locale(request.query.get("lang"), None, request.headers.get("Accept-Language"), None)
    order_id = request.query.get("order_id", "").strip()
    last4 = request.query.get("phone_last4", "").strip()
    heading = word("lookup", locale)
    if not order_id and not last4:
        return message(200, locale, heading, word("lookup_hint", locale), lookup=True)
    if not order_id or len(order_id) > 128 or not LAST4.fullmatch(last4):
        return message(400, locale, heading, word("lookup_missing", locale), lookup=True)
    found = await look_up(services(request), order_id, last4, request.remote or "")
    if found.throttled:
        response = message(429, locale, heading, word("too_many", locale))
        response.headers["Retry-After"] = "60"
        return response
    if found.path is None:
        return message(404, locale, heading, word("lookup_none", locale), lookup=True)
    lang = request.query.get("lang")
    raise web.HTTPSeeOther(found.path + (f"?lang={lang}" if lang in LANGUAGE_NAMES else ""))


def refused(request: web.Request, parcel: Parcel, status: int, reason: str) -> web.Response:
    """A self-service step turned down: why, in the buyer's language, and the way back to the parcel."""
    locale = locale_of(request, parcel)
    return message(
        status,
        locale,
        word("refused_title", locale),
        word(reason, locale),
        branding(parcel.tenant),
        back=f"/t/{parcel.token}",
    )


@routes.post("/t/{token}/not-received")
async def not_received(request: web.Request) -> web.Response:
    svc = services(request)
    found = await open_link(svc, request.match_info["token"])
    if found is None:
        return not_found(request)
    try:
        check_dispute(found.shipment)
        form = await request.post()
        if not form_ok(request, svc.settings, found.token, str(form.get("csrf", ""))):
            return refused(request, found, 403, "csrf")
        await report_not_received(svc, found)
    except NotAllowed as exc:
        return refused(request, found, 409, exc.reason)
    except (web.HTTPRequestEntityTooLarge, ValueError):
        return refused(request, found, 400, "csrf")
    return await after_step(request, found, "dispute_open", "dispute_next")


async def after_step(
    request: web.Request, parcel: Parcel, title: str, next_step: str, **values: object
) -> web.Response:
    """The parcel's page again (re-read: it now shows the dispute or claim), saying what happens next."""
    fresh = await open_link(services(request), parcel.token) or parcel
    locale = locale_of(request, fresh)
    notice = {"title": word(title, locale, **values), "next": word(next_step, locale)}
    return await parcel_response(request, fresh, notice=notice)


@routes.post("/t/{token}/damage")
async def damage(request: web.Request) -> web.Response:
    svc = services(request)
    found = await open_link(svc, request.match_info["token"])
    if found is None:
        return not_found(request)
    try:
        check_damage(found.shipment)  # before reading any upload
        form = await read_form(request)
        if not form_ok(request, svc.settings, found.token, form.fields.get("csrf", "")):
            return refused(request, found, 403, "csrf")
        description = form.fields.get("description", "").strip()
        if not description or len(description) > 2000:
            raise Refused(422, "description_missing")
        if not form.files:
            raise Refused(422, "photo_none")
        photos = [await asyncio.to_thread(clean, data) for data in form.files]
        await report_damage(svc, found, description, photos)
    except Refused as exc:
        return refused(request, found, exc.status, exc.reason)
    except ValueError:  # a multipart body that does not parse
        return refused(request, found, 400, "upload_form")
    except NotAllowed as exc:
        return refused(request, found, 409, exc.reason)
    return await after_step(request, found, "claim_open", "claim_next", count=len(photos))
