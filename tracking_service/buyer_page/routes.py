"""The buyers' pages (SPEC §11), no key needed: ``GET /t/<token>`` shows one parcel. Handlers parse the
request, call one use case (``tracking_service.usecases.buyer_page``) and render; every refusal is a page
in the buyer's language with a 4xx status, never a problem document or a 5xx."""

from __future__ import annotations

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
from tracking_service.buyer_page.words import page_locale, word
from tracking_service.services import services
from tracking_service.usecases.buyer_page import Parcel, open_link, parcel_facts

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
