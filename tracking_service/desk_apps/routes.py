"""``GET /apps/chatwoot`` and ``GET /apps/zendesk``: the desk apps' pages, their script and style.

Security of a page a third-party desk frames:

- ``frame-ancestors`` lists the service itself, the configured desk origins (``desk_apps.frame_ancestors``:
  Zendesk and Chatwoot Cloud by default), and for ``/apps/chatwoot?shop=<tenant>`` that shop's own Chatwoot
  (its desk connector's base URL), so a self-hosted Chatwoot needs no operator setting;
- scripts and styles come only from the service (``static/``), no inline script or handler, no external font;
  the Zendesk page alone may load the ZAF SDK, from its configured origin;
- the agent's key lives in the URL fragment or the page's ``sessionStorage`` and travels only in the API's
  ``Authorization`` header: a query string naming a key is refused (query strings reach access logs, proxies
  and Referer headers), and the pages send no Referer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from aiohttp import web

from tracking_service.config import DeskAppsSettings
from tracking_service.desk_apps.texts import LOCALES, UI
from tracking_service.labels import labels
from tracking_service.services import Services, services
from tracking_service.usecases.desk_apps import chatwoot_base_url

HERE = Path(__file__).parent
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
)
DESKS = ("chatwoot", "zendesk")
# Parameters that would carry a secret: a key in a query string is refused, not read.
SECRET_PARAMETERS = frozenset({"key", "api_key", "apikey", "token", "access_token", "authorization"})
routes = web.RouteTableDef()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(settings: DeskAppsSettings, desk: str, shop_desk: str | None = None) -> str:
    """The page's CSP: only our own script, style and API; framed by the service, the configured desks and the
    shop's own desk origin when the page names the shop."""
    scripts = ["'self'"]
    if desk == "zendesk" and (sdk := _origin(settings.zaf_sdk_url)):
        scripts.append(sdk)
    directives = {
        "default-src": ["'none'"],
        "script-src": scripts,
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'self'", *settings.frame_ancestors, *([shop_desk] if shop_desk else [])],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _headers(settings: DeskAppsSettings, desk: str, shop_desk: str | None) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(settings, desk, shop_desk),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }


def _page(
    desk: str, status: int, template: str, settings: DeskAppsSettings, shop_desk: str | None = None, **context: Any
) -> web.Response:
    html = TEMPLATES.get_template(template).render(desk=desk, ui=UI["zh-Hans"], en=UI["en"], **context)
    headers = _headers(settings, desk, shop_desk)
    return web.Response(text=html, status=status, content_type="text/html", headers=headers)


async def _shop_chatwoot(svc: Services, shop: str) -> str | None:
    """The origin of the named shop's own Chatwoot, https only (plain http where private URLs are allowed)."""
    url = await chatwoot_base_url(svc, shop) if shop else None
    origin = _origin(url) if url else ""
    secure = origin.startswith("https://") or (origin.startswith("http://") and svc.settings.allow_private_urls)
    return origin if secure else None


async def _desk_page(request: web.Request, desk: str) -> web.Response:
    svc = services(request)
    settings = svc.settings.desk_apps
    shop_desk = await _shop_chatwoot(svc, request.query.get("shop", "")) if desk == "chatwoot" else None
    named = sorted(name for name in request.query if name.lower() in SECRET_PARAMETERS)
    if named:
        return _page(desk, 400, "refused.html", settings, shop_desk, parameter=named[0])
    data = {
        "desk": desk,
        "locales": LOCALES,
        "ui": UI,
        "labels": {locale: labels(locale) for locale in LOCALES},
        "zaf_sdk_url": settings.zaf_sdk_url if desk == "zendesk" else "",
    }
    return _page(desk, 200, "desk.html", settings, shop_desk, data=data)


@routes.get("/apps/chatwoot")
async def chatwoot_app(request: web.Request) -> web.Response:
    """The Chatwoot Dashboard App: reads the conversation from the dashboard's ``appContext`` message."""
    return await _desk_page(request, "chatwoot")


@routes.get("/apps/zendesk")
async def zendesk_app(request: web.Request) -> web.Response:
    """The Zendesk ticket-sidebar app: reads the ticket through ZAF, a posted context or a paste."""
    return await _desk_page(request, "zendesk")


_STATIC_TYPES = {".js": "text/javascript", ".css": "text/css"}
# Read once: two small files, served from memory without blocking the loop on disk.
STATIC = {path.name: path.read_bytes() for path in (HERE / "static").iterdir() if path.suffix in _STATIC_TYPES}


@routes.get(r"/apps/static/{name:[a-z_]+\.(js|css)}")
async def static_file(request: web.Request) -> web.Response:
    """The pages' script and style (served by us so the CSP needs no inline code)."""
    name = request.match_info["name"]
    if name not in STATIC:
        raise web.HTTPNotFound(text="no such file")
    return web.Response(
        body=STATIC[name],
        content_type=_STATIC_TYPES[Path(name).suffix],
        charset="utf-8",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=300"},
    )
