"""What every console page shares: the templates, the signed-in agent (session cookie → principal, the CSRF
token of its forms, the language it reads in) and the words templates show instead of codes.

The language is the agent's choice (``POST /console/language``), kept in a cookie; zh-Hans by default. zh-Hant
pages are the zh-Hans words through OpenCC (``tracking_service.hant``); labels have their own zh-Hant."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from tracking_service import labels
from tracking_service.auth import Principal
from tracking_service.console import humanize
from tracking_service.hant import in_locale, to_hant
from tracking_service.services import Services, services
from tracking_service.usecases.console_sessions import session_principal

SESSION = "tracking_console"
PRE = "tracking_console_pre"
LANGUAGE = "tracking_console_lang"
LANGUAGES = {"zh-Hans": "中文", "zh-Hant": "繁體中文", "en": "English"}
DEFAULT_LANGUAGE = "zh-Hans"


class _HantLoader(jinja2.FileSystemLoader):
    """The templates with their own Chinese words in zh-Hant; what they show at render time (a buyer's text, a
    drafted answer in the buyer's script) is not converted."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        return to_hant(source), filename, uptodate


def _environment(loader: jinja2.BaseLoader) -> jinja2.Environment:
    env = jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["local"] = humanize.local_time
    return env


TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATES = _environment(jinja2.FileSystemLoader(TEMPLATE_DIR))
TEMPLATES_HANT = _environment(_HantLoader(TEMPLATE_DIR))


class Words:
    """The words a page shows for codes, in the agent's language (``w.status("in_transit")`` → 运输中)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, kind: str, code: Any) -> str:
        return labels.label(kind, code, self.lang)

    def status(self, code: str | None, sub: str | None = None) -> str:
        shown = labels.label("status", code, self.lang)
        return f"{shown} · {labels.label('sub_status', sub, self.lang)}" if sub else shown

    def carrier(self, carrier: str, sub_carrier: str | None = None) -> str:
        return in_locale(humanize.carrier_name(carrier, sub_carrier, self.lang), self.lang)

    def eta_source(self, source: str | None) -> str:
        return in_locale(humanize.eta_source(source, self.lang), self.lang)

    def facts(self, facts: Mapping[str, Any], zone: str) -> list[str]:
        return [in_locale(line, self.lang) for line in humanize.fact_lines(facts, zone, self.lang)]

    def pick(self, zh: str, en: str) -> str:
        """A page's own words: Chinese (zh-Hant templates hold them converted already), or English for an agent
        who chose it."""
        return en if self.lang == "en" else zh


@dataclass(frozen=True, slots=True)
class Agent:
    principal: Principal
    csrf: str  # the CSRF token of this session's forms
    lang: str


def language(request: web.Request) -> str:
    chosen = request.cookies.get(LANGUAGE, "")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def csrf_token(svc: Services, value: str) -> str:
    secret = hashlib.sha256(b"console csrf\x00" + svc.settings.pii_key.get_secret_value().encode()).digest()
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]


def render(
    request: web.Request, name: str, agent: Agent | None, http_status: int = 200, **context: Any
) -> web.Response:
    lang = agent.lang if agent else language(request)
    here = request.path_qs if request.method == "GET" else "/console/"  # where the language switch comes back to
    page = {"agent": agent.principal if agent else None, "lang": lang, "w": Words(lang), "languages": LANGUAGES}
    page["here"] = here
    if agent is not None:
        page["csrf"] = agent.csrf
    html = (TEMPLATES_HANT if lang == "zh-Hant" else TEMPLATES).get_template(name).render(**{**page, **context})
    return web.Response(text=html, content_type="text/html", status=http_status)


async def current_agent(request: web.Request) -> Agent | None:
    """The agent of the request's open session, if any."""
    token = request.cookies.get(SESSION)
    if not token:
        return None
    svc = services(request)
    principal = await session_principal(svc, token)
    if principal is None:
        return None
    return Agent(principal, csrf_token(svc, token), language(request))


async def require_agent(request: web.Request) -> Agent:
    found = await current_agent(request)
    if found is None:
        raise web.HTTPSeeOther("/console/login")
    return found


def check_csrf(sent: str, agent_csrf: str) -> None:
    if not hmac.compare_digest(sent, agent_csrf):
        raise web.HTTPForbidden(text="CSRF token missing or wrong; reload the page")


async def post_form(request: web.Request, csrf: str) -> dict[str, str]:
    """The posted form, once its CSRF token is the session's."""
    form = {k: str(v) for k, v in (await request.post()).items()}
    check_csrf(form.get("csrf", ""), csrf)
    return form
