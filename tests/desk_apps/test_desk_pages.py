"""The desk apps' pages over plain HTTP: what the headers allow (framing by the desks only, our own scripts
only), that a key is never taken from a query string, and that the page carries no inline code."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import httpx
import pytest
from pydantic import ValidationError

from schemas.vocabulary import LOCALES
from tests.conftest import LiveService, create_tenant
from tests.desk_apps.conftest import DeskHost
from tracking_service.config import DeskAppsSettings
from tracking_service.labels import labels


def directives(response: httpx.Response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


class Tags(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data_blocks: list[str] = []
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_data = tag == "script" and dict(attrs).get("type") == "application/json"

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data_blocks.append(data)
            self._in_data = False


@pytest.mark.parametrize("desk", ["chatwoot", "zendesk"])
async def test_page_may_be_framed_by_the_desks_and_runs_only_our_scripts(
    service: LiveService, desk_host: DeskHost, desk: str
) -> None:
    async with service.client(None) as browserless:
        response = await browserless.get(f"/apps/{desk}")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    policy = directives(response)
    assert policy["frame-ancestors"] == [
        "'self'",
        "https://*.zendesk.com",
        "https://app.chatwoot.com",
        desk_host.origin,
    ]
    assert policy["default-src"] == ["'none'"] and policy["connect-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    sdk = [desk_host.origin] if desk == "zendesk" else []  # the ZAF SDK's origin, on the Zendesk page only
    assert policy["script-src"] == ["'self'", *sdk]
    assert "X-Frame-Options" not in response.headers  # it would forbid the desk's frame
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("desk", ["chatwoot", "zendesk"])
async def test_page_has_no_inline_code_and_embeds_every_label_table(service: LiveService, desk: str) -> None:
    async with service.client(None) as browserless:
        page = (await browserless.get(f"/apps/{desk}")).text
    tags = Tags()
    tags.feed(page)
    scripts = [attrs for tag, attrs in tags.tags if tag == "script"]
    assert [a.get("src") for a in scripts if a.get("type") != "application/json"] == ["/apps/static/desk.js"]
    handlers = [name for _, attrs in tags.tags for name in attrs if name.startswith("on")]
    assert handlers == [] and "style=" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing from another host
    (block,) = tags.data_blocks
    data = json.loads(block)
    assert data["desk"] == desk
    assert data["labels"] == {locale: labels(locale) for locale in LOCALES}


@pytest.mark.parametrize("parameter", ["key", "api_key", "token", "Key"])
async def test_a_key_in_the_query_string_is_refused(service: LiveService, agent_key: str, parameter: str) -> None:
    async with service.client(None) as browserless:
        response = await browserless.get("/apps/chatwoot", params={parameter: agent_key})
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/html")
    assert agent_key not in response.text and "#key=" in response.text
    assert "desk-data" not in response.text  # the app itself does not run
    assert "frame-ancestors" in response.headers["Content-Security-Policy"]


async def test_zendesk_s_own_parameters_are_accepted(service: LiveService) -> None:
    """Zendesk opens a remote app's page with ``origin`` and ``app_guid`` in the query string."""
    params = {"origin": "https://shop.zendesk.com", "app_guid": "7d1c8e5a-0000-4000-8000-000000000000"}
    async with service.client(None) as browserless:
        response = await browserless.get("/apps/zendesk", params=params)
    assert response.status_code == 200 and "desk-data" in response.text


async def test_script_and_style_are_served_by_us(service: LiveService) -> None:
    async with service.client(None) as browserless:
        script = await browserless.get("/apps/static/desk.js")
        style = await browserless.get("/apps/static/desk.css")
        missing = await browserless.get("/apps/static/other.js")
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("text/javascript")
    assert "chatwoot-dashboard-app:fetch-info" in script.text and "ZAFClient" in script.text
    assert style.status_code == 200 and style.headers["Content-Type"].startswith("text/css")
    assert "@import" not in style.text and "url(" not in style.text  # no external font or image
    assert script.headers["X-Content-Type-Options"] == "nosniff"
    assert missing.status_code == 404


@pytest.mark.parametrize(
    "entry", ["https://x.example; script-src *", "https://x.example 'unsafe-inline'", "*", "javascript:alert(1)"]
)
def test_frame_ancestors_setting_takes_origins_only(entry: str) -> None:
    with pytest.raises(ValidationError):
        DeskAppsSettings(frame_ancestors=[entry])


def test_frame_ancestors_setting_accepts_a_self_hosted_chatwoot() -> None:
    settings = DeskAppsSettings(frame_ancestors=["https://chat.shop.example:8443/", "https://*.zendesk.com"])
    assert settings.frame_ancestors == ["https://chat.shop.example:8443", "https://*.zendesk.com"]


async def test_a_shop_s_own_chatwoot_may_frame_its_dashboard_app(
    service: LiveService, admin: httpx.AsyncClient
) -> None:
    desks = {
        "shop-cw": {"kind": "chatwoot", "base_url": "https://chat.shop-cw.example/app", "credentials": {"t": "x"}},
        "shop-zd": {"kind": "zendesk", "base_url": "https://shopzd.zendesk.example", "credentials": {"t": "x"}},
    }
    for shop, desk in desks.items():
        await create_tenant(admin, shop)
        saved = await admin.put(f"/v1/tenants/{shop}/settings", json={"desk": desk})
        assert saved.status_code == 200, saved.text

    async def framers(path: str) -> list[str]:
        async with service.client(None) as browserless:
            response = await browserless.get(path)
        assert response.status_code == 200
        return directives(response)["frame-ancestors"]

    default = await framers("/apps/chatwoot")
    assert "https://chat.shop-cw.example" not in default
    assert await framers("/apps/chatwoot?shop=shop-cw") == [*default, "https://chat.shop-cw.example"]
    # another kind of desk, an unknown shop and a malformed one all frame like the page without a shop
    for shop in ("shop-zd", "no-such-shop", "Shop CW!"):
        assert await framers(f"/apps/chatwoot?shop={shop}") == default, shop
    assert "https://chat.shop-cw.example" not in await framers("/apps/zendesk?shop=shop-cw")
