"""Rendering the buyers' pages: one jinja2 environment (the console's stack), one small stylesheet served by
the service itself, no scripts; each response carries a Content-Security-Policy that allows only that
stylesheet, the shop's https logo and a per-response nonce for the brand colour, and a no-referrer policy so
the link token never leaks to the logo's host (MDN: Content-Security-Policy, Referrer-Policy)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from tracking_service.buyer_page.words import LANGUAGE_NAMES, words
from tracking_service.config import Settings

HERE = Path(__file__).parent
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
STYLESHEET = (HERE / "static" / "buyer.css").read_bytes()
STYLESHEET_URL = f"/static/buyer.css?v={hashlib.sha256(STYLESHEET).hexdigest()[:10]}"
CSRF_COOKIE = "buyer_form"


def _headers(nonce: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": (
            f"default-src 'none'; style-src 'self' 'nonce-{nonce}'; img-src 'self' https:; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        ),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
        "X-Robots-Tag": "noindex",
    }


def render(name: str, status: int, locale: str, brand: dict[str, Any], **context: Any) -> web.Response:
    """A page in ``locale`` with the shop's branding (or the service's plain look when ``brand`` is empty)."""
    nonce = secrets.token_urlsafe(12)
    html = TEMPLATES.get_template(name).render(
        locale=locale,
        w=words(locale),
        brand={
            "name": brand.get("name") or words(locale)["title"],
            "logo": brand.get("logo"),
            "color": brand.get("color"),
        },
        languages=LANGUAGE_NAMES,
        stylesheet=STYLESHEET_URL,
        nonce=nonce,
        **context,
    )
    return web.Response(text=html, status=status, content_type="text/html", headers=_headers(nonce))


def message(
    status: int, locale: str, heading: str, text: str, brand: dict[str, Any] | None = None, **extra: Any
) -> web.Response:
    """A page that says one thing: not found, refused, too many tries."""
    return render("message.html", status, locale, brand or {}, heading=heading, text=text, **extra)


async def stylesheet(request: web.Request) -> web.Response:
    return web.Response(
        body=STYLESHEET,
        content_type="text/css",
        charset="utf-8",
        headers={"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"},
    )


def _form_key(settings: Settings) -> bytes:
    return hashlib.sha256(b"buyer page csrf\x00" + settings.pii_key.get_secret_value().encode()).digest()


def form_token(settings: Settings, cookie: str, link_token: str) -> str:
    """The CSRF token of a page's forms: bound to the browser's form cookie and to the parcel's link."""
    return hmac.new(_form_key(settings), f"{cookie}\x00{link_token}".encode(), hashlib.sha256).hexdigest()[:32]


def form_cookie(request: web.Request) -> tuple[str, bool]:
    """The browser's form cookie (SameSite=Strict, so a cross-site post never carries it), and whether it is new."""
    found = request.cookies.get(CSRF_COOKIE, "")
    if 16 <= len(found) <= 64 and found.isascii() and found.replace("-", "").replace("_", "").isalnum():
        return found, False
    return secrets.token_urlsafe(18), True


def set_form_cookie(response: web.Response, request: web.Request, value: str) -> None:
    response.set_cookie(CSRF_COOKIE, value, httponly=True, samesite="Strict", path="/t/", secure=request.secure)


def form_ok(request: web.Request, settings: Settings, link_token: str, sent: str) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(cookie and sent) and hmac.compare_digest(sent, form_token(settings, cookie, link_token))
