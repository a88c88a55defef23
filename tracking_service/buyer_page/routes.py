"""The buyers' pages (SPEC §11), no key needed: ``GET /t/<token>`` shows one parcel, ``GET /track`` finds one
by order id + the phone's last 4 digits. Handlers parse the request, call one use case
(``tracking_service.usecases.buyer_page``) and render; every refusal is a page in the buyer's language with a
4xx status, never a problem document or a 5xx."""

from __future__ import annotations

import re

from aiohttp import web

from tracking_service.buyer_page.pages import (
    form_cookie,
    form_token,
    message,
    render,
    set_form_cookie,
    stylesheet,
)
from tracking_service.buyer_page.view import branding, parcel_view
from tracking_service.buyer_page.words import LANGUAGE_NAMES, page_locale, word
from tracking_service.services import services
from tracking_service.usecases.buyer_page import Parcel, look_up, open_link, parcel_facts

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
